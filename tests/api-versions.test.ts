import { beforeAll, describe, expect, it } from 'vitest';
import { TokenStore } from '../server/auth/token-store.js';
import { decodeTile, tileOf } from './support/mvt.js';
import { serverUrl } from './support/postgres-admin.js';
import { fc, feature, point, pointLayerBody } from './support/upload-corpus.js';
import { useTestServer } from './support/use-test-server.js';

// Issue 15, layer versions: every upload keeps the version before it; any kept version can be
// read on the features API and made current again by switching storage (nothing copied); only
// an administrator removes a kept version's features. Checked against the database directly.
const s = useTestServer({ writable: true, env: { WRITE_RATE_LIMIT: '100000' } });

const tokens = { admin: '', editor: '', otherEditor: '', viewer: '' };
type Who = keyof typeof tokens;
let LAYER = '';
const TILE = tileOf(106.642, -6.182, 12);

/** What these endpoints answer, loosely: a version, a page of versions or history, or an error. */
interface Answer extends Record<string, unknown> {
  error?: { code: string };
  items?: Item[];
  links?: { rel: string; href: string }[];
  features?: { properties: Record<string, unknown> }[];
  changes?: unknown;
}
type Item = Record<string, unknown> & { version: number; details: Record<string, unknown> };

const auth = (who: Who): Record<string, string> => ({ Authorization: `Bearer ${tokens[who]}` });

async function call(path: string, init: RequestInit & { who?: Who } = {}) {
  const headers = { ...(init.who ? auth(init.who) : {}), ...(init.headers as Record<string, string> | undefined) };
  const res = await s.get(path, { ...init, headers });
  const text = await res.text();
  return { status: res.status, etag: res.headers.get('etag'), body: (text ? JSON.parse(text) : {}) as Answer };
}

const upload = (body: string, mode: 'replace' | 'append') =>
  call(`/api/layers/${LAYER}/features?mode=${mode}`, {
    method: 'POST',
    body,
    who: 'editor',
    headers: { 'Content-Type': 'application/geo+json' },
  });

const names = async (query = '') =>
  ((await call(`/api/layers/${LAYER}/features?limit=100${query}`)).body.features as { properties: { nama: string } }[])
    .map((f) => f.properties.nama)
    .sort();

/** The layer's row and what its current storage holds, read directly. */
async function stored() {
  const { rows } = await s.db.knex.raw<{
    rows: {
      storage_id: number;
      feature_count: number;
      n: number;
      total: number;
      districts: number;
      intersecting: number;
    }[];
  }>(
    `select l.storage_id, l.feature_count,
            (select count(*)::int from features f where f.layer_id = l.storage_id) as n,
            (select count(*)::int from features f join layer_storages st on st.id = f.layer_id where st.layer_id = l.id) as total,
            (select coalesce(sum(feature_count), 0)::int from layer_districts d where d.layer_id = l.id) as districts,
            (select count(*)::int from features f join districts d on ST_Intersects(d.geom, f.geom)
              where f.layer_id = l.storage_id) as intersecting
       from layers l where l.slug = ?`,
    [LAYER],
  );
  const r = rows[0];
  if (!r) throw new Error('layer missing');
  return r;
}

async function tileNames(): Promise<string[]> {
  const res = await s.get(`/tiles/${LAYER}/${TILE.z}/${TILE.x}/${TILE.y}.mvt`);
  expect(res.status).toBe(200);
  const tile = decodeTile(new Uint8Array(await res.arrayBuffer()));
  return (tile.get(LAYER) ?? []).map((f) => String(f.properties.nama)).sort();
}

const A = fc(
  feature(point(106.64, -6.18), { nama: 'A1', nilai: 1 }),
  feature(point(106.641, -6.181), { nama: 'A2', nilai: 2 }),
  feature(point(106.642, -6.182), { nama: 'A3', nilai: 3 }),
);
const MORE = fc(
  feature(point(106.643, -6.183), { nama: 'M1', nilai: 4 }),
  feature(point(106.644, -6.184), { nama: 'M2', nilai: 5 }),
);
const B = fc(feature(point(106.645, -6.185), { nama: 'B1', kelas: 'baru' }));

