import { beforeAll, describe, expect, it } from 'vitest';
import { createUjiLayer, featureServer, query, UJI, UJI_COUNT, type FeatureSet } from './support/arcgis.js';
import { adminAuth, createLayer, replaceFeatures } from './support/layers.js';
import { useTestServer } from './support/use-test-server.js';

// Its own database copy (it adds a layer); pages of 40 so that the 104 kelurahan take three.
const s = useTestServer({ writable: true, env: { FEATURES_MAX_LIMIT: '40', FEATURES_DEFAULT_LIMIT: '10' } });
const KEL = 'batas-kelurahan-kota-tangerang';
let kel = '';
let uji = '';

beforeAll(async () => {
  await createUjiLayer(s, await adminAuth(s.db.knex, 'arcgis-query'));
  const row = await s.db.knex('layers').where('slug', KEL).first<{ agency_code: string }>('agency_code');
  kel = featureServer(row?.agency_code ?? '', KEL);
  uji = featureServer('setda', UJI);
});

/** Feature ids of a layer that pass a SQL condition over `features f`, in id order. */
async function fids(slug: string, where: string, bindings: (string | number)[] = []): Promise<number[]> {
  const { rows } = await s.db.knex.raw<{ rows: { fid: number }[] }>(
    `select f.fid from features f join layers l on l.storage_id = f.layer_id where l.slug = ? and (${where}) order by f.fid`,
    [slug, ...bindings],
  );
  return rows.map((r) => r.fid);
}

const ids = async (service: string, params: Record<string, string>) =>
  (await query<{ objectIds: number[] }>(s, service, { ...params, returnIdsOnly: 'true' })).objectIds.sort(
    (a, b) => a - b,
  );
const count = async (service: string, params: Record<string, string>) =>
  (await query<{ count: number }>(s, service, { ...params, returnCountOnly: 'true' })).count;

const R = 6378137;
const mercator = (lon: number, lat: number) => [
  (R * lon * Math.PI) / 180,
  R * Math.log(Math.tan(Math.PI / 4 + (lat * Math.PI) / 360)),
];

