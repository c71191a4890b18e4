import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { XMLParser } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasXmllint } from './support/clients.js';
import { colourDistance, decodeImage, rgbOf } from './support/png.js';
import { useTestServer } from './support/use-test-server.js';

const run = promisify(execFile);
const s = useTestServer();
const KEL = 'batas-kelurahan-kota-tangerang';
const KEC = 'batas-kecamatan-kota-tangerang';
/** Soekarno-Hatta airport, in Kelurahan Pajang (Kecamatan Benda). */
const AIRPORT = { lon: 106.6559, lat: -6.1256 };
const CITY_CRS84 = '106.55,-6.26,106.75,-6.09';
const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', removeNSPrefix: true });

const wms = (query: string, init?: RequestInit) => s.get(`/wms?SERVICE=WMS&${query}`, init);
const getMap = (query: string) => wms(`VERSION=1.3.0&REQUEST=GetMap&STYLES=&FORMAT=image/png&${query}`);
async function image(res: Response) {
  expect(
    res.status,
    await res
      .clone()
      .text()
      .catch(() => ''),
  ).toBe(200);
  return decodeImage(new Uint8Array(await res.arrayBuffer()));
}

/** A square EPSG:3857 box of `size` pixels around a lon/lat at a map scale 1:denominator (0.28 mm pixels). */
function mercatorBox(lon: number, lat: number, denominator: number, size: number): string {
  const R = 6378137;
  const x = (R * lon * Math.PI) / 180;
  const y = R * Math.log(Math.tan(Math.PI / 4 + (lat * Math.PI) / 360));
  const half = ((size / 2) * denominator * 0.00028) / Math.cos((lat * Math.PI) / 180);
  return [x - half, y - half, x + half, y + half].join(',');
}

/** The stored style's colour and fill opacity of a polygon layer. */
async function layerStyle(slug: string): Promise<{ rgb: [number, number, number]; alpha: number; color: string }> {
  const row = await s.db
    .knex<{ slug: string; style: { color: string; fillOpacity: number } }>('layers')
    .where({ slug })
    .first('style');
  if (!row) throw new Error(`no layer ${slug}`);
  return { rgb: rgbOf(row.style.color), alpha: row.style.fillOpacity, color: row.style.color };
}

/** A fill at its opacity over a background colour. */
const over = (fill: { rgb: number[]; alpha: number }, under: readonly number[]) =>
  fill.rgb.map((c, i) => Math.round(c * fill.alpha + (under[i] ?? 0) * (1 - fill.alpha)));
