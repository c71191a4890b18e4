import { beforeAll, describe, expect, it } from 'vitest';
import {
  createUjiLayer,
  featureServer,
  query,
  UJI,
  UJI_COUNT,
  type ArcgisError,
  type FeatureSet,
} from './support/arcgis.js';
import { adminAuth } from './support/layers.js';
import { useTestServer } from './support/use-test-server.js';

// Its own database copy: it adds a layer and changes its style.
const s = useTestServer({ writable: true });
const KEL = 'batas-kelurahan-kota-tangerang';
let auth: Record<string, string> = {};
const uji = featureServer('setda', UJI);

beforeAll(async () => {
  auth = await adminAuth(s.db.knex, 'arcgis');
  await createUjiLayer(s, auth);
});

async function arc<T>(path: string, init?: RequestInit): Promise<T> {
  const res = await s.get(path, init);
  expect(res.status, path).toBe(200);
  expect(res.headers.get('content-type'), path).toMatch(/^application\/json/);
  return (await res.json()) as T;
}

const agencyOf = async (slug: string) =>
  (await s.db.knex('layers').where('slug', slug).first<{ agency_code: string }>('agency_code'))?.agency_code ?? '';

describe('the services directory', () => {
  it('answers /info with the version and how tokens are sent', async () => {
    const info = await arc<{ currentVersion: number; authInfo: { isTokenBasedSecurity: boolean } }>(
      '/arcgis/rest/info?f=json',
    );
    expect(info.currentVersion).toBeGreaterThanOrEqual(10.3);
    expect(info.authInfo.isTokenBasedSecurity).toBe(false);
  });

  it('lists one folder per agency with a visible layer, and in it one FeatureServer per layer', async () => {
    const root = await arc<{ folders: string[]; services: unknown[] }>('/arcgis/rest/services?f=json');
    const { rows } = await s.db.knex.raw<{ rows: { code: string }[] }>(
      "select distinct agency_code as code from layers where classification = 'publik' order by 1",
    );
    expect(root.folders).toEqual(rows.map((r) => r.code).sort());
    expect(root.services).toEqual([]);
    const setda = await arc<{ services: { name: string; type: string }[] }>('/arcgis/rest/services/setda?f=pjson');
    expect(setda.services).toContainEqual({ name: `setda/${UJI}`, type: 'FeatureServer' });
    expect(setda.services.every((x) => x.name.startsWith('setda/') && x.type === 'FeatureServer')).toBe(true);
  });

  it('describes a FeatureServer: its one layer, spatial reference, extent, capabilities and page size', async () => {
    const folder = await agencyOf(KEL);
    const title = (await s.db.knex('layers').where('slug', KEL).first<{ title: string }>('title'))?.title;
    const svc = await arc<Record<string, unknown>>(`${featureServer(folder, KEL)}?f=json`);
    expect(svc).toMatchObject({
      capabilities: 'Query',
      supportedQueryFormats: 'JSON, geoJSON',
      maxRecordCount: 10_000,
      spatialReference: { wkid: 4326, latestWkid: 4326 },
      layers: [{ id: 0, name: title, geometryType: 'esriGeometryPolygon' }],
      tables: [],
    });
    const { rows } = await s.db.knex.raw<{ rows: { x0: number; y1: number }[] }>(
      'select ST_XMin(extent) as x0, ST_YMax(extent) as y1 from layers where slug = ?',
      [KEL],
    );
    const full = svc.fullExtent as Record<string, number>;
    expect(full.xmin).toBeCloseTo(rows[0]?.x0 ?? 0, 6);
    expect(full.ymax).toBeCloseTo(rows[0]?.y1 ?? 0, 6);
  });

  it('describes layer 0: typed fields with aliases, the object id, geometry type, extent and what queries can do', async () => {
    const layer = await arc<Record<string, unknown>>(`${uji}/0?f=json`);
    expect(layer).toMatchObject({
      id: 0,
      type: 'Feature Layer',
      geometryType: 'esriGeometryPoint',
      objectIdField: 'OBJECTID',
      displayField: 'nama',
      hasAttachments: false,
      capabilities: 'Query',
      supportsPagination: true,
      supportsStatistics: false,
      hasZ: false,
      advancedQueryCapabilities: {
        supportsPagination: true,
        supportsOrderBy: true,
        supportsReturningQueryExtent: true,
        supportsStatistics: false,
        supportsDistinct: false,
      },
      extent: { xmin: 106.6, ymin: -6.2, xmax: 106.69, spatialReference: { wkid: 4326 } },
    });
    const fields = (layer.fields as { name: string; type: string; alias: string }[]).map((f) => [
      f.name,
      f.type,
      f.alias,
    ]);
    expect(fields).toEqual([
      ['OBJECTID', 'esriFieldTypeOID', 'OBJECTID'],
      ['nama', 'esriFieldTypeString', 'nama'],
      ['jumlah', 'esriFieldTypeInteger', 'jumlah'],
      ['luas', 'esriFieldTypeDouble', 'luas'],
      ['aktif', 'esriFieldTypeSmallInteger', 'aktif'],
      ['tanggal', 'esriFieldTypeDate', 'tanggal'],
      ['nama_jalan', 'esriFieldTypeString', 'nama jalan'],
    ]);
    expect((layer.extent as { ymax: number }).ymax).toBeCloseTo(-6.15, 9);
    expect(await arc(`${uji}/layers`)).toEqual({ layers: [layer], tables: [] });
  });
});