describe('where clauses select exactly the rows direct SQL selects', () => {
  const num = (name: string) =>
    `(case when jsonb_typeof(f.properties -> '${name}') = 'number' then (f.properties ->> '${name}')::numeric end)`;
  const text = (name: string) => `(f.properties ->> '${name}')`;
  const isNull = (name: string) => `coalesce(jsonb_typeof(f.properties -> '${name}'), 'null') = 'null'`;
  const cases: [string, string, (string | number)[]?][] = [
    ['1=1', 'true'],
    ['1=0', 'false'],
    ["nama = 'Taman O''Brien 3'", `${text('nama')} = ?`, ["Taman O'Brien 3"]],
    ["NAMA <> 'Pasar 1'", `${text('nama')} <> ?`, ['Pasar 1']],
    ['jumlah > 20', `${num('jumlah')} > 20`],
    ['jumlah >= 20 AND jumlah < 40', `${num('jumlah')} >= 20 and ${num('jumlah')} < 40`],
    ['jumlah <= 5 OR luas > 5.5', `${num('jumlah')} <= 5 or ${num('luas')} > 5.5`],
    ['NOT jumlah = 8', `${num('jumlah')} <> 8`],
    ['NOT (jumlah < 10 OR jumlah > 50)', `not (${num('jumlah')} < 10 or ${num('jumlah')} > 50)`],
    ["nama LIKE 'Taman%'", `${text('nama')} like 'Taman%'`],
    ["nama LIKE '%1_'", `${text('nama')} like '%1_'`],
    ["nama NOT LIKE 'Taman%'", `${text('nama')} not like 'Taman%'`],
    ["nama LIKE 'Taman O''Brien 1_' ESCAPE '!'", `${text('nama')} like ?`, ["Taman O'Brien 1_"]],
    ["nama LIKE 'Taman!_%' ESCAPE '!'", `${text('nama')} like ?`, ['Taman\\_%']],
    ['jumlah IN (1, 2, 3, 50)', `${num('jumlah')} in (1, 2, 3, 50)`],
    ['jumlah NOT IN (1, 2, 3)', `${num('jumlah')} not in (1, 2, 3)`],
    ["nama IN ('Pasar 1', 'Sekolah 2')", `${text('nama')} in ('Pasar 1', 'Sekolah 2')`],
    ['luas BETWEEN 1 AND 2', `${num('luas')} between 1 and 2`],
    ['luas NOT BETWEEN 1 AND 5', `${num('luas')} not between 1 and 5`],
    ['jumlah IS NULL', isNull('jumlah')],
    ['tanggal IS NOT NULL', `not ${isNull('tanggal')}`],
    ['nama_jalan IS NULL', isNull('nama jalan')],
    [`"nama jalan" = 'Jl. 5'`, `${text('nama jalan')} = 'Jl. 5'`],
    ["tanggal >= DATE '2024-03-20'", `${text('tanggal')} >= '2024-03-20'`],
    [
      "tanggal BETWEEN DATE '2024-03-05' AND DATE '2024-03-10'",
      `${text('tanggal')} between '2024-03-05' and '2024-03-10'`,
    ],
    ["tanggal < TIMESTAMP '2024-03-05 12:00:00'", `${text('tanggal')} <= '2024-03-05'`],
    ["tanggal = '2024-03-03'", `${text('tanggal')} = '2024-03-03'`],
    ['aktif = 1', `f.properties -> 'aktif' = 'true'::jsonb`],
    ['aktif = 0 AND jumlah IS NOT NULL', `f.properties -> 'aktif' = 'false'::jsonb and not ${isNull('jumlah')}`],
  ];
  it.each(cases)('%s', async (where, sql, bindings = []) => {
    const want = await fids(UJI, sql, bindings);
    expect(await ids(uji, { where })).toEqual(want);
    expect(await count(uji, { where })).toBe(want.length);
  });

  it('compares OBJECTID as the feature id, and ANDs objectIds with the where clause', async () => {
    const all = await fids(UJI, 'true');
    const mid = all[30] as number;
    expect(await ids(uji, { where: `OBJECTID > ${mid}` })).toEqual(all.slice(31));
    const some = [all[1], all[5], all[9]].join(',');
    expect(await ids(uji, { objectIds: some })).toEqual([all[1], all[5], all[9]]);
    expect(await ids(uji, { objectIds: some, where: `OBJECTID <> ${all[5]}` })).toEqual([all[1], all[9]]);
  });

  it('writes attributes under Esri names with dates as epoch milliseconds and booleans as 1/0', async () => {
    const set = await query(s, uji, { where: "nama = 'Taman 0'", outFields: '*' });
    expect(set.features).toHaveLength(1);
    const a = set.features[0]?.attributes ?? {};
    expect(a).toMatchObject({ nama: 'Taman 0', jumlah: null, luas: 0, aktif: 1, nama_jalan: null });
    expect(a.tanggal).toBe(Date.UTC(2024, 2, 1));
    expect(typeof a.OBJECTID).toBe('number');
    expect(set.features[0]?.geometry).toEqual({ x: 106.6, y: -6.2 });
    expect(set.fields.map((f) => f.name)).toEqual([
      'OBJECTID',
      'nama',
      'jumlah',
      'luas',
      'aktif',
      'tanggal',
      'nama_jalan',
    ]);
    const two = await query(s, uji, {
      where: "nama = 'Taman 0'",
      outFields: 'JUMLAH, nama_jalan',
      returnGeometry: 'false',
    });
    expect(Object.keys(two.features[0]?.attributes ?? {}).sort()).toEqual(['OBJECTID', 'jumlah', 'nama_jalan']);
    expect(two.features[0]?.geometry).toBeUndefined();
  });
});