const WHITE = [255, 255, 255];

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'satupeta-wms-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('WMS GetCapabilities', () => {
  it('lists every visible layer, grouped by agency, with its box, CRSs, legend and metadata links', async () => {
    const res = await wms('REQUEST=GetCapabilities');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/xml/);
    const text = await res.text();
    const names = [...text.matchAll(/<Layer queryable="1"><Name>([^<]+)<\/Name>/g)].map((m) => m[1]);
    const visible = await s.json<{ total: number }>('/api/layers?limit=1');
    expect(names).toHaveLength(visible.body.total);
    expect(names).not.toContain(s.terbatas);
    expect(text).toContain('<CRS>EPSG:4326</CRS><CRS>CRS:84</CRS><CRS>EPSG:3857</CRS>');
    const caps = xml.parse(text) as {
      WMS_Capabilities: { Capability: { Layer: { Layer: { Title: string; Layer: unknown } | { Title: string }[] } } };
    };
    const groups = caps.WMS_Capabilities.Capability.Layer.Layer as { Title: string }[];
    const agencies = await s.db.knex('layers').where({ classification: 'publik' }).countDistinct('agency_code as n');
    expect(groups).toHaveLength(Number((agencies[0] as { n: string }).n));
    const kel = text.slice(text.indexOf(`<Name>${KEL}</Name>`));
    // EPSG:4326 boxes in 1.3.0 are latitude first; CRS:84 longitude first.
    expect(kel).toMatch(/<BoundingBox CRS="EPSG:4326" minx="-6\.\d+" miny="106\.\d+"/);
    expect(kel).toMatch(/<BoundingBox CRS="CRS:84" minx="106\.\d+" miny="-6\.\d+"/);
    expect(kel).toContain(`REQUEST=GetLegendGraphic&amp;FORMAT=image/png&amp;LAYER=${KEL}`);
    expect(kel).toContain(`/api/layers/${KEL}/metadata.xml`);
  });

  it.skipIf(!hasXmllint)(
    'capabilities and exceptions validate against the official WMS 1.3.0 schemas (xmllint, offline)',
    async () => {
      const schemas = path.resolve('tests/schemas');
      const validate = async (name: string, text: string, schema: string) => {
        const file = path.join(dir, name);
        fs.writeFileSync(file, text);
        const { stderr } = await run('xmllint', ['--noout', '--nonet', '--schema', path.join(schemas, schema), file], {
          env: { ...process.env, XML_CATALOG_FILES: path.join(schemas, 'catalog.xml') },
          timeout: 120_000,
        });
        expect(stderr).toContain(`${name} validates`);
      };
      await validate(
        'caps.xml',
        await (await wms('REQUEST=GetCapabilities&VERSION=1.3.0')).text(),
        'wms/1.3.0/capabilities_1_3_0.xsd',
      );
      await validate(
        'exception.xml',
        await (
          await wms(
            'VERSION=1.3.0&REQUEST=GetMap&LAYERS=tidak-ada&STYLES=&CRS=CRS:84&BBOX=1,2,3,4&WIDTH=1&HEIGHT=1&FORMAT=image/png',
          )
        ).text(),
        'wms/1.3.0/exceptions_1_3_0.xsd',
      );
    },
    150_000,
  );

  it('answers WMS 1.1.1 clients with WMT_MS_Capabilities and SRS names', async () => {
    const res = await wms('REQUEST=GetCapabilities&VERSION=1.1.1');
    expect(res.headers.get('content-type')).toMatch(/^application\/vnd\.ogc\.wms_xml/);
    const text = await res.text();
    expect(text).toContain('<WMT_MS_Capabilities version="1.1.1"');
    expect(text).toContain('<SRS>EPSG:4326</SRS>');
    expect(text).toMatch(
      new RegExp(`<Name>${KEL}</Name>.*?<LatLonBoundingBox minx="106\\.\\d+" miny="-6\\.\\d+"`, 's'),
    );
  });
});

