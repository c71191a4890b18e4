import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { TokenStore } from '../server/auth/token-store.js';
import { openDatabase, type Database } from '../server/db/database.js';
import { tileOf } from './support/mvt.js';
import { createTestDatabase, dropTestDatabase, serverUrl } from './support/postgres-admin.js';
import { eventually, othersIdle, uploadCopying } from './support/faults.js';
import { spawnServer, type ServerProcess } from './support/server-process.js';
import { Relay } from './support/tcp-relay.js';
import { bigCollection, fc, feature, point, pointLayerBody } from './support/upload-corpus.js';

// Issue 16's fault suite: a database connection killed while it answers a feature read and a
// tile render, the database unreachable for 20 s under read traffic, and the server killed in
// the middle of an upload and started again. Each fault is played on a real server process and
// a real PostgreSQL; each check asks: did every request end within a bound, is the pool whole,
// is nothing half-written and no spool file left, is the server ready again. (The COPY killed
// mid-upload is tests/upload-connection-loss.test.ts.) The embedded database has no backends to
// kill and no connection to cut: it runs inside the server's process.
const server = serverUrl();
const LAYER = 'batas-kelurahan-kota-tangerang';
/** How long any request may take to end, error or not, while a fault is played (far above normal). */
const ENDS_WITHIN_MS = 30_000;
/** How long the server may take to be ready again after the fault ends. */
const READY_WITHIN_MS = 30_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Ended {
  status: number;
  code: string;
  retryAfter: string | null;
  ms: number;
}

/** A GET that must end within ENDS_WITHIN_MS: its status and error code, or status 0 if it did not end. */
async function ended(url: string, init: RequestInit = {}): Promise<Ended> {
  const started = performance.now();
  try {
    const res = await fetch(url, { ...init, signal: AbortSignal.timeout(ENDS_WITHIN_MS) });
    const text = await res.text();
    let code = '';
    if (res.status >= 400) code = (JSON.parse(text) as { error?: { code?: string } }).error?.code ?? '';
    return { status: res.status, code, retryAfter: res.headers.get('retry-after'), ms: performance.now() - started };
  } catch (err) {
    return { status: 0, code: (err as Error).name, retryAfter: null, ms: performance.now() - started };
  }
}

/** The process's pool gauges from /metrics: connections checked out and queries waiting for one. */
async function pool(p: ServerProcess): Promise<{ inUse: number; waiting: number }> {
  const text = await (await fetch(`${p.url}/metrics`)).text();
  const gauge = (name: string) => Number(new RegExp(`^${name}\\{pool="primary"\\} (\\d+)`, 'm').exec(text)?.[1] ?? NaN);
  return { inUse: gauge('satupeta_db_pool_in_use'), waiting: gauge('satupeta_db_pool_waiting') };
}

/** Waits for the pool to be whole (nothing checked out or waiting) and says what it last saw. */
async function poolWhole(p: ServerProcess): Promise<{ inUse: number; waiting: number }> {
  let last = await pool(p);
  const until = Date.now() + ENDS_WITHIN_MS;
  while ((last.inUse > 0 || last.waiting > 0) && Date.now() < until) {
    await sleep(100);
    last = await pool(p);
  }
  return last;
}

async function databaseName(client: pg.Client): Promise<string> {
  return (await client.query<{ db: string }>('select current_database() as db')).rows[0]?.db ?? '';
}