describe('paging', () => {
  it('pages by resultOffset/resultRecordCount with exceededTransferLimit, never more than maxRecordCount', async () => {
    const all = await fids(KEL, 'true');
    expect(all.length).toBeGreaterThan(80);
    const first = await query(s, kel, { where: '1=1' });
    expect(first.features).toHaveLength(40);
    expect(first.exceededTransferLimit).toBe(true);
    const got: number[] = [];
    for (let offset = 0; ; offset += 40) {
      const page = await query(s, kel, { where: '1=1', resultOffset: String(offset), resultRecordCount: '1000' });
      got.push(...page.features.map((f) => f.attributes.OBJECTID as number));
      if (!page.exceededTransferLimit) break;
    }
    expect(got).toEqual(all);
  });

  it('orders by orderByFields (then the id) across pages', async () => {
    const { rows } = await s.db.knex.raw<{ rows: { fid: number }[] }>(
      `select f.fid from features f join layers l on l.storage_id = f.layer_id where l.slug = ?
        order by f.properties ->> 'nama' desc nulls last, f.fid`,
      [KEL],
    );
    const a = await query(s, kel, { where: '1=1', orderByFields: 'nama DESC', resultRecordCount: '25' });
    const b = await query(s, kel, {
      where: '1=1',
      orderByFields: 'NAMA desc',
      resultOffset: '25',
      resultRecordCount: '25',
    });
    expect([...a.features, ...b.features].map((f) => f.attributes.OBJECTID)).toEqual(
      rows.slice(0, 50).map((r) => r.fid),
    );
  });

  it('counts and lists ids over the whole result, past maxRecordCount', async () => {
    const all = await fids(KEL, 'true');
    expect(await count(kel, { where: '1=1' })).toBe(all.length);
    expect(await ids(kel, { where: '1=1' })).toEqual(all);
  });
});

describe('spatial filters', () => {
  const box = [106.62, -6.2, 106.66, -6.16] as const;
  const inBox = 'ST_Intersects(f.geom, ST_MakeEnvelope(?, ?, ?, ?, 4326))';

  it('selects by an envelope in 4326, as a list and as JSON, like ST_Intersects', async () => {
    const want = await fids(KEL, inBox, [...box]);
    expect(want.length).toBeGreaterThan(3);
    expect(await ids(kel, { geometry: box.join(','), geometryType: 'esriGeometryEnvelope', inSR: '4326' })).toEqual(
      want,
    );
    const json = JSON.stringify({
      xmin: box[0],
      ymin: box[1],
      xmax: box[2],
      ymax: box[3],
      spatialReference: { wkid: 4326 },
    });
    expect(await ids(kel, { geometry: json, spatialRel: 'esriSpatialRelIntersects' })).toEqual(want);
    expect(await count(kel, { geometry: json })).toBe(want.length);
  });

  it('selects by an envelope in 102100 (Web Mercator), like ST_Intersects with the box transformed', async () => {
    const [x0, y0] = mercator(box[0], box[1]) as [number, number];
    const [x1, y1] = mercator(box[2], box[3]) as [number, number];
    const want = await fids(KEL, 'ST_Intersects(f.geom, ST_Transform(ST_MakeEnvelope(?, ?, ?, ?, 3857), 4326))', [
      x0,
      y0,
      x1,
      y1,
    ]);
    expect(want).toEqual(await fids(KEL, inBox, [...box]));
    expect(await ids(kel, { geometry: [x0, y0, x1, y1].join(','), inSR: '102100' })).toEqual(want);
    expect(
      await ids(kel, {
        geometry: JSON.stringify({
          xmin: x0,
          ymin: y0,
          xmax: x1,
          ymax: y1,
          spatialReference: { wkid: 102100, latestWkid: 3857 },
        }),
      }),
    ).toEqual(want);
    expect(await ids(kel, { geometry: [x0, y0, x1, y1].join(','), inSR: '{"wkid":3857}' })).toEqual(want);
  });

  it('tests Contains (features inside the query polygon), Within (features around a point) and EnvelopeIntersects', async () => {
    // A clockwise ring (Esri's exterior) around part of the city.
    const ring = [
      [106.6, -6.22],
      [106.6, -6.15],
      [106.68, -6.15],
      [106.68, -6.22],
      [106.6, -6.22],
    ];
    const wkt = 'POLYGON((106.6 -6.22, 106.6 -6.15, 106.68 -6.15, 106.68 -6.22, 106.6 -6.22))';
    const polygon = JSON.stringify({ rings: [ring] });
    const contained = await fids(KEL, 'ST_Contains(ST_GeomFromText(?, 4326), f.geom)', [wkt]);
    expect(contained.length).toBeGreaterThan(0);
    expect(
      await ids(kel, { geometry: polygon, geometryType: 'esriGeometryPolygon', spatialRel: 'esriSpatialRelContains' }),
    ).toEqual(contained);
    const point = JSON.stringify({ x: 106.65, y: -6.18 });
    const around = await fids(KEL, 'ST_Within(ST_SetSRID(ST_MakePoint(106.65, -6.18), 4326), f.geom)');
    expect(around).toHaveLength(1);
    expect(
      await ids(kel, { geometry: point, geometryType: 'esriGeometryPoint', spatialRel: 'esriSpatialRelWithin' }),
    ).toEqual(around);
    const envelopes = await fids(KEL, 'f.geom && ST_MakeEnvelope(?, ?, ?, ?, 4326)', [...box]);
    expect(await ids(kel, { geometry: box.join(','), spatialRel: 'esriSpatialRelEnvelopeIntersects' })).toEqual(
      envelopes,
    );
  });

  it('reads a polygon with a hole: features in the hole are not inside it', async () => {
    const outer = [
      [106.55, -6.25],
      [106.55, -6.1],
      [106.75, -6.1],
      [106.75, -6.25],
      [106.55, -6.25],
    ];
    // Counter-clockwise: a hole.
    const hole = [
      [106.6, -6.22],
      [106.68, -6.22],
      [106.68, -6.15],
      [106.6, -6.15],
      [106.6, -6.22],
    ];
    const wkt =
      'POLYGON((106.55 -6.25, 106.55 -6.1, 106.75 -6.1, 106.75 -6.25, 106.55 -6.25), (106.6 -6.22, 106.68 -6.22, 106.68 -6.15, 106.6 -6.15, 106.6 -6.22))';
    const want = await fids(KEL, 'ST_Intersects(ST_GeomFromText(?, 4326), f.geom)', [wkt]);
    expect(
      await ids(kel, { geometry: JSON.stringify({ rings: [outer, hole] }), geometryType: 'esriGeometryPolygon' }),
    ).toEqual(want);
    expect(want.length).toBeLessThan((await fids(KEL, 'true')).length);
  });
});