describe('WMS GetMap', () => {
  it('draws a layer where it has features and leaves the rest transparent', async () => {
    const inside = await image(
      await getMap(`LAYERS=${KEL}&CRS=CRS:84&BBOX=${CITY_CRS84}&WIDTH=200&HEIGHT=170&TRANSPARENT=TRUE`),
    );
    expect([inside.width, inside.height]).toEqual([200, 170]);
    expect(inside.opaque()).toBeGreaterThan(200 * 170 * 0.3);
    // The Java Sea north of the city: nothing to draw.
    const sea = await image(
      await getMap(`LAYERS=${KEL}&CRS=CRS:84&BBOX=106.6,-5.9,106.7,-5.8&WIDTH=100&HEIGHT=100&TRANSPARENT=TRUE`),
    );
    expect(sea.opaque()).toBe(0);
    const white = await image(await getMap(`LAYERS=${KEL}&CRS=CRS:84&BBOX=106.6,-5.9,106.7,-5.8&WIDTH=10&HEIGHT=10`));
    expect(white.at(5, 5)).toEqual([255, 255, 255, 255]);
    const bg = await image(
      await getMap(`LAYERS=${KEL}&CRS=CRS:84&BBOX=106.6,-5.9,106.7,-5.8&WIDTH=10&HEIGHT=10&BGCOLOR=0x102030`),
    );
    expect(bg.at(5, 5)).toEqual([16, 32, 48, 255]);
  });

  it('reads EPSG:4326 latitude first in 1.3.0 and longitude first in 1.1.1 and as CRS:84: the same picture', async () => {
    const q = `LAYERS=${KEL}&WIDTH=120&HEIGHT=100`;
    const a = await (await getMap(`${q}&CRS=EPSG:4326&BBOX=-6.26,106.55,-6.09,106.75`)).arrayBuffer();
    const b = await (await getMap(`${q}&CRS=CRS:84&BBOX=106.55,-6.26,106.75,-6.09`)).arrayBuffer();
    const c = await (
      await wms(
        `VERSION=1.1.1&REQUEST=GetMap&FORMAT=image/png&STYLES=&${q}&SRS=EPSG:4326&BBOX=106.55,-6.26,106.75,-6.09`,
      )
    ).arrayBuffer();
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
    expect(Buffer.from(c).equals(Buffer.from(b))).toBe(true);
  });

  it('draws Kelurahan Pajang in its colour at the airport at 1:5,000 in EPSG:3857', async () => {
    const size = 256;
    const bbox = mercatorBox(AIRPORT.lon, AIRPORT.lat, 5000, size);
    const img = await image(await getMap(`LAYERS=${KEL}&CRS=EPSG:3857&BBOX=${bbox}&WIDTH=${size}&HEIGHT=${size}`));
    // The fill is drawn at its opacity over the white background.
    expect(colourDistance(img.at(size / 2, size / 2), over(await layerStyle(KEL), WHITE))).toBeLessThanOrEqual(3);
  });

  it('accepts the 18-digit numbers QGIS writes and EPSG:900913, and JPEG and WebP', async () => {
    const bbox = '-6.260000000000000231,106.5499999999999972,-6.089999999999999858,106.7500000000000000';
    expect((await getMap(`LAYERS=${KEL}&CRS=EPSG:4326&BBOX=${bbox}&WIDTH=64&HEIGHT=64`)).status).toBe(200);
    const merc = mercatorBox(AIRPORT.lon, AIRPORT.lat, 50_000, 64);
    expect((await getMap(`LAYERS=${KEL}&CRS=EPSG:900913&BBOX=${merc}&WIDTH=64&HEIGHT=64`)).status).toBe(200);
    for (const [format, type] of [
      ['image/jpeg', 'image/jpeg'],
      ['image/webp', 'image/webp'],
      ['image/png; mode=8bit', 'image/png'],
    ]) {
      const res = await wms(
        `VERSION=1.3.0&REQUEST=GetMap&STYLES=&LAYERS=${KEL}&CRS=CRS:84&BBOX=${CITY_CRS84}&WIDTH=64&HEIGHT=64&FORMAT=${encodeURIComponent(format as string)}`,
      );
      expect(res.headers.get('content-type')).toBe(type);
      const img = await image(res);
      expect(img.width).toBe(64);
    }
  });

  it('draws layers bottom to top in LAYERS order', async () => {
    const bbox = mercatorBox(AIRPORT.lon, AIRPORT.lat, 5000, 64);
    const [kel, kec] = [await layerStyle(KEL), await layerStyle(KEC)];
    const a = await image(await getMap(`LAYERS=${KEL},${KEC}&CRS=EPSG:3857&BBOX=${bbox}&WIDTH=64&HEIGHT=64`));
    const b = await image(await getMap(`LAYERS=${KEC},${KEL}&CRS=EPSG:3857&BBOX=${bbox}&WIDTH=64&HEIGHT=64`));
    expect(colourDistance(a.at(32, 32), over(kec, over(kel, WHITE)))).toBeLessThanOrEqual(3);
    expect(colourDistance(b.at(32, 32), over(kel, over(kec, WHITE)))).toBeLessThanOrEqual(3);
  });
});

