import { pino } from 'pino';
import { parseCsv } from '../fixtures/catalog/csv.js';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../server/config.js';
import { buildFeatureQuery } from '../server/features/feature-query.js';
import { buildServices } from '../server/services.js';
import { ANONYMOUS } from '../server/auth/access.js';
import { useTestServer } from './support/use-test-server.js';

const s = useTestServer();

interface Download {
  type: string;
  numberMatched: number;
  dataVersion: number;
  features: { id: number; properties: Record<string, unknown> }[];
}

async function biggestPublik(): Promise<{ slug: string; n: number }> {
  const { rows } = await s.db.knex.raw<{ rows: { slug: string; n: number }[] }>(
    `select l.slug, (select count(*)::int from features f where f.layer_id = l.storage_id) as n
       from layers l where l.classification = 'publik' order by l.feature_count desc, l.slug limit 1`,
  );
  const row = rows[0];
  if (!row) throw new Error('no layer');
  return row;
}

describe('full GeoJSON download', () => {
  it('is the whole layer in one FeatureCollection, however many features, as an attachment', async () => {
    const big = await biggestPublik();
    const res = await s.get(`/api/layers/${big.slug}/download.geojson`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/application\/geo\+json/);
    expect(res.headers.get('content-disposition')).toContain(`${big.slug}.geojson`);
    const body = (await res.json()) as Download;
    expect(body.type).toBe('FeatureCollection');
    expect(body.numberMatched).toBe(big.n);
    expect(body.features).toHaveLength(big.n);
    expect(new Set(body.features.map((f) => f.id)).size).toBe(big.n);
  });

  it('reads chunk after chunk by id from one snapshot (seven at a time here), in id order', async () => {
    const big = await biggestPublik();
    const services = buildServices({
      db: s.db,
      config: loadConfig({ LOG_LEVEL: 'silent' }),
      log: pino({ level: 'silent' }),
    });
    const layer = await services.features.layer(ANONYMOUS, big.slug);
    const q = buildFeatureQuery(layer, { bboxStyle: 'api' }, { defaultLimit: 10, maxLimit: 10_000, overMax: 'clamp' });
    const chunks: string[] = [];
    let matched = -1;
    for await (const c of services.features.download(q, 7)) {
      if (typeof c === 'string') chunks.push(c);
      else matched = c.numberMatched;
    }
    const ids = (JSON.parse(`[${chunks.join(',')}]`) as { id: number }[]).map((f) => f.id);
    expect(matched).toBe(big.n);
    expect(chunks.length).toBe(Math.ceil(big.n / 7));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(ids).toHaveLength(big.n);
  });

  it('answers 404 for a layer the caller may not see, and is what CKAN and DCAT link', async () => {
    expect((await s.get(`/api/layers/${s.terbatas}/download.geojson`)).status).toBe(404);
    const pkg = (
      await s.json<{ result: { resources: { format: string; url: string }[] } }>(
        '/api/3/action/package_show?id=batas-kota-tangerang',
      )
    ).body.result;
    expect(pkg.resources.find((r) => r.format === 'GeoJSON')?.url).toMatch(
      /\/api\/layers\/batas-kota-tangerang\/download\.geojson$/,
    );
  });
});

describe('full CSV download', () => {
  it('is every feature with its fields and its geometry as WKT that PostGIS reads back equal', async () => {
    for (const slug of ['batas-kelurahan-kota-tangerang', (await biggestPublik()).slug]) {
      const res = await s.get(`/api/layers/${slug}/download.csv`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
      expect(res.headers.get('content-disposition')).toContain(`${slug}.csv`);
      const bytes = new Uint8Array(await res.arrayBuffer());
      // A UTF-8 byte-order mark first, for spreadsheet programs.
      expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      const records = parseCsv(new TextDecoder().decode(bytes));
      const header = Object.keys(records[0] ?? {});
      const rows = records.map((r) => header.map((h) => r[h] ?? ''));
      const { rows: layer } = await s.db.knex.raw<{ rows: { id: number; fields: { name: string }[] }[] }>(
        'select id, fields from layers where slug = ?',
        [slug],
      );
      const l = layer[0];
      if (!l) throw new Error('no layer');
      expect(header).toEqual(['fid', ...l.fields.map((f) => f.name), 'wkt']);
      const { rows: db } = await s.db.knex.raw<{ rows: { fid: number; properties: Record<string, unknown> }[] }>(
        'select fid, properties from features where layer_id = ? order by fid',
        [l.id],
      );
      expect(rows.map((r) => Number(r[0]))).toEqual(db.map((r) => r.fid));
      expect(Number(res.headers.get('x-number-matched'))).toBe(db.length);
      for (const [i, r] of rows.entries()) {
        const props = db[i]?.properties ?? {};
        l.fields.forEach((f, j) => {
          const v = props[f.name];
          const want = v === null || v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v);
          expect(r[j + 1], `${slug} ${r[0]} ${f.name}`).toBe(want);
        });
      }
      // Every WKT is read by PostGIS as the stored geometry.
      const { rows: equal } = await s.db.knex.raw<{ rows: { n: number }[] }>(
        `select count(*)::int as n from jsonb_to_recordset(?::jsonb) as c(fid int, wkt text)
           join features f on f.layer_id = ? and f.fid = c.fid
          where ST_Equals(ST_GeomFromText(c.wkt, 4326), ST_SnapToGrid(f.geom, 1e-7))
             or ST_HausdorffDistance(ST_GeomFromText(c.wkt, 4326), f.geom) < 1e-6`,
        [JSON.stringify(rows.map((r) => ({ fid: Number(r[0]), wkt: r[r.length - 1] }))), l.id],
      );
      expect(equal[0]?.n).toBe(rows.length);
    }
  });

  it('answers 404 for a layer the caller may not see, like a missing one', async () => {
    const hidden = await s.get(`/api/layers/${s.terbatas}/download.csv`);
    const missing = await s.get('/api/layers/tidak-ada-lapisan/download.csv');
    expect(hidden.status).toBe(404);
    expect(((await hidden.json()) as { error: { code: string } }).error.code).toBe(
      ((await missing.json()) as { error: { code: string } }).error.code,
    );
  });
});
