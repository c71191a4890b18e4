import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { buildHandler } from '../server/app.js';
import { loadConfig } from '../server/config.js';
import { openDatabase, type Database } from '../server/db/database.js';
import { tileOf } from './support/mvt.js';
import { createTestDatabase, dropTestDatabase, serverUrl } from './support/postgres-admin.js';
import { Relay } from './support/tcp-relay.js';

// The database going away is played by a TCP proxy between the server and PostgreSQL that is
// closed (every connection cut, new ones refused) and opened again. Only PostgreSQL has a
// connection to cut: the embedded PGlite database runs inside the server's own process.
const server = serverUrl();

/** A request that must end: resolves with its answer, or fails the test if it takes longer than `ms`. */
async function within(ms: number, request: Promise<Response>): Promise<Response> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), ms)));
  const result = await Promise.race([request, late]);
  clearTimeout(timer);
  if (result === 'late') throw new Error(`no answer within ${ms} ms`);
  return result;
}

describe.skipIf(!server || !inject('databaseUrl'))('when the database goes away and comes back', () => {
  let url = '';
  let dbUrl = '';
  let db: Database;
  let http: Server;
  let relay: Relay;
  const get = (path: string) => within(30_000, fetch(url + path));

  beforeAll(async () => {
    if (!server) return;
    dbUrl = await createTestDatabase(server, 'away', inject('templateDatabaseUrl'));
    const through = await Relay.to(dbUrl);
    relay = through.relay;
    db = await openDatabase({ databaseUrl: through.url, poolMax: 2, dataDir: '', migrate: false });
    http = createServer(
      buildHandler({ db, config: loadConfig({ LOG_LEVEL: 'silent' }), log: pino({ level: 'silent' }) }),
    ).listen(0, '127.0.0.1');
    await new Promise<void>((resolve) => http.once('listening', resolve));
    url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => (http ? http.close(() => resolve()) : resolve()));
    await relay?.up();
    await db?.close();
    await relay?.down();
    if (server && dbUrl) await dropTestDatabase(server, dbUrl);
  });

  let tileUrl = '';
  it('serves, and is live and ready, while the database is there', async () => {
    expect((await get('/api/layers?limit=1')).status).toBe(200);
    // A viewer reads a TileJSON and a tile: both are now in memory.
    const tj = (await (await get('/tiles/batas-kecamatan-kota-tangerang.json')).json()) as { tiles: string[] };
    const t = tileOf(106.63, -6.17, 12);
    tileUrl = (tj.tiles[0] ?? '').replace('{z}/{x}/{y}', `${t.z}/${t.x}/${t.y}`).replace(/^https?:\/\/[^/]+/, '');
    expect((await get(tileUrl)).status).toBe(200);
    expect((await get('/api/health/live')).status).toBe(200);
    const ready = await get('/api/health/ready');
    expect(ready.status).toBe(200);
    expect(((await ready.json()) as { status: string }).status).toBe('ok');
  });

  it('answers 503 database_unavailable with Retry-After at once, and stays live but not ready', async () => {
    await relay.down();
    for (const path of [
      '/api/layers?limit=1',
      '/api/elements?q=penduduk',
      '/api/health',
      '/ogc/collections',
      '/api/health/ready',
    ]) {
      const res = await get(path);
      const body = (await res.json()) as { error?: { code: string; message: string } };
      expect([path, res.status, body.error?.code]).toEqual([path, 503, 'database_unavailable']);
      expect(res.headers.get('retry-after')).toBe('5');
      expect(body.error?.message).toMatch(/try again/);
    }
    expect((await get('/api/health/live')).status).toBe(200);
    // What is in memory is still served: the TileJSON (its known versions) and the cached tile.
    expect((await get('/tiles/batas-kecamatan-kota-tangerang.json')).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1100)); // past the registry's 1 s reuse, as a viewer panning later would be
    const cached = await get(tileUrl);
    expect(cached.status).toBe(200);
    expect((await cached.arrayBuffer()).byteLength).toBeGreaterThan(0);
    const next = tileOf(106.63, -6.17, 13);
    const uncached = await get(tileUrl.replace(/\/12\/\d+\/\d+\.mvt/, `/13/${next.x}/${next.y}.mvt`));
    expect([uncached.status, uncached.headers.get('retry-after')]).toEqual([503, '5']);
    // Client mistakes are still the client's: checked before any database call.
    expect((await get('/api/layers?limit=abc')).status).toBe(400);
  });

  it('is ready and serving again once the database is back, with no restart', async () => {
    await relay.up();
    let status = 0;
    for (let i = 0; i < 60 && status !== 200; i++) {
      status = (await get('/api/layers?limit=1')).status;
      if (status !== 200) await new Promise((r) => setTimeout(r, 500));
    }
    expect(status).toBe(200);
    expect((await get('/api/health/ready')).status).toBe(200);
    expect((await get('/api/elements?q=penduduk&limit=1')).status).toBe(200);
  });
});
