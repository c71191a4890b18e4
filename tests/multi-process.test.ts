import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { TokenStore } from '../server/auth/token-store.js';
import { openDatabase, type Database } from '../server/db/database.js';
import { createTestDatabase, dropTestDatabase, serverUrl } from './support/postgres-admin.js';
import { spawnServer, type ServerProcess } from './support/server-process.js';

// Several server processes share nothing but PostgreSQL. The embedded database is one process
// per data folder by design (a lock file enforces it), so this file runs on PostgreSQL only.
const server = serverUrl();
const LAYER = 'batas-kelurahan-kota-tangerang';
const TILE = `/tiles/${LAYER}/12/3261/2117.mvt`;

/** Polls until `check` holds; returns the milliseconds it took, or throws after `ms`. */
async function eventually(ms: number, check: () => Promise<boolean>): Promise<number> {
  const started = performance.now();
  while (performance.now() - started < ms) {
    if (await check()) return performance.now() - started;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`not within ${ms} ms`);
}

describe.skipIf(!server)('two server processes on one PostgreSQL', () => {
  let url = '';
  let db: Database;
  let a: ServerProcess;
  let b: ServerProcess;
  let admin = '';

  beforeAll(async () => {
    url = await createTestDatabase(server ?? '', 'write', inject('templateDatabaseUrl'));
    db = await openDatabase({ databaseUrl: url, poolMax: 2, dataDir: '' });
    admin = (await new TokenStore(db.knex).create({ name: 'test', role: 'admin', agencies: [], createdBy: 'test' }))
      .token;
    // B keeps layer lookups for 60 s without notices: within this test only a notice can move it.
    [a, b] = await Promise.all([
      spawnServer({ DATABASE_URL: url, DATABASE_POOL_MAX: '3', WRITE_RATE_LIMIT: '10' }),
      spawnServer({
        DATABASE_URL: url,
        DATABASE_POOL_MAX: '3',
        WRITE_RATE_LIMIT: '10',
        TILES_REGISTRY_TTL_MS: '60000',
      }),
    ]);
  });

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await db?.close();
    if (url) await dropTestDatabase(server ?? '', url);
  });

  const classify = (classification: string) =>
    fetch(`${a.url}/api/layers/${LAYER}`, {
      method: 'PATCH',
      headers: { Authorization: `Bearer ${admin}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ classification }),
    });

  it('hides a layer made terbatas through one process from anonymous tiles of the other at once', async () => {
    expect((await fetch(b.url + TILE)).status).toBe(200);
    expect((await fetch(b.url + TILE)).status).toBe(200); // now from B's memory
    expect((await classify('terbatas')).status).toBe(200);
    const ms = await eventually(15_000, async () => (await fetch(b.url + TILE)).status === 404);
    expect(ms).toBeLessThan(15_000);
    expect((await classify('publik')).status).toBe(200);
    await eventually(15_000, async () => (await fetch(b.url + TILE)).status === 200);
  });

  it("counts one token's writes against one limit, whichever process they reach", async () => {
    const { token } = await new TokenStore(db.knex).create({
      name: 'busy',
      role: 'viewer',
      agencies: ['bappeda'],
      createdBy: 'test',
    });
    const write = (p: ServerProcess) =>
      fetch(`${p.url}/api/tokens`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body: '{}',
      }).then((r) => r.status);
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push(await write(a), await write(b));
    // A viewer may not create tokens (403); past 10 writes in the minute, across both, 429.
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(403));
    expect(statuses.slice(10)).toEqual([429, 429]);
  });

  it('keeps hearing of changes after its listening connection is cut', async () => {
    expect((await fetch(b.url + TILE)).status).toBe(200);
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    try {
      const { rowCount } = await admin.query(
        `select pg_terminate_backend(pid) from pg_stat_activity
          where datname = current_database() and application_name = 'satupeta-changes'`,
      );
      expect(rowCount).toBe(2); // A's and B's
    } finally {
      await admin.end();
    }
    // Listening again (B reconnects with backoff), B drops what it kept and hears the next change.
    await eventually(15_000, async () => {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      const { rows } = await c.query<{ n: number }>(
        `select count(*)::int as n from pg_stat_activity
          where datname = current_database() and application_name = 'satupeta-changes' and query ilike 'listen%'`,
      );
      await c.end();
      return rows[0]?.n === 2;
    });
    expect((await fetch(b.url + TILE)).status).toBe(200);
    expect((await classify('terbatas')).status).toBe(200);
    await eventually(15_000, async () => (await fetch(b.url + TILE)).status === 404);
    expect((await classify('publik')).status).toBe(200);
  });
});
