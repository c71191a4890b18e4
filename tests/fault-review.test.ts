import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { TokenStore } from '../server/auth/token-store.js';
import { openDatabase, type Database } from '../server/db/database.js';
import { createTestDatabase, dropTestDatabase, serverUrl } from './support/postgres-admin.js';
import { eventually, othersIdle, uploadCopying } from './support/faults.js';
import { spawnServer, type ServerProcess } from './support/server-process.js';
import { bigCollection, completeMetadata, fc, feature, point, pointLayerBody } from './support/upload-corpus.js';

// Issue 15's faults, on a real server process and a real PostgreSQL: the server killed (SIGKILL)
// while a producer's big draft is loading, and while walidata's approval is switching the layer
// to the draft. After a restart the published version is intact and serving, the killed draft
// is gone (not half there), the interrupted approval never happened (the draft still waits), and
// both steps go through when tried again. The embedded database runs inside the server's
// process: killing it is the same as stopping the database, tested in the fault suite.
const server = serverUrl();
const ENDS_WITHIN_MS = 60_000;

describe.skipIf(!server)('the server killed during a draft load and during an approval', { timeout: 300_000 }, () => {
  let url = '';
  let db: Database;
  let admin: pg.Client;
  let database = '';
  const tokens = { editor: '', walidata: '' };
  let layer = '';
  let p: ServerProcess | undefined;
  const env = () => ({ DATABASE_URL: url, DATABASE_POOL_MAX: '3', REVIEW_REQUIRED: 'on', WRITE_RATE_LIMIT: '1000' });
  const call = (path: string, who: keyof typeof tokens, init: RequestInit = {}) =>
    fetch(`${(p as ServerProcess).url}${path}`, {
      ...init,
      headers: { Authorization: `Bearer ${tokens[who]}`, ...(init.headers as Record<string, string> | undefined) },
      signal: AbortSignal.timeout(ENDS_WITHIN_MS * 2),
    });
  const upload = (body: string) =>
    call(`/api/layers/${layer}/features?mode=replace`, 'editor', {
      method: 'POST',
      body,
      headers: { 'Content-Type': 'application/geo+json' },
    });
  /** What the public gets, and what the database holds for the layer. */
  const state = async () => {
    // (the self link names the process's port, which a restart changes)
    const features = (
      await (await fetch(`${(p as ServerProcess).url}/api/layers/${layer}/features?limit=10`)).text()
    ).replace(/http:\/\/127\.0\.0\.1:\d+/g, '');
    const { rows } = await admin.query<{ storage_id: number; data_version: number; versions: string }>(
      `select l.storage_id, l.data_version,
              (select string_agg(v.version || ':' || v.state, ',' order by v.version) from layer_versions v where v.layer_id = l.id) as versions
         from layers l where l.slug = $1`,
      [layer],
    );
    return { features, ...rows[0] };
  };
  const restart = async () => {
    // PostgreSQL ends the killed process's sessions, which rolls their transactions back.
    await eventually(ENDS_WITHIN_MS, () => othersIdle(admin, database));
    p = await spawnServer(env());
    await eventually(ENDS_WITHIN_MS, async () => (await fetch(`${p?.url}/api/health/ready`)).status === 200);
  };

  beforeAll(async () => {
    url = await createTestDatabase(server ?? '', 'faultreview', inject('templateDatabaseUrl'));
    db = await openDatabase({ databaseUrl: url, poolMax: 2, dataDir: '', migrate: false });
    admin = new pg.Client({ connectionString: url });
    await admin.connect();
    database = (await admin.query<{ db: string }>('select current_database() as db')).rows[0]?.db ?? '';
    const [agency = ''] = (await db.knex('agencies').orderBy('code').pluck('code')) as string[];
    layer = `${agency}-uji-mati-saat-tinjau`;
    const store = new TokenStore(db.knex);
    tokens.editor = (
      await store.create({ name: 'produsen', role: 'editor', agencies: [agency], createdBy: 't' })
    ).token;
    tokens.walidata = (await store.create({ name: 'walidata', role: 'walidata', agencies: [], createdBy: 't' })).token;
    const adminToken = (await store.create({ name: 'admin', role: 'admin', agencies: [], createdBy: 't' })).token;
    p = await spawnServer(env());
    const created = await call('/api/layers', 'editor', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: pointLayerBody(layer, 'Uji mati saat peninjauan', agency),
    });
    expect(created.status, await created.clone().text()).toBe(201);
    expect(
      (
        await call(`/api/layers/${layer}`, 'editor', {
          method: 'PATCH',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify(completeMetadata('Titik uji untuk kegagalan saat peninjauan.')),
        })
      ).status,
    ).toBe(200);
    // An administrator's upload publishes directly: the version the public must keep seeing.
    const published = await fetch(`${p.url}/api/layers/${layer}/features?mode=replace`, {
      method: 'POST',
      body: fc(feature(point(106.64, -6.18), { nama: 'Terbit', nilai: 1 })),
      headers: { Authorization: `Bearer ${adminToken}`, 'Content-Type': 'application/geo+json' },
    });
    expect(published.status, await published.clone().text()).toBe(200);
  });

  afterAll(async () => {
    await p?.stop('SIGKILL');
    await admin?.end();
    await db?.close();
    if (url) await dropTestDatabase(server ?? '', url);
  });

  it('during a big draft load: the published version serves, the draft is gone, the next draft goes in', async () => {
    const before = await state();
    const answer = upload(bigCollection(300_000)).then(
      (res) => `answered ${res.status}`,
      (err: Error) => `failed: ${err.message}`,
    );
    await eventually(ENDS_WITHIN_MS * 2, () => uploadCopying(admin, database));
    expect(await p?.stop('SIGKILL')).toBeNull();
    expect(await answer).toMatch(/^failed/);
    await restart();
    expect(await state()).toEqual(before);
    expect((await call(`/api/layers/${layer}/versions/draft`, 'editor')).status).toBe(404);
    const { rows } = await admin.query<{ n: number }>(
      `select count(*)::int as n from layer_storages s join layers l on l.id = s.layer_id
        where l.slug = $1 and s.id not in (select storage_id from layer_versions where storage_id is not null)`,
      [layer],
    );
    expect(rows[0]?.n, 'a storage no version owns: a half-loaded draft').toBe(0);
    const next = await upload(fc(feature(point(106.65, -6.19), { nama: 'Draf', nilai: 2 })));
    expect(next.status, await next.clone().text()).toBe(200);
    expect(((await next.json()) as { state: string }).state).toBe('draft');
  });

  it('during an approval: nothing switched, the draft still waits, and the approval goes through again', async () => {
    expect((await call(`/api/layers/${layer}/versions/draft/submit`, 'editor', { method: 'POST' })).status).toBe(200);
    const before = await state();
    // Hold the layer's row so the approval stops inside its transaction, after it has taken the
    // upload lock and before it switches storage; then kill the server there.
    const holder = new pg.Client({ connectionString: url });
    await holder.connect();
    await holder.query('begin');
    await holder.query('select 1 from layers where slug = $1 for update', [layer]);
    const holderPid = (await holder.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]?.pid;
    const answer = call(`/api/layers/${layer}/versions/draft/approve`, 'walidata', { method: 'POST' }).then(
      (res) => `answered ${res.status}`,
      (err: Error) => `failed: ${err.message}`,
    );
    await eventually(ENDS_WITHIN_MS, async () => {
      const { rows } = await admin.query(
        `select 1 from pg_stat_activity where datname = $1 and wait_event_type = 'Lock' and pid <> $2`,
        [database, holderPid],
      );
      return rows.length > 0;
    });
    expect(await p?.stop('SIGKILL')).toBeNull();
    expect(await answer).toMatch(/^failed/);
    await holder.query('rollback');
    await holder.end();
    await restart();
    expect(await state()).toEqual(before);
    const waiting = (await (await call(`/api/layers/${layer}/versions/draft`, 'walidata')).json()) as { state: string };
    expect(waiting.state).toBe('submitted');
    const approved = await call(`/api/layers/${layer}/versions/draft/approve`, 'walidata', { method: 'POST' });
    expect(approved.status, await approved.clone().text()).toBe(200);
    expect((await state()).features).toMatch(/"nama": ?"Draf"/);
  });
});