describe('WMS TIME and CQL_FILTER, through the one feature query', () => {
  it('draws only the features of the asked days, and announces the time dimension', async () => {
    const { rows } = await s.db.knex.raw<{ rows: { slug: string; time_min: string; time_max: string }[] }>(
      `select slug, time_min, time_max from layers where classification = 'publik' and time_min < time_max
        and geometry_type = 'Point' order by feature_count desc limit 1`,
    );
    const dated = rows[0];
    if (!dated) throw new Error('no dated layer');
    const q = `LAYERS=${dated.slug}&CRS=CRS:84&BBOX=${CITY_CRS84}&WIDTH=300&HEIGHT=255&TRANSPARENT=TRUE`;
    const all = (await image(await getMap(q))).opaque();
    expect(all).toBeGreaterThan(0);
    const whole = (await image(await getMap(`${q}&TIME=${dated.time_min}/${dated.time_max}`))).opaque();
    expect(whole).toBe(all);
    const none = (await image(await getMap(`${q}&TIME=1990-01-01/1990-12-31`))).opaque();
    expect(none).toBe(0);
    const first = (await image(await getMap(`${q}&TIME=${dated.time_min}`))).opaque();
    expect(first).toBeGreaterThan(0);
    expect(first).toBeLessThan(all);
    const caps = await (await wms('REQUEST=GetCapabilities')).text();
    const layer = caps.slice(caps.indexOf(`<Name>${dated.slug}</Name>`));
    expect(layer.slice(0, layer.indexOf('</Layer>'))).toContain(
      `<Dimension name="time" units="ISO8601" default="${dated.time_max}" nearestValue="0">${dated.time_min}/${dated.time_max}/P1D</Dimension>`,
    );
  });

  it('draws only what a CQL2 filter selects', async () => {
    const bbox = mercatorBox(AIRPORT.lon, AIRPORT.lat, 5000, 64);
    const q = `LAYERS=${KEL}&CRS=EPSG:3857&BBOX=${bbox}&WIDTH=64&HEIGHT=64&TRANSPARENT=TRUE`;
    const pajang = await image(await getMap(`${q}&CQL_FILTER=${encodeURIComponent("nama = 'Pajang'")}`));
    expect(pajang.at(32, 32)[3]).toBeGreaterThan(0);
    const other = await image(await getMap(`${q}&CQL_FILTER=${encodeURIComponent("nama = 'Cipondoh'")}`));
    expect(other.opaque()).toBe(0);
  });
});

describe('WMS GetFeatureInfo', () => {
  const at = (format: string, lon = AIRPORT.lon, lat = AIRPORT.lat) =>
    wms(
      `VERSION=1.3.0&REQUEST=GetFeatureInfo&LAYERS=${KEC},${KEL}&QUERY_LAYERS=${KEL}&STYLES=&CRS=EPSG:4326` +
        `&BBOX=${lat - 0.01},${lon - 0.01},${lat + 0.01},${lon + 0.01}&WIDTH=101&HEIGHT=101&I=50&J=50&INFO_FORMAT=${format}`,
    );

  it('finds Kelurahan Pajang at the airport, as GeoJSON, HTML and text', async () => {
    const json = (await (await at('application/json')).json()) as {
      features: { layer: string; properties: { nama: string; kode: string } }[];
    };
    expect(json.features.map((f) => [f.layer, f.properties.nama])).toEqual([[KEL, 'Pajang']]);
    const html = await (await at('text/html')).text();
    expect(html).toContain('<td>Pajang</td>');
    const plain = await (await at('text/plain')).text();
    expect(plain).toContain('nama = Pajang');
  });

  it('finds nothing in the sea and says so', async () => {
    const json = (await (await at('application/json', 106.65, -5.85)).json()) as { features: unknown[] };
    expect(json.features).toEqual([]);
    expect(await (await at('text/plain', 106.65, -5.85)).text()).toContain(': 0 features');
  });

  it('reads X/Y, SRS and lon/lat boxes from 1.1.1 clients and caps FEATURE_COUNT', async () => {
    const res = await wms(
      `VERSION=1.1.1&REQUEST=GetFeatureInfo&LAYERS=${KEL}&QUERY_LAYERS=${KEL}&STYLES=&SRS=EPSG:4326` +
        `&BBOX=106.55,-6.26,106.75,-6.09&WIDTH=200&HEIGHT=170&X=100&Y=85&INFO_FORMAT=application/json&FEATURE_COUNT=5`,
    );
    const body = (await res.json()) as { features: { properties: { nama: string } }[] };
    expect(body.features.length).toBeGreaterThanOrEqual(1);
    expect(body.features.length).toBeLessThanOrEqual(5);
  });
});