describe.skipIf(!server)('a database connection killed while it answers', () => {
  let url = '';
  let p: ServerProcess;
  let admin: pg.Client;
  let database = '';

  beforeAll(async () => {
    url = await createTestDatabase(server ?? '', 'fault', inject('templateDatabaseUrl'));
    p = await spawnServer({ DATABASE_URL: url, DATABASE_POOL_MAX: '2' });
    admin = new pg.Client({ connectionString: url });
    await admin.connect();
    database = await databaseName(admin);
  });

  afterAll(async () => {
    await p?.stop();
    await admin?.end();
    if (url) await dropTestDatabase(server ?? '', url);
  });

  /**
   * Holds the features table locked so the request's query waits inside PostgreSQL, ends that
   * query's backend, and returns what the request answered.
   */
  async function killWhileWaiting(path: string): Promise<Ended> {
    await admin.query('begin');
    await admin.query('lock table features in access exclusive mode');
    const answer = ended(p.url + path);
    let killed = false;
    try {
      const until = Date.now() + ENDS_WITHIN_MS;
      while (!killed && Date.now() < until) {
        const { rows } = await admin.query<{ pid: number }>(
          `select pid from pg_stat_activity
            where datname = $1 and pid <> pg_backend_pid() and wait_event_type = 'Lock'`,
          [database],
        );
        for (const { pid } of rows) {
          const { rows: done } = await admin.query<{ ok: boolean }>('select pg_terminate_backend($1) as ok', [pid]);
          killed ||= done[0]?.ok === true;
        }
        if (!killed) await sleep(20);
      }
    } finally {
      await admin.query('rollback');
    }
    expect(killed, `no query of ${path} was seen waiting on the features table`).toBe(true);
    return answer;
  }

  it('answers a feature read 503 database_unavailable with Retry-After, and serves the next one', async () => {
    const res = await killWhileWaiting(`/api/layers/${LAYER}/features?limit=3`);
    expect(res).toMatchObject({ status: 503, code: 'database_unavailable', retryAfter: '5' });
    expect(await poolWhole(p)).toEqual({ inUse: 0, waiting: 0 });
    const next = await Promise.all(
      Array.from({ length: 6 }, () => ended(`${p.url}/api/layers/${LAYER}/features?limit=3`)),
    );
    expect(next.map((r) => r.status)).toEqual(Array(6).fill(200));
    expect((await ended(`${p.url}/api/health/ready`)).status).toBe(200);
  });

  it('is ready while every pool connection is busy: readiness asks the database on a connection of its own', async () => {
    await admin.query('begin');
    await admin.query('lock table features in access exclusive mode');
    const held = Array.from({ length: 3 }, () => ended(`${p.url}/api/layers/${LAYER}/features?limit=1`));
    try {
      // Both pool connections wait on the lock and a third request waits for a connection.
      await eventually(ENDS_WITHIN_MS, async () => {
        const { rows } = await admin.query(
          `select 1 from pg_stat_activity where datname = $1 and wait_event_type = 'Lock' and pid <> pg_backend_pid()`,
          [database],
        );
        return rows.length >= 2 && (await pool(p)).waiting >= 1;
      });
      const ready = await ended(`${p.url}/api/health/ready`);
      // (Queued behind the pool, the probe would give up after its 3 s and answer 503.)
      expect(ready.status).toBe(200);
    } finally {
      await admin.query('rollback');
    }
    expect((await Promise.all(held)).map((r) => r.status)).toEqual([200, 200, 200]);
  });

  it('answers a tile render 503 with Retry-After, caches nothing of it, and renders it next time', async () => {
    const t = tileOf(106.63, -6.17, 14);
    const tile = `/tiles/${LAYER}/${t.z}/${t.x}/${t.y}.mvt`;
    const res = await killWhileWaiting(tile);
    expect(res).toMatchObject({ status: 503, code: 'database_unavailable', retryAfter: '5' });
    expect(await poolWhole(p)).toEqual({ inUse: 0, waiting: 0 });
    const again = await fetch(p.url + tile);
    const body = new Uint8Array(await again.arrayBuffer());
    // On failure, say what the server answered and logged (a CI run once saw a second 503 here).
    const said = `${new TextDecoder().decode(body).slice(0, 300)}\n${p.logs.slice(-6).join('\n')}`;
    expect(again.status, said).toBe(200);
    expect(body.byteLength).toBeGreaterThan(0);
  });
});

