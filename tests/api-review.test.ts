import { beforeAll, describe, expect, it } from 'vitest';
import { TokenStore } from '../server/auth/token-store.js';
import type { Role } from '../server/auth/access.js';
import { decodeTile, tileOf } from './support/mvt.js';
import { completeMetadata, fc, feature, point, pointLayerBody } from './support/upload-corpus.js';
import { useTestServer } from './support/use-test-server.js';
import { tokenCalls } from './support/token-calls.js';
import { loadAgencies } from '../fixtures/catalog/reference.js';
import { serverUrl } from './support/postgres-admin.js';

// Issue 15, producer → walidata → publication, with review on (the product's default): a
// produsen's upload is a draft no public surface serves until walidata approves it.
const s = useTestServer({ writable: true, env: { REVIEW_REQUIRED: 'on', WRITE_RATE_LIMIT: '100000' } });
/** The agency the tests' editor works for (the first code), trusted to publish without review here. */
const TRUSTED = loadAgencies()
  .map((a) => a.code)
  .sort()[0];
const trusting = useTestServer({
  writable: true,
  env: { REVIEW_REQUIRED: 'on', REVIEW_TRUSTED_AGENCIES: `${TRUSTED},dinkes`, WRITE_RATE_LIMIT: '100000' },
});

const tokens = { admin: '', editor: '', walidata: '', walidataOther: '', pembina: '', viewer: '' };
type Who = keyof typeof tokens;
let LAYER = '';
const TILE = tileOf(106.642, -6.182, 12);

interface Answer extends Record<string, unknown> {
  error?: { code: string; details?: Record<string, unknown> };
  items?: (Record<string, unknown> & { version: number; state: string })[];
  features?: { properties: Record<string, unknown> }[];
}

const { call, send } = tokenCalls<Who, Answer>(s, tokens);
const post = (path: string, who: Who, body?: unknown) => send(path, who, body);
const upload = (body: string, mode: 'replace' | 'append', who: Who = 'editor') =>
  call(`/api/layers/${LAYER}/features?mode=${mode}`, who, {
    method: 'POST',
    body,
    headers: { 'Content-Type': 'application/geo+json' },
  });
const names = async (who?: Who, query = '') =>
  ((await call(`/api/layers/${LAYER}/features?limit=100${query}`, who)).body.features ?? [])
    .map((f) => String(f.properties.nama))
    .sort();

/** What the public gets from the layer: feature page, tile bytes and the layer record, as bytes. */
async function publicView(): Promise<{ features: string; tile: string; layer: string }> {
  const tile = await s.get(`/tiles/${LAYER}/${TILE.z}/${TILE.x}/${TILE.y}.mvt`);
  return {
    features: (await call(`/api/layers/${LAYER}/features?limit=100`)).text,
    tile: Buffer.from(await tile.arrayBuffer()).toString('base64'),
    layer: (await call(`/api/layers/${LAYER}`)).text,
  };
}

const PUBLISHED = fc(
  feature(point(106.64, -6.18), { nama: 'P1', nilai: 1 }),
  feature(point(106.641, -6.181), { nama: 'P2', nilai: 2 }),
);
const DRAFT = fc(
  feature(point(106.642, -6.182), { nama: 'D1', nilai: 3 }),
  feature(point(106.643, -6.183), { nama: 'D2', nilai: 4 }),
  feature(point(106.644, -6.184), { nama: 'D3', nilai: 5 }),
);

beforeAll(async () => {
  const knex = s.db.knex;
  const [agency = '', other = ''] = (await knex('agencies').orderBy('code').pluck('code')) as string[];
  const store = new TokenStore(knex);
  const make = async (who: Who, role: Role, agencies: string[]) =>
    (tokens[who] = (await store.create({ name: `tinjau ${who}`, role, agencies, createdBy: 'test' })).token);
  await make('admin', 'admin', []);
  await make('editor', 'editor', [agency]);
  await make('walidata', 'walidata', []);
  await make('walidataOther', 'walidata', [other]);
  await make('pembina', 'pembina', []);
  await make('viewer', 'viewer', [agency]);
  LAYER = `${agency}-uji-tinjau-titik`;
  const created = await call('/api/layers', 'editor', {
    method: 'POST',
    body: pointLayerBody(LAYER, 'Uji tinjauan walidata', agency),
    headers: { 'Content-Type': 'application/json' },
  });
  expect(created.status, created.text).toBe(201);
  // An admin's upload publishes directly.
  const first = await upload(PUBLISHED, 'replace', 'admin');
  expect(first.status, first.text).toBe(200);
  expect(first.body.state).toBe('published');
});