describe('WMS GetLegendGraphic and the legend endpoints', () => {
  it('draws the layer symbol and its title', async () => {
    const res = await wms(`VERSION=1.3.0&REQUEST=GetLegendGraphic&LAYER=${KEL}&FORMAT=image/png`);
    const img = await image(res);
    expect(img.width).toBeGreaterThan(60);
    expect(img.height).toBe(24);
    const fill = await layerStyle(KEL);
    // The middle of the symbol: the fill at its opacity over nothing (transparent).
    const [r, g, b, a] = img.at(12, 12);
    expect(Math.abs(a - fill.alpha * 255)).toBeLessThanOrEqual(2);
    expect(colourDistance([r, g, b], fill.rgb)).toBeLessThanOrEqual(12);
  });

  it('gives the classes as JSON and as a PNG', async () => {
    const { status, body } = await s.json<{
      layer: string;
      classes: { label: string; symbol: { kind: string; color: string } }[];
    }>(`/api/layers/${KEL}/legend`);
    expect(status).toBe(200);
    expect(body.layer).toBe(KEL);
    expect(body.classes[0]?.symbol).toMatchObject({ kind: 'fill', color: (await layerStyle(KEL)).color });
    const png = await image(await s.get(`/api/layers/${KEL}/legend.png?size=30`));
    expect(png.height).toBe(34);
  });
});

describe('static maps', () => {
  it('fits a box into the asked size, and draws sharper at scale=2', async () => {
    const res = await s.get(`/api/maps/static?layers=${KEC}&bbox=${CITY_CRS84}&width=300&height=200`);
    expect(res.headers.get('content-type')).toBe('image/png');
    const img = await image(res);
    expect([img.width, img.height]).toEqual([300, 200]);
    expect(img.opaque()).toBe(300 * 200);
    const hi = await image(
      await s.get(`/api/maps/static?layers=${KEC}&bbox=${CITY_CRS84}&width=300&height=200&scale=2`),
    );
    expect([hi.width, hi.height]).toEqual([600, 400]);
  });

  it('centres a view at a zoom, and answers 304 to a repeated request', async () => {
    const url = `/api/maps/static?layers=${KEL}&center=${AIRPORT.lon},${AIRPORT.lat}&zoom=15&width=64&height=64&format=webp`;
    const res = await s.get(url);
    expect(res.headers.get('content-type')).toBe('image/webp');
    const img = await image(res);
    expect(colourDistance(img.at(32, 32), over(await layerStyle(KEL), WHITE))).toBeLessThanOrEqual(3);
    const etag = res.headers.get('etag') ?? '';
    expect(etag).not.toBe('');
    expect((await s.get(url, { headers: { 'If-None-Match': etag } })).status).toBe(304);
    const other = await s.get(url.replace('zoom=15', 'zoom=16'));
    expect(other.headers.get('etag')).not.toBe(etag);
  });
});

