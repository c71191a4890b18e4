import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './support/test-server.js';

interface Feature {
  id: number;
  properties: { nama: string; kode: string; luas_km2: number };
}
interface Items {
  numberMatched: number;
  numberReturned: number;
  features: Feature[];
}

let s: TestServer;
let all: Feature[] = [];
const KEL = 'batas-kelurahan-kota-tangerang';
const items = (filter: string, extra = '') =>
  s.get(`/ogc/collections/${KEL}/items?limit=500&filter=${encodeURIComponent(filter)}${extra}`);

beforeAll(async () => {
  s = await startTestServer();
  all = ((await (await s.get(`/ogc/collections/${KEL}/items?limit=500`)).json()) as Items).features;
});
afterAll(() => s.close());

describe('CQL2 filters on items', () => {
  // Each filter is checked against the same predicate evaluated in JavaScript over all 104 features.
  it.each<[string, (f: Feature['properties']) => boolean]>([
    ["nama = 'Pajang'", (p) => p.nama === 'Pajang'],
    ["nama <> 'Pajang'", (p) => p.nama !== 'Pajang'],
    ['luas_km2 > 2', (p) => p.luas_km2 > 2],
    ['luas_km2 <= 0.8', (p) => p.luas_km2 <= 0.8],
    ["nama LIKE 'Kebon%'", (p) => p.nama.startsWith('Kebon')],
    ["nama NOT LIKE '%a%'", (p) => !p.nama.includes('a')],
    ["nama IN ('Pajang', 'Sukasari', 'Tidak Ada')", (p) => ['Pajang', 'Sukasari'].includes(p.nama)],
    ['luas_km2 BETWEEN 1 AND 2', (p) => p.luas_km2 >= 1 && p.luas_km2 <= 2],
    ["kode LIKE '36.71.04.%' AND luas_km2 > 1", (p) => p.kode.startsWith('36.71.04.') && p.luas_km2 > 1],
    [
      "kode LIKE '36.71.04.%' OR kode LIKE '36.71.05.%'",
      (p) => p.kode.startsWith('36.71.04.') || p.kode.startsWith('36.71.05.'),
    ],
    ["NOT (luas_km2 > 1) AND nama LIKE 'S%'", (p) => !(p.luas_km2 > 1) && p.nama.startsWith('S')],
    ['nama IS NULL', () => false],
    ['nama IS NOT NULL', () => true],
  ])('%s', async (filter, predicate) => {
    const res = await items(filter);
    expect(res.status).toBe(200);
    const page = (await res.json()) as Items;
    const expected = all
      .filter((f) => predicate(f.properties))
      .map((f) => f.id)
      .sort((a, b) => a - b);
    expect(page.features.map((f) => f.id).sort((a, b) => a - b)).toEqual(expected);
    expect(page.numberMatched).toBe(expected.length);
  });

  it('finds the kelurahan containing a point and those crossing a box (S_INTERSECTS)', async () => {
    const point = (await (await items('S_INTERSECTS(geometry, POINT(106.6559 -6.1256))')).json()) as Items;
    expect(point.features.map((f) => f.properties.nama)).toContain('Pajang');
    const box = (await (
      await items('S_INTERSECTS(geometry, BBOX(106.655, -6.126, 106.656, -6.125)) AND luas_km2 > 0')
    ).json()) as Items;
    expect(box.features.map((f) => f.properties.nama)).toContain('Pajang');
    expect(box.numberMatched).toBeLessThan(5);
  });

  it.each([
    ["nama = 'x", 'invalid_filter'],
    ['nama =', 'invalid_filter'],
    ["warna = 'merah'", 'invalid_filter'],
    ["luas_km2 > 'besar'", 'invalid_filter'],
    ['S_INTERSECTS(geometry, CIRCLE(1 2))', 'invalid_filter'],
    ["nama = 'x'; drop table layers", 'invalid_filter'],
    ["nama = 'x') OR (1 = 1", 'invalid_filter'],
    ['S_INTERSECTS(geometry, BBOX(-999, -6.3, 999, -6.1))', 'invalid_filter'],
    ['S_INTERSECTS(geometry, BBOX(106.6, -6.3, 106.7, 95))', 'invalid_filter'],
    ['S_INTERSECTS(geometry, POINT(181 -6.2))', 'invalid_filter'],
  ])('refuses %j with %s and says where', async (filter, code) => {
    const res = await items(filter);
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: string; message: string; details: { position: number } } };
    expect(body.error.code).toBe(code);
    expect(body.error.message).toMatch(/character \d+/);
    expect(body.error.details.position).toBeGreaterThan(0);
  });

  it('answers cql2-json like the same filter in text', async () => {
    const json = {
      op: 'and',
      args: [
        { op: 'like', args: [{ property: 'kode' }, '36.71.04.%'] },
        { op: '>', args: [{ property: 'luas_km2' }, 1] },
      ],
    };
    const a = (await (await items(JSON.stringify(json), '&filter-lang=cql2-json')).json()) as Items;
    const b = (await (await items("kode LIKE '36.71.04.%' AND luas_km2 > 1")).json()) as Items;
    expect(a.numberMatched).toBeGreaterThan(0);
    expect(a.features.map((f) => f.id)).toEqual(b.features.map((f) => f.id));
    const bad = await items("nama = 'x'", '&filter-lang=cql2-json');
    expect(bad.status).toBe(400);
    const lang = await items("nama = 'x'", '&filter-lang=ecql');
    expect(((await lang.json()) as { error: { details: { parameter: string } } }).error.details.parameter).toBe(
      'filter-lang',
    );
  });

  it('tests spatial relations against the exact geometry: within, contains, disjoint, intersects', async () => {
    const pajangPoint = 'POINT(106.6559 -6.1256)';
    const contains = (await (await items(`S_CONTAINS(geometry, ${pajangPoint})`)).json()) as Items;
    expect(contains.features.map((f) => f.properties.nama)).toEqual(['Pajang']);
    const disjoint = (await (await items(`S_DISJOINT(geometry, ${pajangPoint})`)).json()) as Items;
    expect(disjoint.numberMatched).toBe(all.length - 1);
    const cityBox = 'POLYGON((106.5 -6.3, 106.8 -6.3, 106.8 -6.0, 106.5 -6.0, 106.5 -6.3))';
    const within = (await (await items(`S_WITHIN(geometry, ${cityBox})`)).json()) as Items;
    expect(within.numberMatched).toBe(all.length);
    const none = (await (
      await items(
        `S_WITHIN(geometry, POLYGON((106.655 -6.126, 106.656 -6.126, 106.656 -6.125, 106.655 -6.125, 106.655 -6.126)))`,
      )
    ).json()) as Items;
    expect(none.numberMatched).toBe(0);
  });

  // Each spatial function and geometry type of the spatial-functions class, against PostGIS run directly.
  it.each([
    ['S_EQUALS', 'ST_Equals', 'POINT(106.6559 -6.1256)'],
    ['S_TOUCHES', 'ST_Touches', 'LINESTRING(106.60 -6.20, 106.70 -6.10)'],
    ['S_OVERLAPS', 'ST_Overlaps', 'POLYGON((106.62 -6.20, 106.66 -6.20, 106.66 -6.16, 106.62 -6.16, 106.62 -6.20))'],
    ['S_CROSSES', 'ST_Crosses', 'LINESTRING(106.60 -6.20, 106.70 -6.10)'],
    ['S_INTERSECTS', 'ST_Intersects', 'MULTIPOINT((106.6559 -6.1256), (106.63 -6.17))'],
    ['S_INTERSECTS', 'ST_Intersects', 'MULTILINESTRING((106.60 -6.20, 106.61 -6.19), (106.70 -6.10, 106.71 -6.11))'],
    ['S_INTERSECTS', 'ST_Intersects', 'MULTIPOLYGON(((106.62 -6.20, 106.63 -6.20, 106.63 -6.19, 106.62 -6.20)))'],
    [
      'S_DISJOINT',
      'ST_Disjoint',
      'GEOMETRYCOLLECTION(POINT(106.6559 -6.1256), LINESTRING(106.60 -6.20, 106.61 -6.19))',
    ],
  ])('%s with %s matches PostGIS on %s', async (fn, postgis, wkt) => {
    const { rows } = await s.db.knex.raw<{ rows: { fid: number }[] }>(
      `select f.fid from features f join layers l on l.storage_id = f.layer_id
        where l.slug = ? and ${postgis}(f.geom, ST_GeomFromText(?, 4326)) order by f.fid`,
      [KEL, wkt],
    );
    const page = (await (await items(`${fn}(geometry, ${wkt})`)).json()) as Items;
    expect(page.features.map((f) => f.id).sort((a, b) => a - b)).toEqual(rows.map((r) => r.fid));
  });

  it.each([
    ["aktif = 'abc'", 400],
    ['luas_km2 = 007', 200],
    ["luas_km2 LIKE '1%'", 400],
    ["nama IN ('x', 1)", 400],
    ["kode > DATE('2024-01-01')", 400],
  ])('answers a type mismatch %j with a 400, never a 500', async (filter, status) => {
    const res = await items(filter);
    expect(res.status).toBe(status);
    expect((await s.get('/api/layers?limit=1')).status).toBe(200);
  });
});