describe('walidata review', () => {
  it("keeps a produsen's upload as a draft: the public surfaces stay the same, byte for byte", async () => {
    const before = await publicView();
    const r = await upload(DRAFT, 'replace');
    expect(r.status, r.text).toBe(200);
    expect(r.body).toMatchObject({ state: 'draft', version: 3, featureCount: 3, inserted: 3 });
    expect(await publicView()).toEqual(before);
    expect(await names()).toEqual(['P1', 'P2']);
  });

  it('shows the draft only to who writes, reviews or oversees the layer, and only when asked', async () => {
    for (const who of ['editor', 'walidata', 'pembina', 'admin'] as const)
      expect([who, await names(who, '&version=draft')]).toEqual([who, ['D1', 'D2', 'D3']]);
    for (const who of [undefined, 'viewer'] as const) {
      const r = await call(`/api/layers/${LAYER}/features?version=draft`, who);
      expect([who, r.status, r.body.error?.code]).toEqual([who, 404, 'version_not_found']);
      const v3 = await call(`/api/layers/${LAYER}/versions/3`, who);
      expect([who, v3.status]).toEqual([who, 404]);
      const list = await call(`/api/layers/${LAYER}/versions`, who);
      expect((list.body.items ?? []).map((v) => v.state)).toEqual(['published', 'superseded']);
    }
    const mine = await call(`/api/layers/${LAYER}/versions`, 'editor');
    expect((mine.body.items ?? []).map((v) => [v.version, v.state])).toEqual([
      [3, 'draft'],
      [2, 'published'],
      [1, 'superseded'],
    ]);
    // A draft is compared with what is published.
    expect(mine.body.items?.[0]?.changes).toMatchObject({ featureCount: 1 });
    const diff = await call(`/api/layers/${LAYER}/versions/2/diff/draft`, 'walidata');
    expect(diff.body.summary).toEqual({ added: 1, removed: 0, changed: 2, unchanged: 0 });
    // Editors and every reading surface still serve the published version by default.
    expect(await names('editor')).toEqual(['P1', 'P2']);
    // The audit trail keeps draft records (file, counts, notes) for who may see drafts.
    const actions = async (who?: Who) =>
      ((await call(`/api/layers/${LAYER}/history?limit=50`, who)).body.items ?? []).map((h) => h.action);
    expect(await actions()).not.toContain('draft_features');
    expect(await actions('viewer')).not.toContain('draft_features');
    expect(await actions('pembina')).toContain('draft_features');
    // A draft's features are replaced or rejected, never removed as a kept version's are.
    const remove = await call(`/api/layers/${LAYER}/versions/3/features`, 'admin', { method: 'DELETE' });
    expect([remove.status, remove.body.error?.code]).toEqual([409, 'version_not_published']);
  });

  it('draws the draft as tiles for who may see it, when asked (TileJSON and tile URLs with version=draft)', async () => {
    const tilePath = `/tiles/${LAYER}/${TILE.z}/${TILE.x}/${TILE.y}.mvt`;
    const tileAs = async (who: Who | undefined, query: string) => {
      const res = await s.get(
        `${tilePath}${query}`,
        who ? { headers: { Authorization: `Bearer ${tokens[who]}` } } : {},
      );
      const bytes = new Uint8Array(await res.arrayBuffer());
      return {
        res,
        names: res.status === 200 ? (decodeTile(bytes).get(LAYER) ?? []).map((f) => f.properties.nama).sort() : [],
      };
    };
    for (const who of ['walidata', 'editor', 'pembina'] as const) {
      const tj = await call(`/tiles/${LAYER}.json?version=draft`, who);
      expect(tj.status, tj.text).toBe(200);
      const url = new URL((tj.body.tiles as string[])[0] ?? '');
      expect(url.search).toBe('?version=draft');
      const { res, names } = await tileAs(who, '?version=draft');
      expect([who, res.status, names]).toEqual([who, 200, ['D1', 'D2', 'D3']]);
      expect(res.headers.get('cache-control')).toBe('private, no-cache');
      // A revalidation by its ETag costs no drawing.
      const again = await s.get(`${tilePath}?version=draft`, {
        headers: { Authorization: `Bearer ${tokens[who]}`, 'If-None-Match': res.headers.get('etag') ?? '' },
      });
      expect(again.status).toBe(304);
    }
    // Without asking, the same token gets the published tile; a kept version is drawn by number.
    expect((await tileAs('walidata', '')).names).toEqual(['P1', 'P2']);
    expect((await tileAs('walidata', '?version=2')).names).toEqual(['P1', 'P2']);
    for (const who of [undefined, 'viewer'] as const) {
      const r = await call(`${tilePath}?version=draft`, who);
      expect([who, r.status, r.body.error?.code]).toEqual([who, 404, 'version_not_found']);
      expect((await call(`/tiles/${LAYER}.json?version=draft`, who)).status).toBe(404);
    }
    for (const [query, code] of [
      ['?version=latest', 'invalid_parameter'],
      ['?version=0', 'invalid_parameter'],
      ['?versi=draft', 'unknown_parameter'],
    ] as const) {
      const r = await call(`${tilePath}${query}`, 'walidata');
      expect([query, r.status, r.body.error?.code]).toEqual([query, 400, code]);
    }
    const composite = await call(`/tiles/${LAYER},${LAYER}.json?version=draft`, 'walidata');
    expect([composite.status, composite.body.error?.code]).toEqual([400, 'invalid_parameter']);
  });

  it('moves only through submit → approve or reject, each by its role, with clear refusals', async () => {
    const cases: [string, Who, number, string][] = [
      ['approve', 'walidata', 409, 'version_not_submitted'], // not submitted yet
      ['submit', 'viewer', 403, 'forbidden'],
      ['submit', 'walidata', 403, 'forbidden'], // walidata reviews, the produsen submits
    ];
    for (const [step, who, status, code] of cases) {
      const r = await post(`/api/layers/${LAYER}/versions/draft/${step}`, who);
      expect([step, who, r.status, r.body.error?.code]).toEqual([step, who, status, code]);
    }
    const submitted = await post(`/api/layers/${LAYER}/versions/draft/submit`, 'editor');
    expect(submitted.status, submitted.text).toBe(200);
    expect(submitted.body).toMatchObject({ version: 3, state: 'submitted' });
    expect(typeof submitted.body.submittedAt).toBe('string');

    const waiting = await upload(DRAFT, 'append');
    expect([waiting.status, waiting.body.error?.code]).toEqual([409, 'draft_submitted']);
    for (const [who, code] of [
      ['editor', 'forbidden'],
      ['pembina', 'forbidden'],
      ['walidataOther', 'forbidden'], // scoped to another agency
    ] as const) {
      const r = await post(`/api/layers/${LAYER}/versions/3/approve`, who);
      expect([who, r.status, r.body.error?.code]).toEqual([who, 403, code]);
    }
    const noNote = await post(`/api/layers/${LAYER}/versions/3/reject`, 'walidata', {});
    expect(noNote.status).toBe(400);
    expect(await names()).toEqual(['P1', 'P2']);
  });

  it('rejects with a note the produsen reads, and takes a corrected draft again', async () => {
    const rejected = await post(`/api/layers/${LAYER}/versions/3/reject`, 'walidata', {
      note: 'Titik D3 di luar persil; periksa koordinat.',
    });
    expect(rejected.status, rejected.text).toBe(200);
    expect(rejected.body).toMatchObject({
      state: 'rejected',
      review: { note: 'Titik D3 di luar persil; periksa koordinat.' },
    });
    const seen = await call(`/api/layers/${LAYER}/versions/3`, 'editor');
    expect(seen.body.review).toMatchObject({ note: 'Titik D3 di luar persil; periksa koordinat.' });

    // An append to a rejected draft adds to the draft (same version), not to the published data.
    const more = await upload(fc(feature(point(106.645, -6.185), { nama: 'D4', nilai: 6 })), 'append');
    expect(more.status, more.text).toBe(200);
    expect(more.body).toMatchObject({ state: 'draft', version: 3, featureCount: 4 });
    expect(await names('editor', '&version=draft')).toEqual(['D1', 'D2', 'D3', 'D4']);
    expect(await names()).toEqual(['P1', 'P2']);
    const again = await post(`/api/layers/${LAYER}/versions/3/submit`, 'editor');
    expect(again.body).toMatchObject({ state: 'submitted', review: null });
  });

  it('refuses approval with the reasons while the metadata is too thin, then publishes on every surface', async () => {
    const before = await publicView();
    const refused = await post(`/api/layers/${LAYER}/versions/3/approve`, 'walidata');
    expect([refused.status, refused.body.error?.code]).toEqual([422, 'approval_refused']);
    const reasons = refused.body.error?.details?.reasons as { code: string; details?: { missing: string[] } }[];
    expect(reasons.map((r) => r.code)).toEqual(['metadata_incomplete']);
    expect(reasons[0]?.details?.missing).toContain('license');
    expect(await publicView()).toEqual(before);

    const patched = await call(`/api/layers/${LAYER}`, 'editor', {
      method: 'PATCH',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(completeMetadata('Titik uji untuk alur verifikasi walidata Satu Data.')),
    });
    expect(patched.status, patched.text).toBe(200);
    const approved = await post(`/api/layers/${LAYER}/versions/3/approve`, 'walidata');
    expect(approved.status, approved.text).toBe(200);
    expect(approved.body).toMatchObject({ version: 3, state: 'published', featureCount: 4 });
    expect(approved.body.review).toMatchObject({ by: expect.stringMatching(/tinjau walidata/) as unknown });

    expect(await names()).toEqual(['D1', 'D2', 'D3', 'D4']);
    expect(JSON.parse((await call(`/api/layers/${LAYER}`)).text)).toMatchObject({
      lastUpdate: new Date().toISOString().slice(0, 10),
    });
    const after = await publicView();
    expect(after.tile).not.toBe(before.tile);
    expect(JSON.parse(after.layer)).toMatchObject({ featureCount: 4 });
    const list = await call(`/api/layers/${LAYER}/versions`);
    expect((list.body.items ?? []).map((v) => [v.version, v.state])).toEqual([
      [3, 'published'],
      [2, 'superseded'],
      [1, 'superseded'],
    ]);
    const history = await call(`/api/layers/${LAYER}/history?limit=6`, 'editor');
    expect((history.body.items ?? []).map((h) => h.action)).toEqual([
      'approve_version',
      'update_metadata',
      'submit_version',
      'draft_features',
      'reject_version',
      'submit_version',
    ]);
    expect((await call(`/api/layers/${LAYER}/features?version=draft`, 'editor')).status).toBe(404);
  });

  // The embedded database has one connection: the held lock and the approval would queue on it.
  it.skipIf(!serverUrl())('refuses an approval while an upload holds the layer (409), changing nothing', async () => {
    expect((await upload(fc(feature(point(106.646, -6.186), { nama: 'E1', nilai: 7 })), 'replace')).status).toBe(200);
    expect((await post(`/api/layers/${LAYER}/versions/draft/submit`, 'editor')).status).toBe(200);
    const before = await publicView();
    const trx = await s.db.knex.transaction();
    try {
      await trx.raw('select pg_advisory_xact_lock(7411, (select id from layers where slug = ?))', [LAYER]);
      const r = await post(`/api/layers/${LAYER}/versions/draft/approve`, 'walidata');
      expect([r.status, r.body.error?.code]).toEqual([409, 'upload_in_progress']);
    } finally {
      await trx.rollback();
    }
    expect(await publicView()).toEqual(before);
    expect((await call(`/api/layers/${LAYER}/versions/draft`, 'walidata')).body.state).toBe('submitted');
  });
});