describe('Esri geometries', () => {
  /** Each feature's coordinates as PostGIS writes them (7 decimals), by id. */
  async function coordinates(where: string, geom: string): Promise<Map<number, unknown>> {
    const { rows } = await s.db.knex.raw<{ rows: { fid: number; c: unknown }[] }>(
      `select f.fid, (ST_AsGeoJSON(${geom}, 7)::json -> 'coordinates') as c
         from features f join layers l on l.storage_id = f.layer_id where ${where} order by f.fid`,
    );
    return new Map(rows.map((r) => [r.fid, r.c]));
  }
  async function pages(service: string): Promise<FeatureSet['features']> {
    const out: FeatureSet['features'] = [];
    for (let offset = 0; ; offset += 40) {
      const page = await query(s, service, { where: '1=1', resultOffset: String(offset) });
      out.push(...page.features);
      if (!page.exceededTransferLimit) return out;
    }
  }

  it('writes every ring of every polygon part, exteriors clockwise, as rings', async () => {
    const want = await coordinates(`l.slug = '${KEL}'`, 'ST_ForcePolygonCW(ST_Multi(f.geom))');
    const got = await pages(kel);
    expect(got).toHaveLength(want.size);
    for (const f of got) {
      const parts = want.get(f.attributes.OBJECTID as number) as number[][][][];
      expect(f.geometry?.rings).toEqual(parts.flat());
    }
  });

  it('writes a multipolygon with a hole as its rings, and a multipoint as points, a one-point one as x/y', async () => {
    const auth = await adminAuth(s.db.knex, 'arcgis-shapes');
    const square = (x: number, y: number, d: number, clockwise: boolean) => {
      const v = (n: number) => Math.round(n * 1e7) / 1e7;
      const r = [
        [x, y],
        [v(x + d), y],
        [v(x + d), v(y + d)],
        [x, v(y + d)],
        [x, y],
      ];
      return clockwise ? r.reverse() : r;
    };
    const base = { agency: 'setda', theme: 'batas-wilayah', fields: [{ name: 'nama', type: 'string' }] };
    await createLayer(s, auth, { ...base, slug: 'setda-uji-arcgis-bidang', title: 'Bidang', geometryType: 'Polygon' });
    await replaceFeatures(s, auth, 'setda-uji-arcgis-bidang', [
      {
        type: 'Feature',
        properties: { nama: 'dua bagian' },
        geometry: {
          type: 'MultiPolygon',
          coordinates: [
            [square(106.6, -6.2, 0.01, false), square(106.603, -6.197, 0.004, true)],
            [square(106.62, -6.2, 0.01, false)],
          ],
        },
      },
    ]);
    const [bidang] = (await query(s, featureServer('setda', 'setda-uji-arcgis-bidang'), { where: '1=1' })).features;
    // Esri: exteriors clockwise, the hole counter-clockwise, all parts' rings in one list.
    expect(bidang?.geometry?.rings).toEqual([
      square(106.6, -6.2, 0.01, true),
      square(106.603, -6.197, 0.004, false),
      square(106.62, -6.2, 0.01, true),
    ]);
    await createLayer(s, auth, { ...base, slug: 'setda-uji-arcgis-titik', title: 'Titik', geometryType: 'Point' });
    await replaceFeatures(s, auth, 'setda-uji-arcgis-titik', [
      { type: 'Feature', properties: {}, geometry: { type: 'MultiPoint', coordinates: [[106.6, -6.2]] } },
      {
        type: 'Feature',
        properties: {},
        geometry: {
          type: 'MultiPoint',
          coordinates: [
            [106.6, -6.2],
            [106.61, -6.21],
          ],
        },
      },
    ]);
    const titik = (await query(s, featureServer('setda', 'setda-uji-arcgis-titik'), { where: '1=1' })).features;
    expect(titik.map((f) => f.geometry)).toEqual([
      { x: 106.6, y: -6.2 },
      {
        points: [
          [106.6, -6.2],
          [106.61, -6.21],
        ],
      },
    ]);
  });

  it('writes lines as paths, one per part', async () => {
    const { rows } = await s.db.knex.raw<{ rows: { slug: string; agency_code: string }[] }>(
      `select slug, agency_code from layers where geometry_type = 'LineString' and classification = 'publik'
          and feature_count > 0 order by feature_count limit 1`,
    );
    const line = rows[0];
    if (!line) throw new Error('no line layer');
    const want = await coordinates(`l.slug = '${line.slug}'`, 'ST_Multi(f.geom)');
    const got = await pages(featureServer(line.agency_code, line.slug));
    expect(got).toHaveLength(want.size);
    for (const f of got) expect(f.geometry?.paths).toEqual(want.get(f.attributes.OBJECTID as number));
  });
});