beforeAll(async () => {
  const knex = s.db.knex;
  const [agency = '', other = ''] = (await knex('agencies').orderBy('code').pluck('code')) as string[];
  const store = new TokenStore(knex);
  const make = async (role: 'admin' | 'editor' | 'viewer', agencies: string[]) =>
    (await store.create({ name: `versi ${role}`, role, agencies, createdBy: 'test' })).token;
  tokens.admin = await make('admin', []);
  tokens.editor = await make('editor', [agency]);
  tokens.otherEditor = await make('editor', [other]);
  tokens.viewer = await make('viewer', [agency]);
  LAYER = `${agency}-uji-versi-titik`;
  const created = await call('/api/layers', {
    method: 'POST',
    who: 'editor',
    headers: { 'Content-Type': 'application/json' },
    body: pointLayerBody(LAYER, 'Uji versi', agency),
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  for (const [body, mode] of [
    [A, 'replace'],
    [MORE, 'append'],
    [B, 'replace'],
  ] as const) {
    const r = await upload(body, mode);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
  }
});

describe('layer versions', () => {
  it('lists every upload as a version, newest first, with what changed against the one before', async () => {
    const { status, body } = await call(`/api/layers/${LAYER}/versions`);
    expect(status).toBe(200);
    const items = body.items ?? [];
    expect(items.map((v) => [v.version, v.state, v.action, v.featureCount])).toEqual([
      [4, 'published', 'replace', 1],
      [3, 'superseded', 'append', 5],
      [2, 'superseded', 'replace', 3],
      [1, 'superseded', 'created', 0],
    ]);
    expect(items[0]?.changes).toEqual({
      featureCount: -4,
      fieldsAdded: ['kelas'],
      fieldsRemoved: ['nilai'],
      fieldsRetyped: [],
    });
    expect(items[1]?.changes).toMatchObject({ featureCount: 2, fieldsAdded: [], fieldsRemoved: [] });
    expect(items[3]?.changes).toBeNull();
    expect(items[0]?.createdBy).toMatch(/versi editor/);
    expect(items[0]?.dataVersion).toBe(body.dataVersion);
    expect(items[1]?.bbox).toEqual([106.64, -6.184, 106.644, -6.18]);

    const page = await call(`/api/layers/${LAYER}/versions?limit=2`);
    expect((page.body.items as { version: number }[]).map((v) => v.version)).toEqual([4, 3]);
    const next = (page.body.links as { rel: string; href: string }[]).find((l) => l.rel === 'next');
    expect(next?.href).toMatch(/before=3/);
    const rest = await call(`/api/layers/${LAYER}/versions?limit=2&before=3`);
    expect((rest.body.items as { version: number }[]).map((v) => v.version)).toEqual([2, 1]);
  });

  it('serves a kept version on the features API, exactly as it was, and the current one by default', async () => {
    expect(await names()).toEqual(['B1']);
    expect(await names('&version=2')).toEqual(['A1', 'A2', 'A3']);
    expect(await names('&version=3')).toEqual(['A1', 'A2', 'A3', 'M1', 'M2']);
    expect(await names('&version=4')).toEqual(['B1']);
    const v3 = await call(`/api/layers/${LAYER}/features?version=3&limit=1`);
    expect(v3.body.numberMatched).toBe(5);
    const filtered = await call(`/api/layers/${LAYER}/features?version=3&filter=${encodeURIComponent('nilai >= 4')}`);
    expect((filtered.body.features as unknown[]).length).toBe(2);
    const one = await call(`/api/layers/${LAYER}/features/4?version=3`);
    expect(one.body.properties).toEqual({ nama: 'M1', nilai: 4 });
    expect((await call(`/api/layers/${LAYER}/features/4`)).status).toBe(404);
    expect((await call(`/api/layers/${LAYER}/features?version=9`)).body.error?.code).toBe('version_not_found');
    expect((await call(`/api/layers/${LAYER}/features?version=0`)).status).toBe(400);
  });

  it('refuses a restore to callers who may not write the layer, and bad version numbers, changing nothing', async () => {
    const before = await stored();
    const cases: [string, Who | undefined, number, string][] = [
      ['2', undefined, 401, 'authentication_required'],
      ['2', 'viewer', 403, 'forbidden'],
      ['2', 'otherEditor', 403, 'forbidden'],
      ['4', 'editor', 409, 'version_is_current'],
      ['12', 'editor', 404, 'version_not_found'],
      ['dua', 'editor', 400, 'invalid_parameter'],
      ['0', 'editor', 400, 'invalid_parameter'],
    ];
    for (const [version, who, status, code] of cases) {
      const r = await call(`/api/layers/${LAYER}/versions/${version}/restore`, {
        method: 'POST',
        ...(who ? { who } : {}),
      });
      expect([version, who, r.status, r.body.error?.code]).toEqual([version, who, status, code]);
    }
    expect(await stored()).toEqual(before);
  });

  // The embedded database has one connection: the held lock and the restore would queue on it.
  it.skipIf(!serverUrl())('refuses a restore while an upload holds the layer (409), changing nothing', async () => {
    const before = await stored();
    const trx = await s.db.knex.transaction();
    try {
      // What an upload holds for its whole transaction (ingest-sql.ts: tryLockUploads).
      await trx.raw('select pg_advisory_xact_lock(7411, (select id from layers where slug = ?))', [LAYER]);
      const r = await call(`/api/layers/${LAYER}/versions/2/restore`, { method: 'POST', who: 'editor' });
      expect([r.status, r.body.error?.code]).toEqual([409, 'upload_in_progress']);
    } finally {
      await trx.rollback();
    }
    expect(await stored()).toEqual(before);
  });

  it('restores a kept version by switching storage: every surface serves it, nothing is copied', async () => {
    const before = await stored();
    const oldTag = (await call(`/api/layers/${LAYER}/features`)).etag;
    expect(await tileNames()).toEqual(['B1']);
    const r = await call(`/api/layers/${LAYER}/versions/3/restore`, { method: 'POST', who: 'editor' });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({
      version: 5,
      state: 'published',
      action: 'restore',
      restoredFrom: 3,
      featureCount: 5,
    });
    expect(r.body.changes).toMatchObject({ featureCount: 4, fieldsAdded: ['nilai'], fieldsRemoved: ['kelas'] });

    const after = await stored();
    expect(after.total).toBe(before.total); // no feature copied
    const { rows } = await s.db.knex.raw<{ rows: { storage_id: number }[] }>(
      `select v.storage_id from layer_versions v join layers l on l.id = v.layer_id where l.slug = ? and v.version in (3, 5)`,
      [LAYER],
    );
    expect(rows.map((x) => x.storage_id)).toEqual([after.storage_id, after.storage_id]);
    expect(after).toMatchObject({ feature_count: 5, n: 5, districts: after.intersecting });
    expect(after.districts).toBeGreaterThan(before.districts);

    expect(await names()).toEqual(['A1', 'A2', 'A3', 'M1', 'M2']);
    const detail = (await call(`/api/layers/${LAYER}`)).body;
    expect(detail).toMatchObject({ featureCount: 5, bbox: [106.64, -6.184, 106.644, -6.18] });
    expect((detail.fields as { name: string }[]).map((f) => f.name)).toEqual(['nama', 'nilai']);
    expect((await call(`/api/layers/${LAYER}/features`)).etag).not.toBe(oldTag);
    expect(await tileNames()).toEqual(['A1', 'A2', 'A3', 'M1', 'M2']);

    const history = (await call(`/api/layers/${LAYER}/history?limit=1`)).body.items ?? [];
    expect(history[0]).toMatchObject({
      action: 'restore_version',
      details: { version: 5, restoredFrom: 3, featureCount: 5 },
    });
    expect(history[0]?.actor).toMatch(/versi editor/);
  });

  it('appends after a restore into a new storage, leaving the restored version as it was', async () => {
    const r = await upload(fc(feature(point(106.646, -6.186), { nama: 'C1', nilai: 9 })), 'append');
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ version: 6, featureCount: 6, inserted: 1, deleted: 0 });
    expect(await names('&version=3')).toEqual(['A1', 'A2', 'A3', 'M1', 'M2']);
    expect(await names('&version=5')).toEqual(['A1', 'A2', 'A3', 'M1', 'M2']);
    expect(await names()).toEqual(['A1', 'A2', 'A3', 'C1', 'M1', 'M2']);
  });

  it('lists the features added, removed and changed between two versions, matched by feature id, paged', async () => {
    type Diffed = { id: number; change: string; properties: Record<string, unknown>; before?: { properties: unknown } };
    const diff = async (path: string) => {
      const r = await call(`/api/layers/${LAYER}/versions/${path}`);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      return r.body as Omit<Answer, 'features'> & { summary: Record<string, number>; features: Diffed[] };
    };
    const appended = await diff('2/diff/3');
    expect(appended.summary).toEqual({ added: 2, removed: 0, changed: 0, unchanged: 3 });
    expect(appended.features.map((f) => [f.id, f.change, f.properties.nama])).toEqual([
      [4, 'added', 'M1'],
      [5, 'added', 'M2'],
    ]);

    const replaced = await diff('3/diff/4');
    expect(replaced.summary).toEqual({ added: 0, removed: 4, changed: 1, unchanged: 0 });
    expect(replaced.features[0]).toMatchObject({
      id: 1,
      change: 'changed',
      properties: { nama: 'B1', kelas: 'baru' },
      geometry: { type: 'Point', coordinates: [106.645, -6.185] },
      before: { properties: { nama: 'A1', nilai: 1 }, geometry: { coordinates: [106.64, -6.18] } },
    });
    expect(replaced.features.slice(1).map((f) => [f.id, f.change, f.properties.nama])).toEqual([
      [2, 'removed', 'A2'],
      [3, 'removed', 'A3'],
      [4, 'removed', 'M1'],
      [5, 'removed', 'M2'],
    ]);
    expect((await diff('4/diff/3')).summary).toEqual({ added: 4, removed: 0, changed: 1, unchanged: 0 });
    // A restore shares the restored version's storage: nothing differs.
    expect((await diff('3/diff/5')).summary).toEqual({ added: 0, removed: 0, changed: 0, unchanged: 5 });

    const ids: number[] = [];
    let path: string | undefined = '3/diff/4?limit=2';
    while (path) {
      const page: { features: Diffed[]; links?: { rel: string; href: string }[] } = await diff(path);
      ids.push(...page.features.map((f) => f.id));
      const next: string | undefined = page.links?.find((l) => l.rel === 'next')?.href;
      path = next ? next.slice(next.indexOf('/versions/') + '/versions/'.length) : undefined;
    }
    expect(ids).toEqual([1, 2, 3, 4, 5]);

    const bad = await call(`/api/layers/${LAYER}/versions/2/diff/99`);
    expect([bad.status, bad.body.error?.code]).toEqual([404, 'version_not_found']);
    const word = await call(`/api/layers/${LAYER}/versions/dua/diff/3`);
    expect([word.status, word.body.error?.code]).toEqual([400, 'invalid_parameter']);
    const limit = await call(`/api/layers/${LAYER}/versions/2/diff/3?limit=5000`);
    expect([limit.status, limit.body.error?.code]).toEqual([400, 'invalid_parameter']);
  });

  it("lets only an administrator remove a kept version's features, audited, and keeps a shared storage", async () => {
    const remove = (version: number, who: Who) =>
      call(`/api/layers/${LAYER}/versions/${version}/features`, { method: 'DELETE', who });
    expect((await remove(2, 'editor')).body.error?.code).toBe('forbidden');
    expect((await remove(6, 'admin')).body.error?.code).toBe('version_is_current');
    const before = await stored();

    const gone = await remove(2, 'admin');
    expect(gone.status, JSON.stringify(gone.body)).toBe(200);
    expect(gone.body).toMatchObject({ version: 2, deleted: 3 });
    expect((await stored()).total).toBe(before.total - 3);
    const read = await call(`/api/layers/${LAYER}/features?version=2`);
    expect([read.status, read.body.error?.code]).toEqual([410, 'version_data_removed']);
    const again = await call(`/api/layers/${LAYER}/versions/2/restore`, { method: 'POST', who: 'editor' });
    expect([again.status, again.body.error?.code]).toEqual([410, 'version_data_removed']);
    const removed = (await call(`/api/layers/${LAYER}/versions/2`)).body.dataRemoved as { by: string; at: string };
    expect(removed.by).toMatch(/versi admin/);
    expect(Date.parse(removed.at)).toBeGreaterThan(Date.now() - 3_600_000);

    // Version 3's storage is version 5's too: its record is marked, the features stay for 5.
    const shared = await remove(3, 'admin');
    expect(shared.body).toMatchObject({ version: 3, deleted: 0 });
    expect(await names('&version=5')).toEqual(['A1', 'A2', 'A3', 'M1', 'M2']);
    expect((await call(`/api/layers/${LAYER}/features?version=3`)).status).toBe(410);
    expect((await call(`/api/layers/${LAYER}/versions/3/diff/5`)).body.error?.code).toBe('version_data_removed');

    const history = (await call(`/api/layers/${LAYER}/history?limit=2`)).body.items ?? [];
    expect(history.map((h) => [h.action, h.details.version, h.details.deleted])).toEqual([
      ['remove_version_data', 3, 0],
      ['remove_version_data', 2, 3],
    ]);
  });

  it('deletes every storage of a layer with the layer', async () => {
    const { rows } = await s.db.knex.raw<{ rows: { n: number }[] }>(
      `select count(*)::int as n from layer_storages st join layers l on l.id = st.layer_id where l.slug = ?`,
      [LAYER],
    );
    expect(rows[0]?.n).toBeGreaterThan(2);
    const trx = await s.db.knex.transaction();
    try {
      const { id } = (await trx('layers').where({ slug: LAYER }).first<{ id: number }>('id')) ?? { id: 0 };
      await trx('layers').where({ id }).delete();
      const left = await trx.raw<{ rows: { n: number }[] }>(
        `select (select count(*) from layer_storages where layer_id = ?)::int
              + (select count(*) from layer_versions where layer_id = ?)::int as n`,
        [id, id],
      );
      expect(left.rows[0]?.n).toBe(0);
    } finally {
      await trx.rollback();
    }
  });
});
