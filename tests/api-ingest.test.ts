import fs from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { TokenStore } from '../server/auth/token-store.js';
import { tileOf } from './support/mvt.js';
import { fc, feature, point, square, uploadCorpus, type UploadCase } from './support/upload-corpus.js';
import { useTestServer } from './support/use-test-server.js';

const LIMITS = { maxProperties: 20, maxValueChars: 1000, maxFeatures: 500, maxBytes: 1024 * 1024 };
// Its own database copy (this file writes), with small limits so the limit cases stay small.
const s = useTestServer({
  writable: true,
  env: {
    UPLOAD_MAX_MB: '1',
    UPLOAD_MAX_FEATURES: String(LIMITS.maxFeatures),
    UPLOAD_MAX_PROPERTIES: String(LIMITS.maxProperties),
    UPLOAD_MAX_VALUE_CHARS: String(LIMITS.maxValueChars),
    WRITE_RATE_LIMIT: '100000',
  },
});

let agency = '';
let otherAgency = '';
const tokens: Record<'admin' | 'editor' | 'otherEditor' | 'viewer', string> = {
  admin: '',
  editor: '',
  otherEditor: '',
  viewer: '',
};
/** The editor's own layers: ids start with its agency's code (set once the agency is known). */
const LAYERS = { point: '', line: '', polygon: '' };

const auth = (who: keyof typeof tokens, extra: Record<string, string> = {}) => ({
  Authorization: `Bearer ${tokens[who]}`,
  ...extra,
});
const fixture = (name: string) => fs.readFile(new URL(`./fixtures/uploads/${name}`, import.meta.url));

async function upload(
  slug: string,
  body: string | Uint8Array,
  query = 'mode=append',
  contentType: string | null = 'application/geo+json',
  who: keyof typeof tokens | null = 'editor',
  contentEncoding?: string,
) {
  const headers: Record<string, string> = who ? auth(who) : {};
  if (contentType) headers['Content-Type'] = contentType;
  if (contentEncoding) headers['Content-Encoding'] = contentEncoding;
  const res = await s.get(`/api/layers/${slug}/features${query ? `?${query}` : ''}`, {
    method: 'POST',
    body: typeof body === 'string' ? body : Buffer.from(body),
    headers,
  });
  return {
    status: res.status,
    body: (await res.json()) as Record<string, unknown> & {
      error?: { code: string; message: string; details: Record<string, unknown> };
    },
  };
}

/** Everything about a layer an upload could change: rows (hashed), version, schema, history. */
async function snapshot(slug: string) {
  const {
    rows: [r],
  } = await s.db.knex.raw<{
    rows: { n: number; digest: string | null; version: number; fields: unknown; history: number; count: number }[];
  }>(
    `select (select count(*)::int from features f where f.layer_id = l.storage_id) as n,
            (select md5(string_agg(f.fid || ':' || f.properties::text || ':' || encode(ST_AsEWKB(f.geom), 'hex'), ',' order by f.fid)) from features f where f.layer_id = l.storage_id) as digest,
            l.data_version as version, l.fields, l.feature_count as count,
            (select count(*)::int from layer_history h where h.layer_id = l.id) as history
       from layers l where l.slug = ?`,
    [slug],
  );
  return r;
}