describe('link previews of the embed page', () => {
  it('carry Open Graph tags with a static map of the same layers and view', async () => {
    const res = await s.get(
      `/embed?l=${KEL}:0.8,${s.terbatas},${encodeURIComponent('"><script>')}&c=106.65,-6.17&z=12.5`,
    );
    expect(res.status).toBe(200);
    const html = await res.text();
    const ogImage = /<meta property="og:image" content="([^"]+)">/.exec(html)?.[1] ?? '';
    const url = new URL(ogImage.replaceAll('&amp;', '&'));
    expect(url.pathname).toBe('/api/maps/static');
    expect(url.searchParams.get('layers')).toBe(KEL);
    expect(url.searchParams.get('center')).toBe('106.65000,-6.17000');
    expect(url.searchParams.get('zoom')).toBe('12.5');
    expect(html).toContain(
      '<meta property="og:title" content="Batas Administrasi Kelurahan Kota Tangerang · Satu Peta Kota Tangerang">',
    );
    expect(html).not.toContain(s.terbatas);
    expect(html).not.toContain('<script>"');
    expect(html).toContain('<main id="map"');
    const img = await image(await s.get(url.pathname + url.search));
    expect([img.width, img.height]).toEqual([1200, 630]);
  });
});

describe('catalog thumbnails', () => {
  it('draws the whole layer small, and answers 304 to its ETag', async () => {
    const res = await s.get(`/api/layers/${KEC}/thumbnail.png`);
    expect(res.headers.get('content-type')).toBe('image/png');
    const img = await image(res);
    expect([img.width, img.height]).toEqual([192, 144]);
    // The kecamatan outlines are drawn in the layer's colour somewhere in the picture.
    const { rgb } = await layerStyle(KEC);
    let near = 0;
    for (let y = 0; y < 144; y++) for (let x = 0; x < 192; x++) if (colourDistance(img.at(x, y), rgb) < 40) near++;
    expect(near).toBeGreaterThan(100);
    const etag = res.headers.get('etag') ?? '';
    expect((await s.get(`/api/layers/${KEC}/thumbnail.png`, { headers: { 'If-None-Match': etag } })).status).toBe(304);
  });
});