describe.skipIf(!server)('the database unreachable for 20 s under read traffic', () => {
  let url = '';
  let relay: Relay;
  let p: ServerProcess;

  beforeAll(async () => {
    url = await createTestDatabase(server ?? '', 'fault', inject('templateDatabaseUrl'));
    const through = await Relay.to(url);
    relay = through.relay;
    p = await spawnServer({ DATABASE_URL: through.url, DATABASE_POOL_MAX: '3' });
  });

  afterAll(async () => {
    await p?.stop();
    await relay?.down();
    if (url) await dropTestDatabase(server ?? '', url);
  });

  it(
    'ends every request, answers 503 with Retry-After or from memory, and is ready again after',
    { timeout: 180_000 },
    async () => {
      // A viewer has the TileJSON and one tile: both are in the process's memory from now on.
      const t = tileOf(106.63, -6.17, 12);
      const cachedTile = `/tiles/${LAYER}/${t.z}/${t.x}/${t.y}.mvt`;
      expect((await ended(p.url + cachedTile)).status).toBe(200);
      expect((await ended(`${p.url}/tiles/${LAYER}.json`)).status).toBe(200);
      const paths = [
        '/api/layers?limit=2',
        `/api/layers/${LAYER}/features?limit=2`,
        '/ogc/collections',
        `/ogc/collections/${LAYER}/items?limit=2`,
        '/api/elements?q=penduduk&limit=2',
        cachedTile,
        `/tiles/${LAYER}.json`,
        '/api/health/ready',
        '/api/health/live',
      ];
      const seen: Array<Ended & { path: string; phase: string }> = [];
      let phase = 'before';
      let running = true;
      // Four readers, each request after the last one ended: steady traffic, bounded load.
      const readers = Array.from({ length: 4 }, async (_, r) => {
        for (let i = r; running; i++) {
          const path = paths[i % paths.length] ?? '/';
          const at = phase;
          seen.push({ ...(await ended(p.url + path)), path, phase: at });
          await sleep(25);
        }
      });

      await sleep(1000);
      phase = 'away';
      await relay.down();
      await sleep(20_000);
      phase = 'back';
      await relay.up();
      // Ready again within the bound, without a restart.
      await eventually(READY_WITHIN_MS, async () => (await ended(`${p.url}/api/health/ready`)).status === 200);
      phase = 'after';
      await sleep(2000);
      running = false;
      await Promise.all(readers);

      const away = seen.filter((s) => s.phase === 'away');
      expect(away.length).toBeGreaterThan(50);
      // Every request ended, with an answer (no hang, no dropped connection) and never a 500.
      expect(seen.filter((s) => s.status === 0 || (s.status >= 500 && s.status !== 503))).toEqual([]);
      // While it was away: what needs the database is 503 database_unavailable with Retry-After;
      // liveness, the TileJSON and the cached tile still answer 200 from memory.
      for (const s of away) {
        if (s.path === '/api/health/live' || s.path === cachedTile || s.path.endsWith('.json')) {
          expect([s.path, s.status]).toEqual([s.path, 200]);
        } else if (s.status !== 200) {
          // (a request that got its answer just before the relay went down is a 200)
          expect([s.path, s.status, s.code, s.retryAfter]).toEqual([s.path, 503, 'database_unavailable', '5']);
        }
      }
      expect(away.filter((s) => s.status === 503).length).toBeGreaterThan(20);
      expect(Math.max(...away.map((s) => s.ms))).toBeLessThan(ENDS_WITHIN_MS);
      // After: everything answers 200 again, and the pool is whole.
      const after = seen.filter((s) => s.phase === 'after');
      expect(after.length).toBeGreaterThan(10);
      expect(after.filter((s) => s.status !== 200)).toEqual([]);
      expect(await poolWhole(p)).toEqual({ inUse: 0, waiting: 0 });
    },
  );
});

/** Big enough that the server is still copying rows when it is killed. */
const FEATURES = 300_000;

