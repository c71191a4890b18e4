import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDatabase } from '../fixtures/seed.js';
import { buildHandler } from '../server/app.js';
import { TokenStore } from '../server/auth/token-store.js';
import { loadConfig } from '../server/config.js';
import { openDatabase, type Database } from '../server/db/database.js';
import { PgCluster } from './support/pg-cluster.js';
import { serverUrl } from './support/postgres-admin.js';

// A real streaming replica needs a PostgreSQL server of the test's own (initdb, pg_basebackup,
// pg_ctl on loopback ports): it runs where the suite runs on PostgreSQL (CI's first pass). The
// embedded database has no replicas.
const onPostgres = serverUrl() !== null;
const MAX_LAG_MS = 5000;

async function eventually(ms: number, check: () => Promise<boolean> | boolean): Promise<void> {
  const started = performance.now();
  while (performance.now() - started < ms) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`not within ${ms} ms`);
}

async function sql<T extends pg.QueryResultRow>(url: string, text: string): Promise<T[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<T>(text)).rows;
  } finally {
    await c.end();
  }
}

describe.skipIf(!onPostgres)('reads from a streaming replica', () => {
  let primary: PgCluster;
  let replica: PgCluster;
  let db: Database;
  let http: Server;
  let url = '';
  let admin = '';

  beforeAll(async () => {
    primary = await PgCluster.primary();
    await primary.start();
    const setup = await openDatabase({ databaseUrl: primary.url, poolMax: 2, dataDir: '' });
    await seedDatabase(setup.knex, 'reference');
    admin = (await new TokenStore(setup.knex).create({ name: 't', role: 'admin', agencies: [], createdBy: 't' })).token;
    await setup.close();
    replica = await PgCluster.replicaOf(primary);
    await replica.start();
    db = await openDatabase({
      databaseUrl: primary.url,
      readUrls: [replica.url],
      replicaMaxLagMs: MAX_LAG_MS,
      poolMax: 4,
      dataDir: '',
    });
    const config = loadConfig({ LOG_LEVEL: 'silent', DATABASE_URL: primary.url, WRITE_RATE_LIMIT: '100000' });
    http = createServer(buildHandler({ db, config, log: pino({ level: 'silent' }) })).listen(0, '127.0.0.1');
    await new Promise<void>((resolve) => http.once('listening', resolve));
    url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
    await eventually(30_000, () => db.reads?.state()[0]?.usable === true);
  }, 240_000);

  afterAll(async () => {
    await new Promise<void>((resolve) => (http ? http.close(() => resolve()) : resolve()));
    await db?.close();
    await replica?.remove();
    await primary?.remove();
  });

  const auth = () => ({ Authorization: `Bearer ${admin}`, 'Content-Type': 'application/json' });
  const createLayer = (slug: string) =>
    fetch(`${url}/api/layers`, {
      method: 'POST',
      headers: auth(),
      body: JSON.stringify({
        slug,
        title: `Uji replika ${slug} (data sampel)`,
        agency: 'diskominfo',
        theme: 'batas-wilayah',
        geometryType: 'Point',
        classification: 'publik',
      }),
    });

  it('answers anonymous reads from the replica and reads with a token from the primary', async () => {
    const reads = db.reads;
    if (!reads) throw new Error('no read router');
    const before = { ...reads.served };
    expect((await fetch(`${url}/api/layers?limit=1`)).status).toBe(200);
    expect(reads.served.replica).toBe(before.replica + 1);
    expect((await fetch(`${url}/api/layers?limit=1`, { headers: auth() })).status).toBe(200);
    expect(reads.served.primary).toBe(before.primary + 1);
    const onReplica = await sql<{ n: number }>(
      replica.url,
      `select count(*)::int as n from pg_stat_activity where application_name = 'satupeta'`,
    );
    expect(onReplica[0]?.n).toBeGreaterThan(0);
    const health = (await (await fetch(`${url}/api/health`)).json()) as {
      database: { replicas: { name: string; up: boolean; usable: boolean }[] };
    };
    expect(health.database.replicas).toEqual([expect.objectContaining({ name: 'replica-1', up: true, usable: true })]);
  });

  it('shows a write to an anonymous reader at once, and to the replica path once it has replayed it', async () => {
    expect((await createLayer('uji-replika-satu')).status).toBe(201);
    // The very next anonymous read: the replica may not have the layer yet, so it reads the primary.
    expect((await fetch(`${url}/api/layers/uji-replika-satu`)).status).toBe(200);
    const reads = db.reads;
    if (!reads) throw new Error('no read router');
    await eventually(MAX_LAG_MS * 3, async () => {
      const before = reads.served.replica;
      const res = await fetch(`${url}/api/layers/uji-replika-satu`);
      expect(res.status).toBe(200);
      return reads.served.replica === before + 1;
    });
  });

  it('reads from the primary while the replica has not replayed a change, and from the replica again after', async () => {
    const reads = db.reads;
    if (!reads) throw new Error('no read router');
    await sql(replica.url, 'select pg_wal_replay_pause()');
    try {
      expect((await createLayer('uji-replika-dua')).status).toBe(201);
      const before = reads.served.replica;
      for (let i = 0; i < 5; i++) expect((await fetch(`${url}/api/layers/uji-replika-dua`)).status).toBe(200);
      expect(reads.served.replica).toBe(before);
    } finally {
      await sql(replica.url, 'select pg_wal_replay_resume()');
    }
    await eventually(MAX_LAG_MS * 3, () => reads.state()[0]?.usable === true);
    const before = reads.served.replica;
    expect((await fetch(`${url}/api/layers/uji-replika-dua`)).status).toBe(200);
    expect(reads.served.replica).toBe(before + 1);
  });

  it('loses no request when the replica stops under load, beyond those already answering', async () => {
    const statuses: number[] = [];
    let running = true;
    const loops = Array.from({ length: 4 }, async () => {
      while (running) {
        const res = await fetch(`${url}/api/layers?limit=5`).catch(() => null);
        statuses.push(res?.status ?? 0);
        await res?.arrayBuffer();
      }
    });
    await new Promise((r) => setTimeout(r, 500));
    await replica.stop('immediate');
    const stoppedAt = statuses.length;
    await new Promise((r) => setTimeout(r, 3000));
    running = false;
    await Promise.all(loops);
    expect(statuses.length).toBeGreaterThan(stoppedAt + 10);
    const failed = statuses.filter((s) => s !== 200);
    // At most the four requests that were streaming their answer when the replica died.
    expect(failed.length).toBeLessThanOrEqual(4);
    expect(db.reads?.state()[0]?.up).toBe(false);
  });
});