describe('bad WMS requests: an OGC exception with our code, and the server keeps serving', () => {
  const base = `VERSION=1.3.0&REQUEST=GetMap&STYLES=&FORMAT=image/png&CRS=CRS:84&BBOX=${CITY_CRS84}&WIDTH=64&HEIGHT=64`;
  const info = `VERSION=1.3.0&REQUEST=GetFeatureInfo&LAYERS=${KEL}&QUERY_LAYERS=${KEL}&STYLES=&CRS=CRS:84&BBOX=${CITY_CRS84}&WIDTH=64&HEIGHT=64&INFO_FORMAT=text/plain`;
  const CASES: [string, string, number, string, string | null][] = [
    ['no REQUEST', 'VERSION=1.3.0', 400, 'missing_parameter', null],
    ['an unknown REQUEST', 'REQUEST=GetTile', 400, 'operation_not_supported', 'OperationNotSupported'],
    ['SERVICE=WFS', 'REQUEST=GetCapabilities&SERVICE=WFS', 400, 'invalid_parameter', null],
    ['VERSION 2.0.0 on GetMap', `${base}&LAYERS=${KEL}`.replace('1.3.0', '2.0.0'), 400, 'version_not_supported', null],
    ['a VERSION that is not a number', 'REQUEST=GetCapabilities&VERSION=abc', 400, 'invalid_parameter', null],
    ['no LAYERS', base, 400, 'missing_parameter', null],
    ['an unknown layer', `${base}&LAYERS=tidak-ada`, 404, 'layer_not_found', 'LayerNotDefined'],
    ['an empty name in LAYERS', `${base}&LAYERS=${KEL},,${KEC}`, 400, 'invalid_layer_list', null],
    ['21 layers', `${base}&LAYERS=${Array(21).fill(KEL).join(',')}`, 400, 'too_many_layers', null],
    ['CRS EPSG:32748', `${base.replace('CRS:84', 'EPSG:32748')}&LAYERS=${KEL}`, 400, 'unknown_crs', 'InvalidCRS'],
    ['no CRS', `${base.replace('&CRS=CRS:84', '')}&LAYERS=${KEL}`, 400, 'missing_parameter', null],
    [
      'FORMAT image/gif',
      `${base.replace('image/png', 'image/gif')}&LAYERS=${KEL}`,
      400,
      'unknown_format',
      'InvalidFormat',
    ],
    ['no FORMAT', `${base.replace('&FORMAT=image/png', '')}&LAYERS=${KEL}`, 400, 'missing_parameter', null],
    [
      'a style that does not exist',
      `${base.replace('STYLES=', 'STYLES=fancy')}&LAYERS=${KEL}`,
      400,
      'unknown_style',
      'StyleNotDefined',
    ],
    [
      'two styles for one layer',
      `${base.replace('STYLES=', 'STYLES=,')}&LAYERS=${KEL}`,
      400,
      'unknown_style',
      'StyleNotDefined',
    ],
    ['three numbers in BBOX', `${base.replace(CITY_CRS84, '1,2,3')}&LAYERS=${KEL}`, 400, 'invalid_bbox', null],
    [
      'BBOX minimum above maximum',
      `${base.replace(CITY_CRS84, '106.75,-6.09,106.55,-6.26')}&LAYERS=${KEL}`,
      400,
      'invalid_bbox',
      null,
    ],
    ['words in BBOX', `${base.replace(CITY_CRS84, 'a,b,c,d')}&LAYERS=${KEL}`, 400, 'invalid_bbox', null],
    ['WIDTH 0', `${base.replace('WIDTH=64', 'WIDTH=0')}&LAYERS=${KEL}`, 400, 'invalid_parameter', null],
    ['WIDTH -5', `${base.replace('WIDTH=64', 'WIDTH=-5')}&LAYERS=${KEL}`, 400, 'invalid_parameter', null],
    ['HEIGHT 100000', `${base.replace('HEIGHT=64', 'HEIGHT=100000')}&LAYERS=${KEL}`, 400, 'image_too_large', null],
    ['TRANSPARENT=maybe', `${base}&LAYERS=${KEL}&TRANSPARENT=maybe`, 400, 'invalid_parameter', null],
    ['BGCOLOR=red', `${base}&LAYERS=${KEL}&BGCOLOR=red`, 400, 'invalid_parameter', null],
    ['LAYERS given twice', `${base}&LAYERS=${KEL}&layers=${KEC}`, 400, 'invalid_parameter', null],
    ['I outside the image', `${info}&I=64&J=10`, 400, 'invalid_point', 'InvalidPoint'],
    ['J not a number', `${info}&I=1&J=x`, 400, 'invalid_point', 'InvalidPoint'],
    ['no I', `${info}&J=1`, 400, 'missing_parameter', null],
    [
      'INFO_FORMAT application/vnd.ogc.gml',
      `${info.replace('text/plain', 'application/vnd.ogc.gml')}&I=1&J=1`,
      400,
      'unknown_format',
      'InvalidFormat',
    ],
    [
      'QUERY_LAYERS not among LAYERS',
      `${info.replace(`QUERY_LAYERS=${KEL}`, `QUERY_LAYERS=${KEC}`)}&I=1&J=1`,
      404,
      'layer_not_found',
      'LayerNotDefined',
    ],
    ['FEATURE_COUNT 0', `${info}&I=1&J=1&FEATURE_COUNT=0`, 400, 'invalid_parameter', null],
    [
      'TIME that is no date',
      `${base}&LAYERS=${KEL}&TIME=2025-13-45`,
      400,
      'invalid_parameter',
      'InvalidDimensionValue',
    ],
    [
      'TIME ending before it starts',
      `${base}&LAYERS=${KEL}&TIME=2025-02-01/2025-01-01`,
      400,
      'invalid_parameter',
      'InvalidDimensionValue',
    ],
    ['a CQL_FILTER that does not parse', `${base}&LAYERS=${KEL}&CQL_FILTER=nama%20%3D%3D`, 400, 'invalid_filter', null],
    [
      'a CQL_FILTER on a field the layer lacks',
      `${base}&LAYERS=${KEL}&CQL_FILTER=warna%3D1`,
      400,
      'invalid_filter',
      null,
    ],
    [
      'two CQL_FILTERs for three layers',
      `${base}&LAYERS=${KEL},${KEC},${KEL}&CQL_FILTER=INCLUDE;INCLUDE`,
      400,
      'invalid_filter',
      null,
    ],
    ['a legend of no layer', 'VERSION=1.3.0&REQUEST=GetLegendGraphic&FORMAT=image/png', 400, 'missing_parameter', null],
    [
      'a legend symbol of 5000 pixels',
      `VERSION=1.3.0&REQUEST=GetLegendGraphic&FORMAT=image/png&LAYER=${KEL}&WIDTH=5000`,
      400,
      'invalid_parameter',
      null,
    ],
  ];

  for (const [name, query, status, code, wmsCode] of CASES) {
    it(`${name}: ${status} ${code}`, async () => {
      const res = await wms(query);
      expect(res.status).toBe(status);
      expect(res.headers.get('content-type')).toMatch(/^text\/xml/);
      const text = await res.text();
      expect(text).toContain('<ServiceExceptionReport version="1.3.0"');
      expect(text).toContain(`(code: ${code})`);
      if (wmsCode) expect(text).toMatch(new RegExp(`code="${wmsCode}"`));
    });
  }

  it('writes 1.1.1 exceptions for 1.1.1 requests, with InvalidSRS', async () => {
    const res = await wms(
      `VERSION=1.1.1&REQUEST=GetMap&LAYERS=${KEL}&STYLES=&SRS=EPSG:2000&BBOX=1,2,3,4&WIDTH=9&HEIGHT=9&FORMAT=image/png`,
    );
    expect(res.headers.get('content-type')).toMatch(/^application\/vnd\.ogc\.se_xml/);
    expect(await res.text()).toContain('<ServiceException code="InvalidSRS">');
  });

  it('keeps serving after all of them', async () => {
    expect((await getMap(`LAYERS=${KEL}&CRS=CRS:84&BBOX=${CITY_CRS84}&WIDTH=32&HEIGHT=32`)).status).toBe(200);
  });
});