beforeAll(async () => {
  const knex = s.db.knex;
  const codes = (await knex('agencies').orderBy('code').pluck('code')) as string[];
  [agency = '', otherAgency = ''] = codes;
  LAYERS.point = `${agency}-uji-titik-posyandu`;
  LAYERS.line = `${agency}-uji-jalan-lingkungan`;
  LAYERS.polygon = `${agency}-uji-persil-aset`;
  const store = new TokenStore(knex);
  const make = async (role: 'admin' | 'editor' | 'viewer', agencies: string[]) =>
    (await store.create({ name: `uji ${role}`, role, agencies, createdBy: 'test' })).token;
  tokens.admin = await make('admin', []);
  tokens.editor = await make('editor', [agency]);
  tokens.otherEditor = await make('editor', [otherAgency]);
  tokens.viewer = await make('viewer', [agency]);
  for (const [kind, slug] of Object.entries(LAYERS)) {
    const geometryType = { point: 'Point', line: 'LineString', polygon: 'Polygon' }[kind];
    const res = await s.get('/api/layers', {
      method: 'POST',
      headers: auth('editor', { 'Content-Type': 'application/json' }),
      body: JSON.stringify({
        slug,
        title: `Uji ${kind}`,
        agency,
        theme: 'fasilitas-kesehatan',
        geometryType,
        fields: [
          { name: 'nama', type: 'string' },
          { name: 'nilai', type: 'integer' },
        ],
        keywords: ['uji'],
      }),
    });
    expect(res.status, await res.clone().text()).toBe(201);
  }
  const seed = {
    point: fc(
      feature(point(106.64, -6.18), { nama: 'A', nilai: 1 }),
      feature(point(106.65, -6.19), { nama: 'B', nilai: 2 }),
    ),
    line: fc(
      feature(
        {
          type: 'LineString',
          coordinates: [
            [106.63, -6.18],
            [106.64, -6.19],
          ],
        },
        { nama: 'Jl. Uji', nilai: 1 },
      ),
    ),
    polygon: fc(feature(square(), { nama: 'Persil', nilai: 1 })),
  };
  for (const kind of Object.keys(LAYERS) as (keyof typeof LAYERS)[])
    expect((await upload(LAYERS[kind], seed[kind], 'mode=replace')).status).toBe(200);
});

