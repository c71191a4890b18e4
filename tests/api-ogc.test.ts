import { describe, expect, it } from 'vitest';
import { useTestServer } from './support/use-test-server.js';

interface Link {
  rel: string;
  href: string;
  type: string;
}
interface Items {
  type: string;
  numberMatched: number;
  numberReturned: number;
  timeStamp: string;
  links: Link[];
  features: { id: number; properties: Record<string, unknown> }[];
}

const s = useTestServer();

const KEL = 'batas-kelurahan-kota-tangerang';

describe('OGC API Features', () => {
  it('has a landing page linking conformance and data, and declares core and GeoJSON', async () => {
    const landing = await s.json<{ links: Link[] }>('/ogc');
    expect(landing.body.links.map((l) => l.rel)).toEqual(expect.arrayContaining(['self', 'conformance', 'data']));
    const conf = await s.json<{ conformsTo: string[] }>('/ogc/conformance');
    expect(conf.body.conformsTo).toEqual(
      expect.arrayContaining([
        'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core',
        'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson',
      ]),
    );
  });

  it('lists one collection per visible layer, with CRS84 extents and items links, and no terbatas layer', async () => {
    const { body } = await s.json<{
      collections: { id: string; extent: { spatial: { bbox: number[][]; crs: string } }; links: Link[] }[];
    }>('/ogc/collections');
    const visible = await s.json<{ total: number }>('/api/layers?limit=1');
    expect(body.collections).toHaveLength(visible.body.total);
    expect(body.collections.map((c) => c.id)).not.toContain(s.terbatas);
    const kel = body.collections.find((c) => c.id === KEL);
    expect(kel?.extent.spatial.crs).toBe('http://www.opengis.net/def/crs/OGC/1.3/CRS84');
    expect(kel?.links.find((l) => l.rel === 'items')?.type).toBe('application/geo+json');
  });

  it('answers a terbatas or unknown collection with 404 on every path', async () => {
    for (const p of [
      `/ogc/collections/${s.terbatas}`,
      `/ogc/collections/${s.terbatas}/items`,
      `/ogc/collections/${s.terbatas}/items/1`,
      '/ogc/collections/tidak-ada/items',
    ]) {
      const res = await s.get(p);
      expect(res.status).toBe(404);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('collection_not_found');
    }
  });

  it('pages through a whole collection by next links until the count equals numberMatched', async () => {
    const n = Number(
      (
        await s.db
          .knex('features as f')
          .join('layers as l', 'l.storage_id', 'f.layer_id')
          .where('l.slug', KEL)
          .count<{ c: string }[]>('* as c')
      )[0]?.c,
    );
    let next: string | undefined = `/ogc/collections/${KEL}/items?limit=25`;
    const ids = new Set<number>();
    let matched = -1;
    while (next) {
      const page: Items = (await (await s.get(next.replace(s.url, ''))).json()) as Items;
      matched = page.numberMatched;
      expect(page.numberReturned).toBe(page.features.length);
      for (const f of page.features) ids.add(f.id);
      next = page.links.find((l) => l.rel === 'next')?.href;
    }
    expect(matched).toBe(n);
    expect(ids.size).toBe(n);
  });

  it('defaults to 10 items, clamps large limits, and filters by bbox (4 or 6 numbers) and by a queryable property', async () => {
    const first = await s.json<Items>(`/ogc/collections/${KEL}/items`);
    expect(first.body.numberReturned).toBe(10);
    expect(Date.parse(first.body.timeStamp)).not.toBeNaN();
    const all = await s.json<Items>(`/ogc/collections/${KEL}/items?limit=50000`);
    expect(all.status).toBe(200);
    expect(all.body.numberReturned).toBe(all.body.numberMatched);
    const box = await s.json<Items>(`/ogc/collections/${KEL}/items?bbox=106.655,-6.126,106.656,-6.125`);
    const box6 = await s.json<Items>(`/ogc/collections/${KEL}/items?bbox=106.655,-6.126,0,106.656,-6.125,100`);
    expect(box.body.features.map((f) => f.properties.nama)).toContain('Pajang');
    expect(box6.body.numberMatched).toBe(box.body.numberMatched);
    const pajang = await s.json<Items>(`/ogc/collections/${KEL}/items?nama=Pajang`);
    expect(pajang.body.numberMatched).toBe(1);
    expect(pajang.body.features[0]?.properties.kode).toBe('36.71.04.1004');
  });

  it('links back with prev links that page to the start, and to the same page as HTML', async () => {
    const first = await s.json<Items>(`/ogc/collections/${KEL}/items?limit=20`);
    expect(first.body.links.find((l) => l.rel === 'prev')).toBeUndefined();
    expect(first.body.links.find((l) => l.rel === 'alternate')?.type).toBe('text/html');
    const second = (await (
      await s.get((first.body.links.find((l) => l.rel === 'next')?.href ?? '').replace(s.url, ''))
    ).json()) as Items;
    const third = (await (
      await s.get((second.links.find((l) => l.rel === 'next')?.href ?? '').replace(s.url, ''))
    ).json()) as Items;
    const back = (await (
      await s.get((third.links.find((l) => l.rel === 'prev')?.href ?? '').replace(s.url, ''))
    ).json()) as Items;
    expect(back.features.map((f) => f.id)).toEqual(second.features.map((f) => f.id));
    const start = (await (
      await s.get((second.links.find((l) => l.rel === 'prev')?.href ?? '').replace(s.url, ''))
    ).json()) as Items;
    expect(start.features.map((f) => f.id)).toEqual(first.body.features.map((f) => f.id));
  });

  it("filters by datetime against the layer's date field (instants and open or closed intervals)", async () => {
    const { body: list } = await s.json<{ items: { id: string }[] }>(
      '/api/layers?q=titik%20banjir%20genangan&agency=bpbd&limit=1',
    );
    const layer = list.items[0]?.id ?? '';
    const all = (await s.json<Items>(`/ogc/collections/${layer}/items?limit=1000`)).body.features;
    const dates = all.map((f) => String(f.properties.tanggal)).sort();
    const mid = dates[Math.floor(dates.length / 2)] ?? '';
    const cases: [string, (d: string) => boolean][] = [
      [mid, (d) => d === mid],
      [`../${mid}`, (d) => d <= mid],
      [`${mid}/..`, (d) => d >= mid],
      [`${dates[0]}/${mid}`, (d) => d >= (dates[0] ?? '') && d <= mid],
      [`${mid}T00:00:00Z/..`, (d) => d >= mid],
      // What GDAL 3.6 sends for a date: a trailing T and no time.
      [`${mid}T/..`, (d) => d >= mid],
      ['../..', () => true],
      [`/${mid}`, (d) => d <= mid],
    ];
    for (const [dt, keep] of cases) {
      const page = (
        await s.json<Items>(`/ogc/collections/${layer}/items?limit=1000&datetime=${encodeURIComponent(dt)}`)
      ).body;
      expect(page.numberMatched).toBe(dates.filter(keep).length);
    }
    const bad = await s.json<{ error: { code: string } }>(`/ogc/collections/${layer}/items?datetime=kemarin`);
    expect(bad.status).toBe(400);
    const backwards = await s.json<{ error: { code: string } }>(
      `/ogc/collections/${layer}/items?datetime=2024-02-01/2024-01-01`,
    );
    expect(backwards.status).toBe(400);
  });

  it('matches no feature by datetime in a collection without time, and advertises a temporal extent only where the data has time', async () => {
    const noTime = await s.json<Items>(`/ogc/collections/${KEL}/items?datetime=2024-01-01`);
    expect(noTime.status).toBe(200);
    expect(noTime.body.numberMatched).toBe(0);
    const kel = await s.json<{ extent: { temporal?: unknown } }>(`/ogc/collections/${KEL}`);
    expect(kel.body.extent.temporal).toBeUndefined();
    const { body: list } = await s.json<{ items: { id: string }[] }>(
      '/api/layers?q=titik%20banjir%20genangan&agency=bpbd&limit=1',
    );
    const layer = list.items[0]?.id ?? '';
    const dates = (await s.json<Items>(`/ogc/collections/${layer}/items?limit=1000`)).body.features
      .map((f) => String(f.properties.tanggal))
      .sort();
    const timed = await s.json<{ extent: { temporal: { interval: string[][] } } }>(`/ogc/collections/${layer}`);
    expect(timed.body.extent.temporal.interval[0]).toEqual([`${dates[0]}T00:00:00Z`, `${dates.at(-1)}T23:59:59Z`]);
  });

  it('returns one item with self, alternate and collection links, and describes queryables as JSON Schema with the geometry', async () => {
    const item = await s.json<{ type: string; id: number; links: Link[] }>(`/ogc/collections/${KEL}/items/3`);
    expect(item.body).toMatchObject({ type: 'Feature', id: 3 });
    expect(item.body.links.map((l) => [l.rel, l.type])).toEqual([
      ['self', 'application/geo+json'],
      ['alternate', 'text/html'],
      ['collection', 'application/json'],
    ]);
    expect(item.body.links[0]?.href).toBe(`${s.url}/ogc/collections/${KEL}/items/3`);
    const q = await s.json<{
      type: string;
      additionalProperties: boolean;
      properties: Record<string, { type?: string; format?: string; 'x-ogc-role'?: string }>;
    }>(`/ogc/collections/${KEL}/queryables`);
    expect(q.body.properties.nama?.type).toBe('string');
    expect(q.body.properties.luas_km2?.type).toBe('number');
    expect(q.body.properties.geometry).toMatchObject({
      format: 'geometry-polygon-or-multipolygon',
      'x-ogc-role': 'primary-geometry',
    });
    expect(q.body.additionalProperties).toBe(false);
  });

  it('renders every resource as an HTML page for a browser, with escaped text and links that stay HTML', async () => {
    for (const p of [
      '/ogc?f=html',
      '/ogc/conformance?f=html',
      '/ogc/collections?f=html',
      `/ogc/collections/${KEL}?f=html`,
      `/ogc/collections/${KEL}/items?f=html&limit=5`,
      `/ogc/collections/${KEL}/items/3?f=html`,
    ]) {
      const res = await s.get(p);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/text\/html/);
      const html = await res.text();
      expect(html).toMatch(/^<!doctype html>/);
      expect(html).not.toMatch(/<script/i);
    }
    const items = await (await s.get(`/ogc/collections/${KEL}/items?f=html&nama=Pajang`)).text();
    expect(items).toContain('<td>Pajang</td>');
    const browser = await s.get('/ogc/collections', { headers: { Accept: 'text/html,application/xhtml+xml' } });
    expect(browser.headers.get('content-type')).toMatch(/text\/html/);
    const missing = await s.get('/ogc/collections/tidak-ada?f=html');
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain('collection_not_found');
  });

  it('links an OpenAPI 3.0 document of /ogc that OGC clients read: relative paths, shared parameters, queryables per collection', async () => {
    const landing = await s.json<{ links: Link[] }>('/ogc');
    const desc = landing.body.links.find((l) => l.rel === 'service-desc');
    expect(desc?.type).toBe('application/vnd.oai.openapi+json;version=3.0');
    type Param = { name?: string; in?: string; $ref?: string; schema?: Record<string, unknown> };
    const res = await s.get((desc?.href ?? '').replace(s.url, ''));
    expect(res.headers.get('content-type')).toContain('version=3.0');
    const doc = (await res.json()) as {
      openapi: string;
      servers: { url: string }[];
      components: { parameters: Record<string, Param> };
      paths: Record<string, { get: { parameters: Param[] } }>;
    };
    expect(doc.openapi).toMatch(/^3\.0/);
    expect(doc.servers[0]?.url).toBe(`${s.url}/ogc`);
    const items = doc.paths['/collections/{collectionId}/items']?.get.parameters ?? [];
    expect(items.map((p) => p.$ref)).toEqual(
      expect.arrayContaining([
        '#/components/parameters/limit',
        '#/components/parameters/bbox',
        '#/components/parameters/datetime',
        '#/components/parameters/filter',
        '#/components/parameters/filter-lang',
        '#/components/parameters/bbox-crs',
        '#/components/parameters/filter-crs',
        '#/components/parameters/sortby',
      ]),
    );
    expect(doc.components.parameters.limit?.schema).toMatchObject({ maximum: 10_000, default: 10 });
    expect(doc.components.parameters['filter-lang']?.schema?.enum).toEqual(['cql2-text', 'cql2-json']);
    const kel = doc.paths[`/collections/${KEL}/items`]?.get.parameters ?? [];
    expect(kel.filter((p) => p.in === 'query').map((p) => p.name)).toEqual(
      expect.arrayContaining(['nama', 'kode', 'luas_km2']),
    );
    expect(doc.paths[`/collections/${s.terbatas}/items`]).toBeUndefined();
  });

  it('describes the /api in its own OpenAPI 3.0 document generated from the request schemas', async () => {
    type Op = {
      parameters: { name: string; required?: boolean; schema: Record<string, unknown> }[];
      security?: unknown[];
      requestBody?: { content: Record<string, { schema?: { required?: string[] } }> };
    };
    const doc = await s.json<{ openapi: string; paths: Record<string, { get: Op; post?: Op; patch?: Op }> }>(
      '/api/openapi.json',
    );
    expect(doc.body.openapi).toMatch(/^3\.0/);
    for (const p of [
      '/api/layers',
      '/api/layers/{id}/features',
      '/tiles/{layers}/{z}/{x}/{y}.mvt',
      '/api/3/action/package_search',
    ]) {
      expect(doc.body.paths[p]).toBeDefined();
    }
    const search = doc.body.paths['/api/layers']?.get.parameters ?? [];
    expect(search.find((p) => p.name === 'geometryType')?.schema.enum).toEqual(['Point', 'LineString', 'Polygon']);
    expect(search.find((p) => p.name === 'q')?.schema.maxLength).toBe(200);
    const features = doc.body.paths['/api/layers/{id}/features']?.get.parameters.map((p) => p.name);
    expect(features).toEqual(expect.arrayContaining(['bbox', 'filter', 'sortby', 'offset', 'datetime']));
    const upload = doc.body.paths['/api/layers/{id}/features']?.post;
    expect(upload?.security).toEqual([{ bearer: [] }]);
    expect(upload?.parameters.find((p) => p.name === 'mode')).toMatchObject({
      required: true,
      schema: { enum: ['replace', 'append'] },
    });
    expect(doc.body.paths['/api/layers']?.post?.requestBody?.content['application/json']?.schema?.required).toEqual(
      expect.arrayContaining(['slug', 'title', 'agency', 'theme', 'geometryType']),
    );
  });

  it('offers each collection as vector tiles in WebMercatorQuad (OGC API Tiles), from the same tile engine', async () => {
    const tms = await s.json<{ tileMatrices: { id: string; matrixWidth: number; scaleDenominator: number }[] }>(
      '/ogc/tileMatrixSets/WebMercatorQuad',
    );
    expect(tms.body.tileMatrices).toHaveLength(23);
    expect(tms.body.tileMatrices[12]).toMatchObject({ id: '12', matrixWidth: 4096 });
    const sets = await s.json<{ tilesets: { dataType: string; links: { rel: string; href: string }[] }[] }>(
      `/ogc/collections/${KEL}/tiles`,
    );
    const template = sets.body.tilesets[0]?.links.find((l) => l.rel === 'item')?.href ?? '';
    expect(sets.body.tilesets[0]?.dataType).toBe('vector');
    // tileMatrix/tileRow/tileCol = z/y/x: the airport tile at z12 is x 3261, y 2117.
    const ogc = await s.get(
      template
        .replace(s.url, '')
        .replace('{tileMatrix}', '12')
        .replace('{tileRow}', '2117')
        .replace('{tileCol}', '3261'),
    );
    const xyz = await s.get(`/tiles/${KEL}/12/3261/2117.mvt`);
    expect(ogc.status).toBe(200);
    expect(ogc.headers.get('content-type')).toBe('application/vnd.mapbox-vector-tile');
    expect(new Uint8Array(await ogc.arrayBuffer())).toEqual(new Uint8Array(await xyz.arrayBuffer()));
    const hidden = await s.get(`/ogc/collections/${s.terbatas}/tiles/WebMercatorQuad/12/2117/3261`);
    expect(hidden.status).toBe(404);
  });

  it.each([
    [`/ogc/collections/${KEL}/tiles/WorldCRS84Quad/12/2117/3261`, 404, 'tile_matrix_set_not_found'],
    [`/ogc/collections/${KEL}/tiles/WebMercatorQuad/12/5000/3261`, 400, 'tile_out_of_range'],
    [`/ogc/collections/${KEL}/items?warna=merah`, 400, 'unknown_parameter'],
    [`/ogc/collections/${KEL}/items?limit=0`, 400, 'invalid_parameter'],
    [`/ogc/collections/${KEL}/items?limit=abc`, 400, 'invalid_parameter'],
    [`/ogc/collections/${KEL}/items?bbox=1,2,3`, 400, 'invalid_bbox'],
    [`/ogc/collections/${KEL}/items?bbox-crs=EPSG:3857`, 400, 'invalid_parameter'],
    [`/ogc/collections/${KEL}/items?f=xml`, 400, 'invalid_parameter'],
    ['/ogc?f=xml', 400, 'invalid_parameter'],
    [`/ogc/collections/${KEL}/items?nama=a&nama=b`, 400, 'invalid_parameter'],
    [`/ogc/collections/${KEL}/items/999999`, 404, 'feature_not_found'],
    [`/ogc/collections/${KEL}/items/x'--`, 404, 'feature_not_found'],
    ['/ogc/collections?foo=1', 400, 'unknown_parameter'],
  ])('%s answers %i %s', async (p, status, code) => {
    const res = await s.get(p);
    expect(res.status).toBe(status);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe(code);
  });
});
