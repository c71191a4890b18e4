import { describe, expect, it } from 'vitest';
import { useTestServer } from './support/use-test-server.js';

interface Link { rel: string; href: string; type: string }
interface Items { type: string; numberMatched: number; numberReturned: number; timeStamp: string; links: Link[]; features: { id: number; properties: Record<string, unknown> }[] }

const s = useTestServer();

const KEL = 'batas-kelurahan-kota-tangerang';

describe('OGC API Features', () => {
  it('has a landing page linking conformance and data, and declares core and GeoJSON', async () => {
    const landing = await s.json<{ links: Link[] }>('/ogc');
    expect(landing.body.links.map((l) => l.rel)).toEqual(expect.arrayContaining(['self', 'conformance', 'data']));
    const conf = await s.json<{ conformsTo: string[] }>('/ogc/conformance');
    expect(conf.body.conformsTo).toEqual(expect.arrayContaining([
      'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core',
      'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson',
    ]));
  });

  it('lists one collection per visible layer, with CRS84 extents and items links, and no terbatas layer', async () => {
    const { body } = await s.json<{ collections: { id: string; extent: { spatial: { bbox: number[][]; crs: string } }; links: Link[] }[] }>('/ogc/collections');
    const visible = await s.json<{ total: number }>('/api/layers?limit=1');
    expect(body.collections).toHaveLength(visible.body.total);
    expect(body.collections.map((c) => c.id)).not.toContain(s.terbatas);
    const kel = body.collections.find((c) => c.id === KEL);
    expect(kel?.extent.spatial.crs).toBe('http://www.opengis.net/def/crs/OGC/1.3/CRS84');
    expect(kel?.links.find((l) => l.rel === 'items')?.type).toBe('application/geo+json');
  });

  it('answers a terbatas or unknown collection with 404 on every path', async () => {
    for (const p of [`/ogc/collections/${s.terbatas}`, `/ogc/collections/${s.terbatas}/items`, `/ogc/collections/${s.terbatas}/items/1`, '/ogc/collections/tidak-ada/items']) {
      const res = await s.get(p);
      expect(res.status).toBe(404);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('collection_not_found');
    }
  });

  it('pages through a whole collection by next links until the count equals numberMatched', async () => {
    const n = Number((await s.db.knex('features as f').join('layers as l', 'l.id', 'f.layer_id').where('l.slug', KEL).count<{ c: string }[]>('* as c'))[0]?.c);
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
    const second = (await (await s.get((first.body.links.find((l) => l.rel === 'next')?.href ?? '').replace(s.url, ''))).json()) as Items;
    const third = (await (await s.get((second.links.find((l) => l.rel === 'next')?.href ?? '').replace(s.url, ''))).json()) as Items;
    const back = (await (await s.get((third.links.find((l) => l.rel === 'prev')?.href ?? '').replace(s.url, ''))).json()) as Items;
    expect(back.features.map((f) => f.id)).toEqual(second.features.map((f) => f.id));
    const start = (await (await s.get((second.links.find((l) => l.rel === 'prev')?.href ?? '').replace(s.url, ''))).json()) as Items;
    expect(start.features.map((f) => f.id)).toEqual(first.body.features.map((f) => f.id));
  });

  it('filters by datetime against the layer\'s date field (instants and open or closed intervals)', async () => {
    const { body: list } = await s.json<{ items: { id: string }[] }>('/api/layers?q=titik%20banjir%20genangan&agency=bpbd&limit=1');
    const layer = list.items[0]?.id ?? '';
    const all = (await s.json<Items>(`/ogc/collections/${layer}/items?limit=1000`)).body.features;
    const dates = all.map((f) => String(f.properties.tanggal)).sort();
    const mid = dates[Math.floor(dates.length / 2)] ?? '';
    const cases: [string, (d: string) => boolean][] = [
      [mid, (d) => d === mid], [`../${mid}`, (d) => d <= mid], [`${mid}/..`, (d) => d >= mid],
      [`${dates[0]}/${mid}`, (d) => d >= (dates[0] ?? '') && d <= mid], [`${mid}T00:00:00Z/..`, (d) => d >= mid],
    ];
    for (const [dt, keep] of cases) {
      const page = (await s.json<Items>(`/ogc/collections/${layer}/items?limit=1000&datetime=${encodeURIComponent(dt)}`)).body;
      expect(page.numberMatched).toBe(dates.filter(keep).length);
    }
    const bad = await s.json<{ error: { code: string } }>(`/ogc/collections/${layer}/items?datetime=kemarin`);
    expect(bad.status).toBe(400);
    const noTime = await s.json<{ error: { message: string } }>(`/ogc/collections/${KEL}/items?datetime=2024-01-01`);
    expect(noTime.status).toBe(400);
    expect(noTime.body.error.message).toMatch(/no time field/);
  });

  it('returns one item, and describes queryables as JSON Schema', async () => {
    const item = await s.json<{ type: string; id: number }>(`/ogc/collections/${KEL}/items/3`);
    expect(item.body).toMatchObject({ type: 'Feature', id: 3 });
    const q = await s.json<{ type: string; properties: Record<string, { type: string }> }>(`/ogc/collections/${KEL}/queryables`);
    expect(q.body.properties.nama?.type).toBe('string');
    expect(q.body.properties.luas_km2?.type).toBe('number');
  });

  it('renders every resource as an HTML page for a browser, with escaped text and links that stay HTML', async () => {
    for (const p of ['/ogc?f=html', '/ogc/conformance?f=html', '/ogc/collections?f=html', `/ogc/collections/${KEL}?f=html`, `/ogc/collections/${KEL}/items?f=html&limit=5`, `/ogc/collections/${KEL}/items/3?f=html`]) {
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

  it('links an OpenAPI 3.0 document generated from the request schemas', async () => {
    const landing = await s.json<{ links: Link[] }>('/ogc');
    const desc = landing.body.links.find((l) => l.rel === 'service-desc');
    expect(desc?.type).toMatch(/openapi/);
    type Op = { parameters: { name: string; required?: boolean; schema: Record<string, unknown> }[]; security?: unknown[]; requestBody?: { content: Record<string, { schema?: { required?: string[] } }> } };
    const doc = await s.json<{ openapi: string; paths: Record<string, { get: Op; post?: Op; patch?: Op }> }>((desc?.href ?? '').replace(s.url, ''));
    expect(doc.body.openapi).toMatch(/^3\.0/);
    for (const p of ['/api/layers', '/api/layers/{id}/features', '/ogc/collections/{collectionId}/items', '/tiles/{layers}/{z}/{x}/{y}.mvt', '/api/3/action/package_search']) {
      expect(doc.body.paths[p]).toBeDefined();
    }
    const search = doc.body.paths['/api/layers']?.get.parameters ?? [];
    expect(search.find((p) => p.name === 'geometryType')?.schema.enum).toEqual(['Point', 'LineString', 'Polygon']);
    expect(search.find((p) => p.name === 'q')?.schema.maxLength).toBe(200);
    const upload = doc.body.paths['/api/layers/{id}/features']?.post;
    expect(upload?.security).toEqual([{ bearer: [] }]);
    expect(upload?.parameters.find((p) => p.name === 'mode')).toMatchObject({ required: true, schema: { enum: ['replace', 'append'] } });
    expect(doc.body.paths['/api/layers']?.post?.requestBody?.content['application/json']?.schema?.required).toEqual(expect.arrayContaining(['slug', 'title', 'agency', 'theme', 'geometryType']));
  });

  it('offers each collection as vector tiles in WebMercatorQuad (OGC API Tiles), from the same tile engine', async () => {
    const tms = await s.json<{ tileMatrices: { id: string; matrixWidth: number; scaleDenominator: number }[] }>('/ogc/tileMatrixSets/WebMercatorQuad');
    expect(tms.body.tileMatrices).toHaveLength(23);
    expect(tms.body.tileMatrices[12]).toMatchObject({ id: '12', matrixWidth: 4096 });
    const sets = await s.json<{ tilesets: { dataType: string; links: { rel: string; href: string }[] }[] }>(`/ogc/collections/${KEL}/tiles`);
    const template = sets.body.tilesets[0]?.links.find((l) => l.rel === 'item')?.href ?? '';
    expect(sets.body.tilesets[0]?.dataType).toBe('vector');
    // tileMatrix/tileRow/tileCol = z/y/x: the airport tile at z12 is x 3261, y 2117.
    const ogc = await s.get(template.replace(s.url, '').replace('{tileMatrix}', '12').replace('{tileRow}', '2117').replace('{tileCol}', '3261'));
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
