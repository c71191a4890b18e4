import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenStore } from '../server/auth/token-store.js';
import { bigCollection, fc, feature, point, pointLayerBody } from './support/upload-corpus.js';
import { useTestServer } from './support/use-test-server.js';

// Issue 16 item 1: an upload whose COPY connection dies must still answer and give its pool
// connection back. Only real PostgreSQL can show it: the embedded PGlite database has no COPY
// (it stages rows in bound batches) and no backends to terminate.
const onPostgres = Boolean(process.env.TEST_DATABASE_URL);

/** Big enough that the COPY is still streaming rows when it is terminated. */
const FEATURES = 300_000;
/** How long the upload may take to answer before it counts as hanging (far above a normal failure). */
const ANSWER_WITHIN_MS = 90_000;
/** The first agency's own layer (an editor's new layer ids start with its agency's code); set in beforeAll. */
let LAYER = '';

interface Pool {
  numUsed(): number;
  numPendingAcquires(): number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.skipIf(!onPostgres)('an upload whose COPY connection is terminated', () => {
  // Its own database copy: this file writes and kills one of its backends.
  const s = useTestServer({ writable: true, env: { WRITE_RATE_LIMIT: '100000' } });
  let token = '';
  let database = '';
  let admin: pg.Client;

  const upload = (body: string, signal?: AbortSignal) =>
    s.get(`/api/layers/${LAYER}/features?mode=replace`, {
      method: 'POST',
      body,
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/geo+json' },
      ...(signal ? { signal } : {}),
    });

  /** The server's own knex pool: a connection the failed upload kept would stay counted as used. */
  const pool = () => (s.db.knex.client as { pool: Pool }).pool;
  /** Waits (generously) until no pool connection is checked out or awaited, and says how many still are. */
  const poolInUse = async () => {
    const until = Date.now() + 30_000;
    while ((pool().numUsed() > 0 || pool().numPendingAcquires() > 0) && Date.now() < until) await sleep(50);
    return { used: pool().numUsed(), waiting: pool().numPendingAcquires() };
  };

  beforeAll(async () => {
    const knex = s.db.knex;
    database = (
      (await knex.raw<{ rows: { db: string }[] }>('select current_database() as db')).rows[0] as { db: string }
    ).db;
    // Watching and terminating go through a connection of their own, outside the server's pool.
    admin = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
    await admin.connect();
    const [agency = ''] = (await knex('agencies').orderBy('code').pluck('code')) as string[];
    LAYER = `${agency}-uji-putus-koneksi`;
    token = (
      await new TokenStore(knex).create({
        name: 'uji putus koneksi',
        role: 'editor',
        agencies: [agency],
        createdBy: 'test',
      })
    ).token;
    const created = await s.get('/api/layers', {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: pointLayerBody(LAYER, 'Uji putus koneksi', agency),
    });
    expect(created.status, await created.clone().text()).toBe(201);
    const seeded = await upload(fc(feature(point(106.64, -6.18), { nama: 'Awal', nilai: 1 })));
    expect(seeded.status, await seeded.clone().text()).toBe(200);
  });
  afterAll(() => admin?.end());

  it(
    'answers with an error, writes nothing, returns its connection and the server keeps serving',
    { timeout: 240_000 },
    async () => {
      const before = await s.json<{ featureCount: number; dataVersion: number }>(`/api/layers/${LAYER}`);
      expect(before.body.featureCount).toBe(1);

      const aborter = new AbortController();
      const answer = upload(bigCollection(FEATURES), aborter.signal).then(async (res) => ({
        status: res.status,
        contentType: res.headers.get('content-type') ?? '',
        text: await res.text(),
      }));
      answer.catch(() => undefined);

      // Wait until this database's COPY into ingest_rows has rows flowing, then end its backend.
      let killed: number | null = null;
      let settled = false;
      void answer.then(
        () => (settled = true),
        () => (settled = true),
      );
      const watchUntil = Date.now() + ANSWER_WITHIN_MS;
      while (killed === null && !settled && Date.now() < watchUntil) {
        const { rows } = await admin.query<{ pid: number }>(
          `select a.pid
             from pg_stat_activity a
             join pg_stat_progress_copy p on p.pid = a.pid
            where a.datname = $1 and a.query ilike 'copy ingest_rows%' and p.tuples_processed > 0`,
          [database],
        );
        const pid = rows[0]?.pid;
        if (pid !== undefined) {
          const { rows: done } = await admin.query<{ ok: boolean }>('select pg_terminate_backend($1) as ok', [pid]);
          if (done[0]?.ok) killed = pid;
        } else {
          await sleep(20);
        }
      }
      expect(killed, 'the COPY of the upload was never seen running; the upload may be too small').not.toBeNull();

      // The upload must answer; a hang loses this race.
      let timer: NodeJS.Timeout | undefined;
      const hung = new Promise<'hung'>((resolve) => {
        timer = setTimeout(() => resolve('hung'), ANSWER_WITHIN_MS);
      });
      const outcome = await Promise.race([answer, hung]);
      clearTimeout(timer);
      if (outcome === 'hung') aborter.abort();
      expect(
        outcome,
        `the upload did not answer within ${ANSWER_WITHIN_MS / 1000} s after its COPY was killed`,
      ).not.toBe('hung');
      const res = outcome as Awaited<typeof answer>;
      expect(res.status, res.text).toBeGreaterThanOrEqual(400);
      if (res.status < 500) {
        expect(res.contentType).toMatch(/json/);
        expect(JSON.parse(res.text)).toHaveProperty('error');
      }

      // Its pool connection comes back (or is discarded): nothing stays checked out or waiting.
      expect(await poolInUse(), 'a pool connection stayed checked out after the failed upload').toEqual({
        used: 0,
        waiting: 0,
      });

      // Nothing of the failed upload was written.
      const after = await s.json<{ featureCount: number; dataVersion: number }>(`/api/layers/${LAYER}`);
      expect(after.status).toBe(200);
      expect(after.body.featureCount).toBe(1);
      expect(after.body.dataVersion).toBe(before.body.dataVersion);

      // More requests at once than the pool holds connections are all served.
      const list = await Promise.all(Array.from({ length: 12 }, () => s.get('/api/layers')));
      expect(list.map((r) => r.status)).toEqual(Array(12).fill(200));

      // And a second, small upload to the same layer succeeds (its upload lock was released too).
      const next = await upload(
        fc(
          feature(point(106.61, -6.17), { nama: 'Sesudah 1', nilai: 1 }),
          feature(point(106.62, -6.18), { nama: 'Sesudah 2', nilai: 2 }),
        ),
      );
      const nextBody = (await next.json()) as Record<string, unknown>;
      expect(next.status, JSON.stringify(nextBody)).toBe(200);
      expect(nextBody).toMatchObject({ mode: 'replace', received: 2, inserted: 2, deleted: 1, featureCount: 2 });
      expect(await poolInUse()).toEqual({ used: 0, waiting: 0 });
    },
  );
});