describe.skipIf(!server)('the server killed in the middle of an upload and started again', () => {
  let url = '';
  let db: Database;
  let admin: pg.Client;
  let database = '';
  let spool = '';
  let token = '';
  let layer = '';
  let p: ServerProcess | undefined;
  const env = () => ({ DATABASE_URL: url, DATABASE_POOL_MAX: '2', UPLOAD_DIR: spool, WRITE_RATE_LIMIT: '1000' });

  const upload = (target: ServerProcess, body: string) =>
    fetch(`${target.url}/api/layers/${layer}/features?mode=replace`, {
      method: 'POST',
      body,
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/geo+json' },
      signal: AbortSignal.timeout(ENDS_WITHIN_MS * 3),
    });
  const spoolEntries = async () => (await fs.readdir(spool)).filter((n) => n.startsWith('satupeta-'));

  beforeAll(async () => {
    url = await createTestDatabase(server ?? '', 'fault', inject('templateDatabaseUrl'));
    db = await openDatabase({ databaseUrl: url, poolMax: 2, dataDir: '', migrate: false });
    admin = new pg.Client({ connectionString: url });
    await admin.connect();
    database = await databaseName(admin);
    spool = await fs.mkdtemp(path.join(os.tmpdir(), 'fault-spool-'));
    const [agency = ''] = (await db.knex('agencies').orderBy('code').pluck('code')) as string[];
    layer = `${agency}-uji-mati-di-tengah`;
    token = (
      await new TokenStore(db.knex).create({ name: 'uji', role: 'editor', agencies: [agency], createdBy: 'test' })
    ).token;
    p = await spawnServer(env());
    const created = await fetch(`${p.url}/api/layers`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: pointLayerBody(layer, 'Uji mati di tengah unggahan', agency),
    });
    expect(created.status, await created.clone().text()).toBe(201);
    const seeded = await upload(p, fc(feature(point(106.64, -6.18), { nama: 'Awal', nilai: 1 })));
    expect(seeded.status, await seeded.clone().text()).toBe(200);
  });

  afterAll(async () => {
    await p?.stop('SIGKILL');
    await admin?.end();
    await db?.close();
    if (spool) await fs.rm(spool, { recursive: true, force: true });
    if (url) await dropTestDatabase(server ?? '', url);
  });

  it('writes nothing of it, sweeps its spool at start and takes the next upload', { timeout: 240_000 }, async () => {
    const first = p as ServerProcess;
    const before = (await (await fetch(`${first.url}/api/layers/${layer}`)).json()) as {
      featureCount: number;
      dataVersion: number;
    };
    expect(before.featureCount).toBe(1);

    const answer = upload(first, bigCollection(FEATURES)).then(
      (res) => `answered ${res.status}`,
      (err: Error) => `failed: ${err.message}`,
    );
    // Killed once its rows are flowing into PostgreSQL: the upload's transaction is open.
    await eventually(ENDS_WITHIN_MS * 2, () => uploadCopying(admin, database));
    expect(await spoolEntries(), 'the upload was spooled to UPLOAD_DIR').not.toEqual([]);
    expect(await first.stop('SIGKILL')).toBeNull();
    // The client's request ends (its connection is gone), it does not hang.
    expect(await answer).toMatch(/^failed/);

    // PostgreSQL ends the killed process's session, which rolls its transaction back.
    await eventually(ENDS_WITHIN_MS, () => othersIdle(admin, database));

    // Started again on the same folders: its spool is swept at start and it is ready in bound.
    const second = await spawnServer(env());
    p = second;
    await eventually(READY_WITHIN_MS, async () => (await ended(`${second.url}/api/health/ready`)).status === 200);
    expect(await spoolEntries()).toEqual([]);

    // Nothing of the killed upload was written.
    const after = (await (await fetch(`${second.url}/api/layers/${layer}`)).json()) as typeof before;
    expect(after).toMatchObject({ featureCount: 1, dataVersion: before.dataVersion });
    const { rows } = await admin.query<{ n: number }>(
      'select count(*)::int as n from features f join layers l on l.storage_id = f.layer_id where l.slug = $1',
      [layer],
    );
    expect(rows[0]?.n).toBe(1);

    // The layer's upload lock died with the session: the next upload goes in.
    const next = await upload(
      second,
      fc(
        feature(point(106.61, -6.17), { nama: 'Sesudah 1', nilai: 1 }),
        feature(point(106.62, -6.18), { nama: 'Sesudah 2', nilai: 2 }),
      ),
    );
    const body = (await next.json()) as Record<string, unknown>;
    expect(next.status, JSON.stringify(body)).toBe(200);
    expect(body).toMatchObject({ mode: 'replace', received: 2, inserted: 2, deleted: 1, featureCount: 2 });
    expect(await poolWhole(second)).toEqual({ inUse: 0, waiting: 0 });
    expect(await spoolEntries()).toEqual([]);
  });
});