describe('bad static map requests: our error shape', () => {
  const CASES: [string, string, number, string][] = [
    ['no layers', 'bbox=106.55,-6.26,106.75,-6.09', 400, 'invalid_parameter'],
    ['neither bbox nor center', `layers=${KEL}`, 400, 'invalid_parameter'],
    ['bbox and center', `layers=${KEL}&bbox=${CITY_CRS84}&center=106.6,-6.1&zoom=12`, 400, 'invalid_parameter'],
    ['center without zoom', `layers=${KEL}&center=106.6,-6.1`, 400, 'invalid_parameter'],
    ['a center off the earth', `layers=${KEL}&center=206.6,-6.1&zoom=12`, 400, 'invalid_parameter'],
    ['zoom 23', `layers=${KEL}&center=106.6,-6.1&zoom=23`, 400, 'invalid_parameter'],
    ['a bbox that is a point', `layers=${KEL}&bbox=106.6,-6.2,106.6,-6.2`, 400, 'invalid_bbox'],
    ['width 5000', `layers=${KEL}&bbox=${CITY_CRS84}&width=5000`, 400, 'image_too_large'],
    ['width 3000 at scale 2', `layers=${KEL}&bbox=${CITY_CRS84}&width=3000&scale=2`, 400, 'image_too_large'],
    ['format gif', `layers=${KEL}&bbox=${CITY_CRS84}&format=gif`, 400, 'invalid_parameter'],
    ['an unknown layer', `layers=tidak-ada&bbox=${CITY_CRS84}`, 404, 'layer_not_found'],
    ['an unknown parameter', `layers=${KEL}&bbox=${CITY_CRS84}&colour=red`, 400, 'unknown_parameter'],
  ];
  for (const [name, query, status, code] of CASES) {
    it(`${name}: ${status} ${code}`, async () => {
      const res = await s.get(`/api/maps/static?${query}`);
      expect(res.status).toBe(status);
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe(code);
      expect(body.error.message.length).toBeGreaterThan(10);
    });
  }
});
