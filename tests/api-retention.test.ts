import { beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { TokenStore } from '../server/auth/token-store.js';
import type { Role } from '../server/auth/access.js';
import { RetentionService } from '../server/ingest/retention-service.js';
import { fc, feature, point, pointLayerBody } from './support/upload-corpus.js';
import { useTestServer } from './support/use-test-server.js';
import { tokenCalls } from './support/token-calls.js';

// Issue 15, retention: stale drafts are discarded (the job, or an administrator), published
// versions outside the policy lose their data only when an administrator applies the plan;
// the current version, recent versions, the newest VERSIONS_KEEP and submitted drafts stay.
const POLICY = { VERSIONS_KEEP: '2', VERSIONS_KEEP_DAYS: '30', DRAFTS_MAX_AGE_DAYS: '30' };
const s = useTestServer({ writable: true, env: { REVIEW_REQUIRED: 'on', WRITE_RATE_LIMIT: '100000', ...POLICY } });

const tokens = { admin: '', editor: '', walidata: '', pembina: '' };
type Who = keyof typeof tokens;
let LAYER = '';
let WAITING = '';

interface Answer extends Record<string, unknown> {
  error?: { code: string; message: string };
  items?: Record<string, unknown>[];
  drafts?: { layer: string; version: number; state: string }[];
  versions?: { layer: string; version: number }[];
  discardedDrafts?: { layer: string; version: number }[];
  removedVersions?: { layer: string; version: number; deleted: number }[];
  skipped?: unknown[];
}

const { call, send: post } = tokenCalls<Who, Answer>(s, tokens);
async function upload(layer: string, names: string[], who: Who) {
  const body = fc(...names.map((nama, i) => feature(point(106.64 + i / 1000, -6.18), { nama, nilai: i })));
  const r = await call(`/api/layers/${layer}/features?mode=replace`, who, {
    method: 'POST',
    body,
    headers: { 'Content-Type': 'application/geo+json' },
  });
  expect(r.status, r.text).toBe(200);
  return r.body as { version: number; state: string };
}
/** Moves versions back in time, as if made `days` ago (a month of real waiting is not a test). */
const age = (layer: string, versions: number[], days: number) =>
  s.db.knex.raw(
    `update layer_versions v set created_at = now() - make_interval(days => ?), reviewed_at = null
       from layers l where l.id = v.layer_id and l.slug = ? and v.version = any (?::int[])`,
    [days, layer, versions],
  );
const featureRows = async (layer: string, version: number) => {
  const { rows } = await s.db.knex.raw<{ rows: { n: number }[] }>(
    `select count(f.*)::int as n from layer_versions v join layers l on l.id = v.layer_id
       left join features f on f.layer_id = v.storage_id where l.slug = ? and v.version = ?`,
    [layer, version],
  );
  return rows[0]?.n ?? -1;
};
const storageOf = async (layer: string, version: number) =>
  (
    await s.db.knex.raw<{ rows: { storage_id: number | null }[] }>(
      `select v.storage_id from layer_versions v join layers l on l.id = v.layer_id where l.slug = ? and v.version = ?`,
      [layer, version],
    )
  ).rows[0]?.storage_id;

beforeAll(async () => {
  const [agency = ''] = (await s.db.knex('agencies').orderBy('code').pluck('code')) as string[];
  const store = new TokenStore(s.db.knex);
  const make = async (who: Who, role: Role, agencies: string[]) =>
    (tokens[who] = (await store.create({ name: `simpan ${who}`, role, agencies, createdBy: 'test' })).token);
  await make('admin', 'admin', []);
  await make('editor', 'editor', [agency]);
  await make('walidata', 'walidata', []);
  await make('pembina', 'pembina', []);
  LAYER = `${agency}-uji-retensi`;
  WAITING = `${agency}-uji-retensi-menunggu`;
  for (const [slug, title] of [
    [LAYER, 'Uji retensi versi'],
    [WAITING, 'Uji retensi draf diajukan'],
  ] as const) {
    const r = await call('/api/layers', 'editor', {
      method: 'POST',
      body: pointLayerBody(slug, title, agency),
      headers: { 'Content-Type': 'application/json' },
    });
    expect(r.status, r.text).toBe(201);
  }
  // Versions 2–5 published by an administrator, 1–3 long ago; 6 a draft untouched for 40 days.
  for (const n of [2, 3, 4, 5]) expect((await upload(LAYER, [`V${n}a`, `V${n}b`], 'admin')).version).toBe(n);
  expect((await upload(LAYER, ['D6'], 'editor')).state).toBe('draft');
  await age(LAYER, [1, 2, 3, 6], 40);
  // A submitted draft waits for walidata, however old: never stale.
  await upload(WAITING, ['W'], 'editor');
  expect((await post(`/api/layers/${WAITING}/versions/draft/submit`, 'editor')).status).toBe(200);
  await age(WAITING, [2], 400);
});

describe('version retention', () => {
  it('plans: the stale draft, and the published versions outside the newest 2 and older than 30 days', async () => {
    const plan = await call('/api/versions/retention', 'admin');
    expect(plan.status, plan.text).toBe(200);
    expect(plan.body.policy).toEqual({ keep: 2, keepDays: 30, draftDays: 30 });
    expect(plan.body.drafts?.filter((d) => d.layer.includes('uji-retensi'))).toMatchObject([
      { layer: LAYER, version: 6, state: 'draft' },
    ]);
    expect(plan.body.versions?.filter((v) => v.layer === LAYER).map((v) => v.version)).toEqual([1, 2, 3]);
  });

  it.each([
    ['anonymous', undefined, 401],
    ['an editor', 'editor', 403],
    ['walidata', 'walidata', 403],
    ['pembina', 'pembina', 403],
  ] as const)('is for administrators only: %s gets %i, and nothing is removed', async (_, who, status) => {
    expect((await call('/api/versions/retention', who)).status).toBe(status);
    expect((await post('/api/versions/retention', who, { drafts: true, versions: true })).status).toBe(status);
    expect(await featureRows(LAYER, 2)).toBe(2);
    expect(await featureRows(LAYER, 6)).toBe(1);
  });

  it.each([
    ['a value that is not a boolean', { versions: 'ya' }],
    ['an unknown field', { all: true }],
    ['a body that is not an object', [true]],
  ])('refuses %s with 400 and removes nothing', async (_, body) => {
    const r = await post('/api/versions/retention', 'admin', body);
    expect(r.status, r.text).toBe(400);
    expect(r.body.error?.message.length).toBeGreaterThan(10);
    expect(await featureRows(LAYER, 2)).toBe(2);
  });

  it('discards stale drafts by default and keeps published data unless asked', async () => {
    const before = (await call(`/api/layers/${LAYER}/features?limit=100`)).text;
    const r = await post('/api/versions/retention', 'admin');
    expect(r.status, r.text).toBe(200);
    expect(r.body.discardedDrafts?.filter((d) => d.layer === LAYER)).toMatchObject([{ version: 6 }]);
    expect(r.body.removedVersions).toEqual([]);
    expect(await storageOf(LAYER, 6)).toBeNull();
    expect(await featureRows(LAYER, 2)).toBe(2);
    expect((await call(`/api/layers/${LAYER}/features?limit=100`)).text).toBe(before);
    // The draft's record stays, as discarded, for who may see drafts; for the public it never existed.
    const v6 = await call(`/api/layers/${LAYER}/versions/6`, 'editor');
    expect(v6.body).toMatchObject({ state: 'discarded', dataRemoved: { by: 'retention' } });
    expect((await call(`/api/layers/${LAYER}/versions/6`)).status).toBe(404);
    expect((await call(`/api/layers/${LAYER}/versions/draft`, 'editor')).status).toBe(404);
    const history = await call(`/api/layers/${LAYER}/history`, 'editor');
    expect(JSON.stringify(history.body)).toContain('discard_draft');
    expect(JSON.stringify((await call(`/api/layers/${LAYER}/history`)).body)).not.toContain('discard_draft');
    // The submitted draft of the other layer waits for walidata, untouched.
    expect(await featureRows(WAITING, 2)).toBe(1);
    expect((await call(`/api/layers/${WAITING}/versions/draft`, 'walidata')).body).toMatchObject({
      state: 'submitted',
    });
  });

  it("removes expired published versions' data when an administrator asks, audited, and serves the rest", async () => {
    const before = (await call(`/api/layers/${LAYER}/features?limit=100`)).text;
    const r = await post('/api/versions/retention', 'admin', { versions: true });
    expect(r.status, r.text).toBe(200);
    expect(r.body.removedVersions?.map((v) => [v.version, v.deleted])).toEqual([
      [1, 0],
      [2, 2],
      [3, 2],
    ]);
    for (const n of [1, 2, 3]) expect(await storageOf(LAYER, n)).toBeNull();
    expect(await featureRows(LAYER, 4)).toBe(2);
    expect(await featureRows(LAYER, 5)).toBe(2);
    expect((await call(`/api/layers/${LAYER}/features?limit=100`)).text).toBe(before);
    const old = await call(`/api/layers/${LAYER}/features?version=2`);
    expect([old.status, old.body.error?.code]).toEqual([410, 'version_data_removed']);
    const restore = await post(`/api/layers/${LAYER}/versions/2/restore`, 'admin');
    expect([restore.status, restore.body.error?.code]).toEqual([410, 'version_data_removed']);
    expect((await post(`/api/layers/${LAYER}/versions/4/restore`, 'admin')).status).toBe(200);
    const history = await call(`/api/layers/${LAYER}/history`);
    expect(history.text).toContain('remove_version_data');
    expect(history.text).toContain('"retention"');
    // Applying again finds nothing more.
    const again = await post('/api/versions/retention', 'admin', { versions: true });
    expect(again.body.removedVersions).toEqual([]);
  });

  it("the hourly job discards stale drafts, never a published version's data", async () => {
    await upload(LAYER, ['D8'], 'editor');
    const draft = (await call(`/api/layers/${LAYER}/versions/draft`, 'editor')).body as { version: number };
    await age(LAYER, [draft.version, 4], 40);
    const job = new RetentionService(s.db.knex, pino({ level: 'silent' }), { keep: 1, keepDays: 0, draftDays: 30 });
    const out = await job.runJob();
    expect(out.discardedDrafts.map((d) => [d.layer, d.version])).toEqual([[LAYER, draft.version]]);
    expect(out.removedVersions).toEqual([]);
    expect(await featureRows(LAYER, 4)).toBe(2);
  });
});