describe('drawingInfo from the stored style', () => {
  const putStyle = async (body: unknown) => {
    const res = await s.get(`/api/layers/${UJI}/style`, {
      method: 'PUT',
      headers: { ...auth, 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(res.status, await res.clone().text()).toBe(200);
  };
  const renderer = async () =>
    (await arc<{ drawingInfo: { renderer: Record<string, unknown>; labelingInfo: unknown } }>(`${uji}/0`)).drawingInfo;

  it('turns a single symbol into a simple renderer in the style colour', async () => {
    await putStyle({ kind: 'single', color: '#ff8800', radius: 6 });
    const { renderer: r } = await renderer();
    expect(r).toMatchObject({
      type: 'simple',
      symbol: { type: 'esriSMS', style: 'esriSMSCircle', color: [255, 136, 0, 255], size: 9 },
    });
  });

  it('turns categories into a uniqueValue renderer and classes into a classBreaks renderer, with the label', async () => {
    await putStyle({
      kind: 'categorized',
      property: 'aktif',
      classes: [
        { value: true, label: 'Aktif', color: '#00aa00' },
        { value: false, label: 'Tidak', color: '#aa0000' },
      ],
      color: '#999999',
      label: { property: 'nama jalan' },
    });
    const a = await renderer();
    expect(a.renderer).toMatchObject({
      type: 'uniqueValue',
      field1: 'aktif',
      defaultLabel: 'Lainnya',
      defaultSymbol: { color: [153, 153, 153, 255] },
      uniqueValueInfos: [
        { value: '1', label: 'Aktif', symbol: { color: [0, 170, 0, 255] } },
        { value: '0', label: 'Tidak', symbol: { color: [170, 0, 0, 255] } },
      ],
    });
    expect(a.labelingInfo).toMatchObject([{ labelExpressionInfo: { expression: '$feature["nama_jalan"]' } }]);
    await putStyle({
      kind: 'graduated',
      property: 'luas',
      classes: [
        { min: 0, max: 2, color: '#ffffcc' },
        { min: 2, max: 4, color: '#fd8d3c' },
        { min: 4, max: 6, color: '#bd0026' },
      ],
    });
    const g = await renderer();
    expect(g.renderer).toMatchObject({
      type: 'classBreaks',
      field: 'luas',
      minValue: 0,
      classBreakInfos: [
        { classMinValue: 0, classMaxValue: 2, symbol: { color: [255, 255, 204, 255] } },
        { classMinValue: 2, classMaxValue: 4 },
        { classMinValue: 4, classMaxValue: 6 },
      ],
    });
  });
});

describe('restricted layers', () => {
  it('answers a hidden layer as missing to anonymous callers, and serves it with a token as parameter or header', async () => {
    const slug = s.terbatas;
    const folder = await agencyOf(slug);
    const svc = featureServer(folder, slug);
    for (const path of [svc, `${svc}/0`, `${svc}/0/query?where=1%3D1`]) {
      const body = await arc<ArcgisError>(path);
      expect(body.error).toMatchObject({ code: 404, messageCode: 'service_not_found' });
    }
    const listed = await arc<{ services?: { name: string }[]; error?: unknown }>(`/arcgis/rest/services/${folder}`);
    expect((listed.services ?? []).map((x) => x.name)).not.toContain(`${folder}/${slug}`);

    const token = (auth.Authorization ?? '').replace('Bearer ', '');
    const { rows } = await s.db.knex.raw<{ rows: { n: number }[] }>(
      'select count(*)::int as n from features f join layers l on l.storage_id = f.layer_id where l.slug = ?',
      [slug],
    );
    const counted = (body: { count: number }) => expect(body.count).toBe(rows[0]?.n);
    counted(await arc(`${svc}/0/query?where=1%3D1&returnCountOnly=true&token=${token}`));
    counted(await arc(`${svc}/0/query?where=1%3D1&returnCountOnly=true`, { headers: auth }));
    counted(
      await arc(`${svc}/0/query`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: `where=1%3D1&returnCountOnly=true&token=${token}`,
      }),
    );
    const res = await s.get(`${svc}/0/query?where=1%3D1&returnCountOnly=true&token=${token}`);
    expect(res.headers.get('cache-control')).toMatch(/private/);
    const wrong = await arc<ArcgisError>(`${svc}/0?token=00000000000000000000`);
    expect(wrong.error).toMatchObject({ code: 498, messageCode: 'invalid_token' });
  });
});

describe('bad requests answer the ArcGIS error shape, and the server keeps serving', () => {
  const envelope = (o: Record<string, unknown>) => JSON.stringify(o);
  const cases: [Record<string, string>, string, RegExp][] = [
    [{ where: "nama = 'a' AND" }, 'invalid_filter', /^where: .*clause ended \(at character 15\)/],
    [{ where: 'tidak_ada = 1' }, 'invalid_filter', /"tidak_ada" is not a field of this layer. Fields: OBJECTID, nama/],
    [{ where: '1=1; drop table features' }, 'invalid_filter', /";" is not allowed/],
    [{ where: "nama = 'x'; delete from layers --" }, 'invalid_filter', /";" is not allowed/],
    [{ where: "nama = 'x' OR 1=1 --" }, 'invalid_filter', /Comments/],
    [{ where: '1=1) OR (1=1' }, 'invalid_filter', /Unexpected "\)"/],
    [{ where: 'jumlah = luas' }, 'invalid_filter', /two fields/],
    [{ where: "jumlah > 'lima'" }, 'invalid_filter', /jumlah is a number field/],
    [{ where: 'pg_sleep(10) = 1' }, 'invalid_filter', /Functions/],
    [{ geometry: '{"xmin":' }, 'invalid_parameter', /geometry: not valid Esri JSON/],
    [{ geometry: '{"foo":1}' }, 'invalid_parameter', /none of xmin, x, points, paths or rings/],
    [{ geometry: '106.7,-6.1,106.6,-6.2' }, 'invalid_parameter', /minimum exceeds its maximum/],
    [{ geometry: '1,2,3' }, 'invalid_parameter', /3 numbers do not make a geometry/],
    [
      {
        geometry: envelope({
          rings: [
            [
              [200, 0],
              [200, 1],
              [201, 1],
              [200, 0],
            ],
          ],
        }),
      },
      'invalid_parameter',
      /outside longitude/,
    ],
    [
      {
        geometry: envelope({
          rings: [
            [
              [0, 0],
              [1, 1],
            ],
          ],
        }),
      },
      'invalid_parameter',
      /needs at least 4 positions/,
    ],
    [{ geometry: envelope({ paths: 'x' }) }, 'invalid_parameter', /paths must be a non-empty array/],
    [
      { geometry: envelope({ x: 1, y: 2 }), geometryType: 'esriGeometryEnvelope' },
      'invalid_parameter',
      /is an esriGeometryPoint but geometryType says esriGeometryEnvelope/,
    ],
    [{ geometry: '1,2', geometryType: 'esriGeometryCircle' }, 'invalid_parameter', /not a geometry type/],
    [{ geometry: '106,-7,107,-6', inSR: '2154' }, 'unknown_crs', /inSR 2154 is not offered/],
    [
      { geometry: envelope({ xmin: 0, ymin: 0, xmax: 1, ymax: 1, spatialReference: { wkid: 32748 } }) },
      'unknown_crs',
      /geometry.spatialReference/,
    ],
    [{ outSR: 'abc' }, 'unknown_crs', /outSR abc/],
    [{ outSR: '{"wkt":"GEOGCS[]"}' }, 'unknown_crs', /outSR/],
    [{ geometry: '106,-7,107,-6', spatialRel: 'esriSpatialRelNearby' }, 'invalid_parameter', /not a spatial relation/],
    [{ geometry: '106,-7,107,-6', spatialRel: 'esriSpatialRelRelation' }, 'parameter_not_supported', /Relation/],
    [{ outFields: 'nama,tidak_ada' }, 'unknown_property', /outFields: the layer has no field "tidak_ada"/],
    [{ orderByFields: 'tidak_ada DESC' }, 'unknown_property', /orderByFields/],
    [{ objectIds: '1,a' }, 'invalid_parameter', /objectIds/],
    [{ resultOffset: '-1' }, 'invalid_parameter', /resultOffset must be a whole number/],
    [{ returnCountOnly: 'maybe' }, 'invalid_parameter', /returnCountOnly must be true or false/],
    [{ outStatistics: '[{"statisticType":"count"}]' }, 'parameter_not_supported', /outStatistics is not supported/],
    [{ returnDistinctValues: 'true' }, 'parameter_not_supported', /returnDistinctValues/],
    [{ quantizationParameters: '{"tolerance":1}' }, 'parameter_not_supported', /quantizationParameters/],
    [{ f: 'pbf' }, 'parameter_not_supported', /f=pbf is not offered/],
    [{ f: 'xml' }, 'invalid_parameter', /f must be json, pjson or geojson/],
  ];

  it.each(cases)('%j → %s', async (params, code, message) => {
    const body = await query<ArcgisError>(s, uji, params);
    expect(body.error.code).toBe(400);
    expect(body.error.messageCode).toBe(code);
    expect(body.error.message).toMatch(message);
    expect(Array.isArray(body.error.details)).toBe(true);
  });

  it('takes a long POSTed where clause, up to a bound that keeps every value bindable', async () => {
    const post = async (where: string) => {
      const res = await s.get(`${uji}/0/query`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ where, returnCountOnly: 'true' }).toString(),
      });
      expect(res.status).toBe(200);
      return (await res.json()) as { count?: number } & Partial<ArcgisError>;
    };
    const list = (n: number) => `jumlah IN (${Array.from({ length: n }, (_, i) => i).join(',')})`;
    expect((await post(list(8_000))).count).toBe(UJI_COUNT - Math.ceil(UJI_COUNT / 7));
    expect((await post(list(20_000))).error).toMatchObject({ code: 400, messageCode: 'invalid_filter' });
    expect((await post(Array.from({ length: 3_000 }, (_, i) => `jumlah=${i}`).join(' OR '))).count).toBeGreaterThan(0);
  });

  it('answers missing folders, services, layers and paths as ArcGIS 404s', async () => {
    for (const path of [
      '/arcgis/rest/services/tidak-ada',
      featureServer('tidak-ada', UJI),
      featureServer('setda', 'setda-tidak-ada'),
      `${uji}/1`,
      `${uji}/1/query?where=1%3D1`,
      '/arcgis/rest/services/setda/x/MapServer',
      '/arcgis/rest/admin',
    ]) {
      const body = await arc<ArcgisError>(path);
      expect(body.error, path).toMatchObject({ code: 404, messageCode: 'service_not_found' });
    }
  });

  it('reads a quoted injection as a value, draws nothing from a bow-tie polygon it cannot fail on, and keeps serving', async () => {
    const before = await s.db.knex('features').count<{ n: string }[]>('* as n');
    const value = await query(s, uji, { where: "nama = ''' OR ''1''=''1'" });
    expect(value.features).toEqual([]);
    const bowtie = JSON.stringify({
      rings: [
        [
          [106.6, -6.2],
          [106.7, -6.1],
          [106.7, -6.2],
          [106.6, -6.1],
          [106.6, -6.2],
        ],
      ],
    });
    for (const spatialRel of ['esriSpatialRelIntersects', 'esriSpatialRelContains', 'esriSpatialRelWithin']) {
      const res = await s.get(`${uji}/0/query?${new URLSearchParams({ geometry: bowtie, spatialRel })}`);
      expect(res.status, spatialRel).toBe(200);
    }
    expect(await s.db.knex('features').count<{ n: string }[]>('* as n')).toEqual(before);
    const all = await query<{ count: number }>(s, uji, { where: '1=1', returnCountOnly: 'true' });
    expect(all.count).toBe(UJI_COUNT);
    const page = await query<FeatureSet>(s, uji, { where: '1=1', resultRecordCount: '5' });
    expect(page.features).toHaveLength(5);
  });
});