describe('creating a layer and loading it', () => {
  it("creates an empty layer in the editor's agency with its metadata and a history record", async () => {
    const { body } = await s.json<{ id: string; agency: { code: string }; featureCount: number }>(
      `/api/layers/${LAYERS.point}`,
    );
    expect(body.id).toBe(LAYERS.point);
    const history = await s.json<{ items: { action: string; actor: string }[] }>(`/api/layers/${LAYERS.point}/history`);
    expect(history.body.items.map((h) => h.action)).toEqual(['replace_features', 'create']);
    expect(history.body.items[1]?.actor).toMatch(/uji editor, editor/);
  });

  it('replaces features: counts, extent, version, districts, history and every reading surface move on', async () => {
    const before = await snapshot(LAYERS.point);
    const tilejson = await s.json<{ tiles: string[] }>(`/tiles/${LAYERS.point}.json`);
    const next = fc(
      ...[0, 1, 2].map((i) =>
        feature(point(106.6 + i * 0.01, -6.17), { nama: `Posyandu ${i}`, nilai: i, buka: i % 2 === 0 }),
      ),
    );
    const { status, body } = await upload(LAYERS.point, next, 'mode=replace&filename=posyandu.geojson');
    expect(status).toBe(200);
    expect(body).toMatchObject({
      mode: 'replace',
      received: 3,
      inserted: 3,
      deleted: 2,
      featureCount: 3,
      previousVersion: before?.version,
    });
    expect(body.dataVersion).not.toBe(before?.version);
    expect(body.fields).toEqual([
      { name: 'nama', type: 'string' },
      { name: 'nilai', type: 'integer' },
      { name: 'buka', type: 'boolean' },
    ]);
    const layer = await s.json<{ featureCount: number; bbox: number[]; dataVersion: number }>(
      `/api/layers/${LAYERS.point}`,
    );
    expect(layer.body.featureCount).toBe(3);
    [106.6, -6.17, 106.62, -6.17].forEach((v, i) => expect(layer.body.bbox[i]).toBeCloseTo(v, 9));
    const features = await s.json<{ features: { properties: { nama: string } }[] }>(
      `/api/layers/${LAYERS.point}/features`,
    );
    expect(features.body.features.map((f) => f.properties.nama)).toEqual(['Posyandu 0', 'Posyandu 1', 'Posyandu 2']);
    const after = await s.json<{ tiles: string[] }>(`/tiles/${LAYERS.point}.json`);
    expect(after.body.tiles[0]).not.toBe(tilejson.body.tiles[0]);
    const history = await s.json<{
      items: { action: string; details: Record<string, unknown>; previousVersion: number; newVersion: number }[];
    }>(`/api/layers/${LAYERS.point}/history?limit=1`);
    expect(history.body.items[0]).toMatchObject({
      action: 'replace_features',
      previousVersion: before?.version,
      newVersion: body.dataVersion,
      details: { file: 'posyandu.geojson', inserted: 3, deleted: 2, featureCountBefore: 2 },
    });
    const district = await s.db
      .knex('layer_districts as ld')
      .join('layers as l', 'l.id', 'ld.layer_id')
      .where('l.slug', LAYERS.point)
      .count<{ n: string }[]>('* as n');
    expect(Number(district[0]?.n)).toBeGreaterThan(0);
  });

  it('stores positions with Z (or M) in 2D and says how many features lost them', async () => {
    const body = fc(
      feature({ type: 'Point', coordinates: [106.641, -6.181, 12.5] }),
      feature({ type: 'Point', coordinates: [106.642, -6.182, 0, 7] }),
      feature(point(106.643, -6.183)),
    );
    const { status, body: result } = await upload(LAYERS.point, body, 'mode=append');
    expect(status, JSON.stringify(result)).toBe(200);
    expect((result as { warnings: { droppedZ: number } }).warnings.droppedZ).toBe(2);
  });

  it('takes a gzip-compressed body', async () => {
    const before = await snapshot(LAYERS.point);
    const body = new Uint8Array(gzipSync(fc(feature(point(106.61, -6.2), { nama: 'Dikompresi', nilai: 7 }))));
    const { status, body: answer } = await upload(
      LAYERS.point,
      body,
      'mode=append',
      'application/geo+json',
      'editor',
      'gzip',
    );
    expect(status, JSON.stringify(answer)).toBe(200);
    expect(answer).toMatchObject({ inserted: 1, featureCount: (before?.n ?? 0) + 1 });
  });

  it('appends newline-delimited GeoJSON after the existing features', async () => {
    const before = await snapshot(LAYERS.point);
    const ndjson = [0, 1]
      .map((i) => JSON.stringify(feature(point(106.63, -6.16 - i * 0.01), { nama: `Tambahan ${i}`, nilai: 10 + i })))
      .join('\n');
    const { status, body } = await upload(LAYERS.point, `\u001e${ndjson}\n`, 'mode=append', 'application/geo+json-seq');
    expect(status).toBe(200);
    expect(body).toMatchObject({
      mode: 'append',
      format: 'ndjson',
      inserted: 2,
      deleted: 0,
      featureCount: (before?.n ?? 0) + 2,
    });
    const fids = (await s.db
      .knex('features as f')
      .join('layers as l', 'l.storage_id', 'f.layer_id')
      .where('l.slug', LAYERS.point)
      .orderBy('fid')
      .pluck('fid')) as number[];
    expect(fids).toEqual(Array.from({ length: fids.length }, (_, i) => i + 1));
  });

  it('reprojects a zipped Shapefile from its .prj (UTM 48S and DGN95 TM-3) and from crs= when the .prj is missing, NUL-padded DBF text trimmed', async () => {
    for (const [zip, query] of [
      ['titik-utm48s.zip', 'mode=replace'],
      ['titik-tanpa-prj.zip', 'mode=replace&crs=EPSG:32748'],
      // Text padded with NUL bytes, as some DBF writers pad it: read as the text itself.
      ['titik-dbf-nul.zip', 'mode=replace'],
    ] as const) {
      const { status, body } = await upload(LAYERS.point, await fixture(zip), query, 'application/zip');
      expect(status, JSON.stringify(body)).toBe(200);
      const features = await s.json<{
        features: { geometry: { coordinates: number[] }; properties: { nama: string; nilai: number } }[];
      }>(`/api/layers/${LAYERS.point}/features`);
      expect(features.body.features.map((f) => f.geometry.coordinates)).toEqual([
        [106.64, -6.18],
        [106.65, -6.19],
        [106.66, -6.2],
      ]);
      expect(features.body.features[0]?.properties).toMatchObject({ nama: 'Titik Uji Satu', nilai: 10 });
    }
    const { status } = await upload(
      LAYERS.polygon,
      await fixture('persil-dgn95-tm3.zip'),
      'mode=replace',
      'application/zip',
    );
    expect(status).toBe(200);
    const parcel = await s.json<{ features: { geometry: { coordinates: number[][][] } }[] }>(
      `/api/layers/${LAYERS.polygon}/features`,
    );
    const ring = parcel.body.features[0]?.geometry.coordinates[0] ?? [];
    expect(ring.map(([x]) => x).sort()).toEqual([106.63, 106.63, 106.632, 106.632, 106.63].sort());
    expect(Math.min(...ring.map(([, y]) => y ?? 0))).toBeCloseTo(-6.18, 7);
  });

  it('repairs an invalid polygon with ST_MakeValid only when asked', async () => {
    const bowtie = fc(
      feature(
        {
          type: 'Polygon',
          coordinates: [
            [
              [106.63, -6.18],
              [106.64, -6.19],
              [106.64, -6.18],
              [106.63, -6.19],
              [106.63, -6.18],
            ],
          ],
        },
        { nama: 'Kupu-kupu', nilai: 1 },
      ),
    );
    expect((await upload(LAYERS.polygon, bowtie, 'mode=append')).status).toBe(422);
    const { status, body } = await upload(LAYERS.polygon, bowtie, 'mode=append&repair=true');
    expect(status).toBe(200);
    expect(body.repaired).toBe(1);
    const { rows } = await s.db.knex.raw<{ rows: { valid: boolean }[] }>(
      `select bool_and(ST_IsValid(f.geom)) as valid from features f join layers l on l.storage_id = f.layer_id where l.slug = ?`,
      [LAYERS.polygon],
    );
    expect(rows[0]?.valid).toBe(true);
  });
});