describe('an append draft made before the layer moved on', () => {
  it('is refused approval (409 draft_outdated) so the newer published data is not dropped', async () => {
    const more = await upload(fc(feature(point(106.647, -6.187), { nama: 'F1', nilai: 8 })), 'append');
    if (more.status === 409) {
      // The lock test left a submitted draft: walidata sends it back first.
      const back = await post(`/api/layers/${LAYER}/versions/draft/reject`, 'walidata', { note: 'Diganti.' });
      expect(back.status, back.text).toBe(200);
      expect((await upload(fc(feature(point(106.647, -6.187), { nama: 'F1', nilai: 8 })), 'append')).status).toBe(200);
    } else expect(more.status, more.text).toBe(200);
    // Meanwhile an admin publishes directly.
    const direct = await upload(PUBLISHED, 'replace', 'admin');
    expect(direct.body.state).toBe('published');
    expect((await post(`/api/layers/${LAYER}/versions/draft/submit`, 'editor')).status).toBe(200);
    const refused = await post(`/api/layers/${LAYER}/versions/draft/approve`, 'walidata');
    expect([refused.status, refused.body.error?.code]).toEqual([409, 'draft_outdated']);
    expect(await names()).toEqual(['P1', 'P2']);
  });
});

describe('an agency trusted to publish without review', () => {
  it("publishes its produsen's upload at once", async () => {
    const store = new TokenStore(trusting.db.knex);
    const { token } = await store.create({
      name: 'dipercaya',
      role: 'editor',
      agencies: [TRUSTED ?? ''],
      createdBy: 'test',
    });
    const slug = `${TRUSTED}-uji-dipercaya`;
    const headers = (type: string) => ({ Authorization: `Bearer ${token}`, 'Content-Type': type });
    const created = await trusting.get('/api/layers', {
      method: 'POST',
      headers: headers('application/json'),
      body: pointLayerBody(slug, 'Uji agensi dipercaya', TRUSTED ?? ''),
    });
    expect(created.status).toBe(201);
    const r = await trusting.get(`/api/layers/${slug}/features?mode=replace`, {
      method: 'POST',
      headers: headers('application/geo+json'),
      body: PUBLISHED,
    });
    expect(r.status).toBe(200);
    expect(await r.json()).toMatchObject({ state: 'published', featureCount: 2 });
    const page = (await (await trusting.get(`/api/layers/${slug}/features`)).json()) as { numberMatched: number };
    expect(page.numberMatched).toBe(2);
  });
});