describe('output spatial reference and extents', () => {
  it('writes geometries in 102100 when outSR asks, matching PostGIS to the centimetre', async () => {
    const { rows } = await s.db.knex.raw<{ rows: { fid: number; x: number; y: number }[] }>(
      `select f.fid, ST_X(p) as x, ST_Y(p) as y from features f join layers l on l.storage_id = f.layer_id,
         lateral (select ST_StartPoint(ST_ExteriorRing(ST_GeometryN(ST_ForcePolygonCW(ST_Multi(f.geom_3857)), 1))) as p) q
        where l.slug = ? order by f.fid limit 1`,
      [KEL],
    );
    const first = rows[0];
    if (!first) throw new Error('no feature');
    const set = await query(s, kel, { objectIds: String(first.fid), outSR: '102100', outFields: '' });
    expect(set.spatialReference).toEqual({ wkid: 102100, latestWkid: 3857 });
    const rings = set.features[0]?.geometry?.rings as number[][][];
    expect(rings[0]?.[0]?.[0]).toBeCloseTo(first.x, 2);
    expect(rings[0]?.[0]?.[1]).toBeCloseTo(first.y, 2);
    expect(Object.keys(set.features[0]?.attributes ?? {})).toEqual(['OBJECTID']);
  });

  it('answers returnExtentOnly (with the count too) in 4326 and in 102100', async () => {
    const { rows } = await s.db.knex.raw<{
      rows: { x0: number; y0: number; x1: number; y1: number; m0: number; m1: number; n: number }[];
    }>(
      `select ST_XMin(e) as x0, ST_YMin(e) as y0, ST_XMax(e) as x1, ST_YMax(e) as y1, ST_XMin(m) as m0, ST_YMax(m) as m1, n
         from (select ST_Extent(f.geom) as e, ST_Extent(f.geom_3857) as m, count(*)::int as n
                 from features f join layers l on l.storage_id = f.layer_id where l.slug = ? and (f.properties ->> 'nama') like 'P%') s`,
      [KEL],
    );
    const want = rows[0];
    if (!want) throw new Error('no extent');
    const a = await query<{ extent: Record<string, number>; count: number }>(s, kel, {
      where: "nama LIKE 'P%'",
      returnExtentOnly: 'true',
      returnCountOnly: 'true',
    });
    expect(a.count).toBe(want.n);
    expect(a.extent).toMatchObject({ spatialReference: { wkid: 4326, latestWkid: 4326 } });
    expect(a.extent.xmin).toBeCloseTo(want.x0, 9);
    expect(a.extent.ymax).toBeCloseTo(want.y1, 9);
    const m = await query<{ extent: Record<string, number> }>(s, kel, {
      where: "nama LIKE 'P%'",
      returnExtentOnly: 'true',
      outSR: '102100',
    });
    expect(m.extent.xmin).toBeCloseTo(want.m0, 3);
    expect(m.extent.ymax).toBeCloseTo(want.m1, 3);
    const g = await query<{ bbox: number[] }>(s, kel, {
      where: "nama LIKE 'P%'",
      returnExtentOnly: 'true',
      f: 'geojson',
    });
    expect(g.bbox[0]).toBeCloseTo(want.x0, 9);
    const none = await query<{ extent: unknown }>(s, kel, { where: '1=0', returnExtentOnly: 'true' });
    expect(none.extent).toBeNull();
  });
});