describe('a malformed upload', () => {
  const corpus = uploadCorpus(LIMITS);
  it('has at least 50 cases', () => expect(corpus.length).toBeGreaterThanOrEqual(50));

  const body = async (c: UploadCase) =>
    typeof c.body === 'object' && 'fixture' in c.body ? fixture(c.body.fixture) : c.body;
  for (const c of corpus) {
    it(`is refused with ${c.status} ${c.code}${c.problem ? `/${c.problem}` : ''} and changes nothing: ${c.name}`, async () => {
      const slug = LAYERS[c.layer];
      const before = await snapshot(slug);
      const res = await upload(
        slug,
        await body(c),
        c.query ?? 'mode=append',
        c.contentType ?? null,
        'editor',
        c.contentEncoding,
      );
      expect(res.status, JSON.stringify(res.body).slice(0, 500)).toBe(c.status);
      expect(res.body.error?.code).toBe(c.code);
      expect(res.body.error?.message).toMatch(/\w{4}/);
      expect(JSON.stringify(res.body)).not.toMatch(/\b(select|insert|syntax error|stack)\b/i);
      if (c.problem) {
        const problems = res.body.error?.details.problems as { code: string; feature: number | null }[];
        expect(problems.map((p) => p.code)).toContain(c.problem);
        expect(problems.find((p) => p.code === c.problem)?.feature).toEqual(expect.any(Number));
      }
      expect(await snapshot(slug)).toEqual(before);
    });
  }

  it('lists the first 100 problems by feature and counts them all', async () => {
    const before = await snapshot(LAYERS.point);
    const many = fc(...Array.from({ length: 300 }, (_, i) => feature(point(-6.18, 106.6 + i * 1e-4))));
    const { status, body } = await upload(LAYERS.point, many);
    expect(status).toBe(422);
    expect(body.error?.details).toMatchObject({
      totalProblems: 300,
      truncated: true,
      problemsByCode: { coordinates_swapped: 300 },
    });
    const problems = body.error?.details.problems as { feature: number }[];
    expect(problems.map((p) => p.feature)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(await snapshot(LAYERS.point)).toEqual(before);
  });
});

describe('who may write', () => {
  it('needs a token (401), the right scope (403), and hides what the caller cannot see (404)', async () => {
    const one = fc(feature(point(), { nama: 'x', nilai: 1 }));
    const before = await snapshot(LAYERS.point);
    expect((await upload(LAYERS.point, one, 'mode=append', 'application/geo+json', null)).body.error?.code).toBe(
      'authentication_required',
    );
    for (const who of ['viewer', 'otherEditor'] as const) {
      const res = await upload(LAYERS.point, one, 'mode=append', 'application/geo+json', who);
      expect([res.status, res.body.error?.code]).toEqual([403, 'forbidden']);
    }
    const hidden = await s.db
      .knex<{ slug: string; classification: string; agency_code: string }>('layers')
      .where({ classification: 'terbatas' })
      .whereNot({ agency_code: otherAgency })
      .whereNot({ agency_code: agency })
      .first('slug');
    expect(
      (await upload(hidden?.slug ?? 'none', one, 'mode=append', 'application/geo+json', 'otherEditor')).status,
    ).toBe(404);
    expect(
      (await upload(encodeURIComponent("x';drop table layers;--"), one, 'mode=append', 'application/geo+json', 'admin'))
        .status,
    ).toBe(404);
    expect(await snapshot(LAYERS.point)).toEqual(before);
    expect(Number((await s.db.knex('layers').count<{ n: string }[]>('* as n'))[0]?.n)).toBe(2491 + 3);
  });

  it("creates layers only in the caller's agency, with valid metadata and a new id", async () => {
    const post = (body: unknown, who: keyof typeof tokens | null = 'editor') =>
      s.get('/api/layers', {
        method: 'POST',
        headers: { ...(who ? auth(who) : {}), 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
    const valid = {
      slug: `${agency}-uji-baru`,
      title: 'Uji baru',
      agency,
      theme: 'fasilitas-kesehatan',
      geometryType: 'Point',
    };
    const hiddenOfOther = await s.db
      .knex('layers')
      .where({ agency_code: otherAgency, classification: 'terbatas' })
      .orderBy('slug')
      .first<{ slug: string } | undefined>('slug');
    const cases: [unknown, keyof typeof tokens | null, number, string][] = [
      [valid, null, 401, 'authentication_required'],
      [valid, 'viewer', 403, 'forbidden'],
      [{ ...valid, agency: otherAgency }, 'editor', 403, 'forbidden'],
      [{ ...valid, slug: LAYERS.point }, 'editor', 409, 'layer_exists'],
      [{ ...valid, slug: 'uji-baru' }, 'editor', 400, 'invalid_slug'],
      [{ ...valid, slug: `${otherAgency}-uji-baru` }, 'editor', 400, 'invalid_slug'],
      // Another agency's restricted layer: the same answer as any id outside the editor's prefix.
      [{ ...valid, slug: hiddenOfOther?.slug ?? 'none' }, 'editor', 400, 'invalid_slug'],
      [{ ...valid, slug: "uji'; drop table layers; --" }, 'editor', 400, 'invalid_layer_metadata'],
      [{ ...valid, geometryType: 'Circle' }, 'editor', 400, 'invalid_layer_metadata'],
      [{ ...valid, theme: 'tidak-ada' }, 'editor', 400, 'unknown_theme'],
      [{ ...valid, agency: 'tidak-ada' }, 'admin', 400, 'unknown_agency'],
      [{ ...valid, contactEmail: 'bukan email' }, 'editor', 400, 'invalid_layer_metadata'],
      [{ ...valid, minZoom: 15, maxZoom: 10 }, 'editor', 400, 'invalid_layer_metadata'],
      [{ ...valid, isSample: true }, 'editor', 400, 'invalid_layer_metadata'],
      [
        {
          ...valid,
          fields: [
            { name: 'a', type: 'string' },
            { name: 'a', type: 'integer' },
          ],
        },
        'editor',
        400,
        'invalid_layer_metadata',
      ],
      [{ ...valid, tileFields: ['tidak_ada'] }, 'editor', 400, 'invalid_layer_metadata'],
      ['just text', 'editor', 400, 'invalid_json'],
      [[valid], 'editor', 400, 'invalid_body'],
    ];
    for (const [body, who, status, code] of cases) {
      const res = await post(body, who);
      expect(
        [res.status, ((await res.json()) as { error?: { code: string } }).error?.code],
        JSON.stringify(body),
      ).toEqual([status, code]);
    }
    expect(
      await s.db
        .knex('layers')
        .where({ slug: `${agency}-uji-baru` })
        .first(),
    ).toBeUndefined();
    expect(hiddenOfOther).toBeDefined();
  });

  it('edits metadata with an audit of what changed; hiding a layer takes it from anonymous callers at once', async () => {
    const patch = (body: unknown, who: keyof typeof tokens = 'editor') =>
      s.get(`/api/layers/${LAYERS.line}`, {
        method: 'PATCH',
        headers: auth(who, { 'Content-Type': 'application/json' }),
        body: JSON.stringify(body),
      });
    expect((await patch({ title: 'Jalan Lingkungan Uji' }, 'otherEditor')).status).toBe(403);
    expect((await patch({ slug: 'lain' })).status).toBe(400);
    expect((await patch({})).status).toBe(400);
    const t = tileOf(106.635, -6.185, 14);
    const tile = `/tiles/${LAYERS.line}/14/${t.x}/${t.y}.mvt`;
    expect((await s.get(tile)).status).toBe(200);
    expect((await s.get(tile)).status).toBe(200); // now remembered by the tile path's registry and cache
    const res = await patch({
      title: 'Jalan Lingkungan Uji Cibodas',
      keywords: ['jalan', 'cibodas'],
      classification: 'terbatas',
    });
    expect(res.status).toBe(200);
    expect((await s.get(tile)).status).toBe(404);
    expect(((await res.json()) as { title: string }).title).toBe('Jalan Lingkungan Uji Cibodas');
    expect((await s.get(`/api/layers/${LAYERS.line}`)).status).toBe(404);
    const found = await s.get('/api/layers?q=jalan%20lingkungan%20cibodas', { headers: auth('viewer') });
    expect(((await found.json()) as { items: { id: string }[] }).items.map((l) => l.id)).toContain(LAYERS.line);
    const history = await s.get(`/api/layers/${LAYERS.line}/history?limit=1`, { headers: auth('viewer') });
    expect(((await history.json()) as { items: unknown[] }).items[0]).toMatchObject({
      action: 'update_metadata',
      details: { changed: { classification: { from: 'publik', to: 'terbatas' } } },
    });
  });
});

describe('concurrent uploads to one layer', () => {
  it('are serialised or refused, never interleaved', async () => {
    const before = await snapshot(LAYERS.polygon);
    const batches = ['A', 'B', 'C', 'D'].map((tag) =>
      fc(
        ...Array.from({ length: 200 }, (_, i) =>
          feature(square(106.6 + (i % 20) * 0.002, -6.2 + Math.floor(i / 20) * 0.002), {
            nama: `${tag}${i}`,
            nilai: i,
          }),
        ),
      ),
    );
    const results = await Promise.all(batches.map((b) => upload(LAYERS.polygon, b, 'mode=replace')));
    for (const r of results) expect([200, 409], JSON.stringify(r.body).slice(0, 300)).toContain(r.status);
    const accepted = results.filter((r) => r.status === 200).length;
    expect(accepted).toBeGreaterThanOrEqual(1);
    for (const r of results.filter((x) => x.status === 409)) expect(r.body.error?.code).toBe('upload_in_progress');
    const { rows: nameRows } = await s.db.knex.raw<{ rows: { nama: string }[] }>(
      `select f.properties->>'nama' as nama from features f join layers l on l.storage_id = f.layer_id where l.slug = ?`,
      [LAYERS.polygon],
    );
    const names = nameRows.map((r) => r.nama);
    expect(names).toHaveLength(200);
    expect(new Set(names.map((n) => n[0])).size).toBe(1);
    expect((await snapshot(LAYERS.polygon))?.history).toBe((before?.history ?? 0) + accepted);

    const appendBefore = await snapshot(LAYERS.point);
    const appends = await Promise.all(
      ['E', 'F', 'G'].map((tag) =>
        upload(
          LAYERS.point,
          fc(
            ...Array.from({ length: 50 }, (_, i) =>
              feature(point(106.62 + i * 1e-4, -6.18), { nama: `${tag}${i}`, nilai: i }),
            ),
          ),
        ),
      ),
    );
    const ok = appends.filter((r) => r.status === 200).length;
    const fids = (await s.db
      .knex('features as f')
      .join('layers as l', 'l.storage_id', 'f.layer_id')
      .where('l.slug', LAYERS.point)
      .orderBy('fid')
      .pluck('fid')) as number[];
    expect(fids).toHaveLength((appendBefore?.n ?? 0) + ok * 50);
    expect(new Set(fids).size).toBe(fids.length);
  });
});