describe('formats and methods', () => {
  it('answers f=geojson as a FeatureCollection with the same attributes as properties', async () => {
    const res = await s.get(`${uji}/0/query?where=${encodeURIComponent("nama = 'Pasar 1'")}&outFields=*&f=geojson`);
    expect(res.headers.get('content-type')).toMatch(/^application\/geo\+json/);
    const fc = (await res.json()) as {
      type: string;
      features: {
        id: number;
        geometry: { type: string; coordinates: number[] };
        properties: Record<string, unknown>;
      }[];
    };
    expect(fc.type).toBe('FeatureCollection');
    expect(fc.features[0]?.geometry).toEqual({ type: 'Point', coordinates: [106.61, -6.2] });
    expect(fc.features[0]?.properties).toMatchObject({ nama: 'Pasar 1', jumlah: 1, OBJECTID: fc.features[0]?.id });
  });

  it('answers a POSTed form as it answers the same GET, and f=pjson indented', async () => {
    const params = {
      where: "nama LIKE 'Taman%' AND jumlah > 10",
      outFields: 'nama,jumlah',
      orderByFields: 'jumlah DESC',
      f: 'json',
    };
    const get = await query(s, uji, params);
    const res = await s.get(`${uji}/0/query`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(params).toString(),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(await res.json()).toEqual(get);
    const pretty = await (await s.get(`${uji}/0/query?where=1%3D1&resultRecordCount=1&f=pjson`)).text();
    expect(pretty).toContain('\n  "objectIdFieldName": "OBJECTID"');
  });

  it('pages a layer of exactly maxRecordCount features without a false exceededTransferLimit', async () => {
    const page = await query(s, uji, { where: 'OBJECTID > 0', resultRecordCount: String(UJI_COUNT) });
    expect(page.features).toHaveLength(40);
    expect(page.exceededTransferLimit).toBe(true);
    const rest = await query(s, uji, { where: 'OBJECTID > 0', resultOffset: '40' });
    expect(rest.features).toHaveLength(UJI_COUNT - 40);
    expect(rest.exceededTransferLimit).toBe(false);
  });
});
