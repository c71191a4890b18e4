import { validateStyleMin, type StyleSpecification } from '@maplibre/maplibre-gl-style-spec';
import { beforeAll, describe, expect, it } from 'vitest';
import { TokenStore } from '../server/auth/token-store.js';
import { classify } from '../server/elements/classes.js';
import { colourDistance, decodeImage, rgbOf } from './support/png.js';
import { useTestServer } from './support/use-test-server.js';

// Its own database copy: this file changes styles.
const s = useTestServer({ writable: true });
const KEL = 'batas-kelurahan-kota-tangerang';
const KEC = 'batas-kecamatan-kota-tangerang';
/** Soekarno-Hatta airport, in Kelurahan Pajang; Kelurahan Cipondoh's point on surface is found in SQL. */
const AIRPORT = { lon: 106.6559, lat: -6.1256 };
const tokens: Record<'admin' | 'setda' | 'other', string> = { admin: '', setda: '', other: '' };

beforeAll(async () => {
  const store = new TokenStore(s.db.knex);
  tokens.admin = (await store.create({ name: 'admin', role: 'admin', agencies: [], createdBy: 'test' })).token;
  tokens.setda = (await store.create({ name: 'setda', role: 'editor', agencies: ['setda'], createdBy: 'test' })).token;
  tokens.other = (await store.create({ name: 'other', role: 'editor', agencies: ['dinkes'], createdBy: 'test' })).token;
});

interface StyleAnswer {
  layer: string;
  version: number;
  rule: { kind: string; classes?: { label: string; color: string; min?: number; max?: number }[] };
  layers: { id: string; type: string; paint?: Record<string, unknown> }[];
  legend: { kind: string; property: string | null; classes: { label: string; symbol: { color: string } }[] };
}
interface Problem {
  error: { code: string; message: string; details: { problems: { path: string; message: string }[] } };
}

const put = (slug: string, body: unknown, token = tokens.admin) =>
  s.get(`/api/layers/${slug}/style`, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
async function putOk(slug: string, body: unknown): Promise<StyleAnswer> {
  const res = await put(slug, body);
  const json = (await res.json()) as StyleAnswer;
  expect(res.status, JSON.stringify(json)).toBe(200);
  return json;
}

/** The colour of the image's centre pixel in a 1:5,000 static map around a point. */
async function colourAt(slug: string, lon: number, lat: number): Promise<number[]> {
  const res = await s.get(`/api/maps/static?layers=${slug}&center=${lon},${lat}&zoom=17&width=32&height=32`);
  expect(res.status).toBe(200);
  return (await decodeImage(new Uint8Array(await res.arrayBuffer()))).at(16, 16).slice(0, 3);
}
async function pointIn(nama: string): Promise<{ lon: number; lat: number }> {
  const { rows } = await s.db.knex.raw<{ rows: { lon: number; lat: number }[] }>(
    `select ST_X(p) as lon, ST_Y(p) as lat from (select ST_PointOnSurface(f.geom) as p from features f
       join layers l on l.storage_id = f.layer_id where l.slug = ? and f.properties ->> 'nama' = ?) x`,
    [KEL, nama],
  );
  const row = rows[0];
  if (!row) throw new Error(`no kelurahan ${nama}`);
  return row;
}

describe('reading a style', () => {
  it('reads a layer styled before rules existed as one symbol, with valid MapLibre layers and a legend', async () => {
    const { status, body } = await s.json<StyleAnswer>(`/api/layers/${KEC}/style`);
    expect(status).toBe(200);
    expect(body.version).toBe(0);
    expect(body.rule.kind).toBe('single');
    expect(body.layers.map((l) => l.type)).toEqual(['fill', 'line']);
    expect(body.legend.classes).toHaveLength(1);
  });

  it('hides a terbatas layer from anonymous callers', async () => {
    expect((await s.get(`/api/layers/${s.terbatas}/style`)).status).toBe(404);
  });
});

describe('writing a style', () => {
  it('draws a layer in the colour it was given: Kelurahan Pajang red at the airport', async () => {
    const saved = await putOk(KEL, { kind: 'single', color: '#ff0000', fillOpacity: 1, width: 0 });
    expect(saved.layers.map((l) => l.type)).toEqual(['fill']);
    expect(colourDistance(await colourAt(KEL, AIRPORT.lon, AIRPORT.lat), [255, 0, 0])).toBeLessThanOrEqual(1);
    // The WMS draws the same style.
    const R = 6378137;
    const x = (R * AIRPORT.lon * Math.PI) / 180;
    const y = R * Math.log(Math.tan(Math.PI / 4 + (AIRPORT.lat * Math.PI) / 360));
    const half = (32 * 5000 * 0.00028) / Math.cos((AIRPORT.lat * Math.PI) / 180);
    const wms = await s.get(
      `/wms?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&LAYERS=${KEL}&STYLES=&CRS=EPSG:3857&FORMAT=image/png` +
        `&BBOX=${x - half},${y - half},${x + half},${y + half}&WIDTH=64&HEIGHT=64`,
    );
    const img = await decodeImage(new Uint8Array(await wms.arrayBuffer()));
    expect(img.at(32, 32).slice(0, 3)).toEqual([255, 0, 0]);
  });

  it('colours categories of a property, with the rest as "other", and says so in the legend', async () => {
    const saved = await putOk(KEL, {
      kind: 'categorized',
      property: 'nama',
      classes: [{ value: 'Pajang', label: 'Bandara', color: '#00aa00' }],
      color: '#0000ff',
      fillOpacity: 1,
      width: 0,
    });
    expect(saved.legend.classes.map((c) => [c.label, c.symbol.color])).toEqual([
      ['Bandara', '#00aa00'],
      ['Lainnya', '#0000ff'],
    ]);
    expect(colourDistance(await colourAt(KEL, AIRPORT.lon, AIRPORT.lat), [0, 170, 0])).toBeLessThanOrEqual(1);
    const cipondoh = await pointIn('Cipondoh');
    expect(colourDistance(await colourAt(KEL, cipondoh.lon, cipondoh.lat), [0, 0, 255])).toBeLessThanOrEqual(1);
    const legend = await s.json<{ classes: { label: string }[] }>(`/api/layers/${KEL}/legend`);
    expect(legend.body.classes.map((c) => c.label)).toEqual(['Bandara', 'Lainnya']);
  });

  it('finds the categories in the data when none are given', async () => {
    const saved = await putOk(KEL, { kind: 'categorized', property: 'nama', palette: 'Paired' });
    // The 12 most frequent values (all names are distinct: the first 12 by name), then "other".
    const { rows } = await s.db.knex.raw<{ rows: { nama: string }[] }>(
      `select f.properties ->> 'nama' as nama from features f join layers l on l.storage_id = f.layer_id
        where l.slug = ? order by 1 limit 12`,
      [KEL],
    );
    expect(saved.legend.classes.map((c) => c.label)).toEqual([...rows.map((r) => r.nama), 'Lainnya']);
  });

  it('classes a numeric property by quantiles of its values, coloured from a palette', async () => {
    const saved = await putOk(KEL, {
      kind: 'graduated',
      property: 'luas_km2',
      method: 'quantile',
      k: 4,
      fillOpacity: 1,
      width: 0,
    });
    const { rows } = await s.db.knex.raw<{ rows: { v: number }[] }>(
      `select (f.properties ->> 'luas_km2')::float8 as v from features f join layers l on l.storage_id = f.layer_id where l.slug = ?`,
      [KEL],
    );
    const breaks = classify(
      rows.map((r) => r.v),
      'quantile',
      4,
    );
    expect(saved.rule.classes?.map((c) => [c.min, c.max])).toEqual(breaks.classes.map((c) => [c.from, c.to]));
    expect(saved.legend.classes.map((c) => c.label)[0]).toMatch(/^\d+,\d+ – \d+,\d+$/);
    // Pajang (14.76 km², the largest) is in the last class.
    const last = saved.rule.classes?.at(-1)?.color ?? '';
    expect(colourDistance(await colourAt(KEL, AIRPORT.lon, AIRPORT.lat), rgbOf(last))).toBeLessThanOrEqual(1);
  });

  it('writes labels from a property, with a halo, without overlaps', async () => {
    const box = '106.62,-6.16,106.70,-6.10';
    const dark = async () => {
      const res = await s.get(`/api/maps/static?layers=${KEL}&bbox=${box}&width=400&height=300`);
      const img = await decodeImage(new Uint8Array(await res.arrayBuffer()));
      let n = 0;
      for (let y = 0; y < img.height; y++)
        for (let x = 0; x < img.width; x++)
          if (
            img
              .at(x, y)
              .slice(0, 3)
              .every((c) => c < 80)
          )
            n++;
      return n;
    };
    await putOk(KEL, { kind: 'single', color: '#ffffff', fillOpacity: 1, width: 0 });
    expect(await dark()).toBe(0);
    await putOk(KEL, {
      kind: 'single',
      color: '#ffffff',
      fillOpacity: 1,
      width: 0,
      label: { property: 'nama', size: 14 },
    });
    expect(await dark()).toBeGreaterThan(100);
  });

  it('keeps a version and an audit record of every change', async () => {
    const before = (await s.json<StyleAnswer>(`/api/layers/${KEC}/style`)).body.version;
    const first = await putOk(KEC, { kind: 'single', color: '#123456' });
    const second = await putOk(KEC, { kind: 'single', color: '#654321' });
    expect([first.version, second.version]).toEqual([before + 1, before + 2]);
    const history = await s.get(`/api/layers/${KEC}/history?limit=2`, {
      headers: { Authorization: `Bearer ${tokens.admin}` },
    });
    const items = ((await history.json()) as { items: { action: string; details: Record<string, unknown> }[] }).items;
    expect(items.map((i) => i.action)).toEqual(['update_style', 'update_style']);
    expect(items[0]?.details).toMatchObject({
      styleVersion: before + 2,
      from: { symbol: { color: '#123456' } },
      to: { symbol: { color: '#654321' } },
    });
  });

  it("keeps a rule's classes when PATCH /api/layers/{id} changes the old single-symbol keys", async () => {
    const saved = await putOk(KEL, {
      kind: 'categorized',
      property: 'nama',
      classes: [{ value: 'Pajang', color: '#00aa00' }],
    });
    const res = await s.get(`/api/layers/${KEL}`, {
      method: 'PATCH',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${tokens.admin}` },
      body: JSON.stringify({ style: { color: '#112233', width: 3 } }),
    });
    expect(res.status).toBe(200);
    const after = (await s.json<StyleAnswer>(`/api/layers/${KEL}/style`)).body;
    expect(after.version).toBe(saved.version + 1);
    expect(after.rule.kind).toBe('categorized');
    expect(after.legend.classes.map((c) => c.symbol.color)).toEqual(['#00aa00', '#112233']);
  });

  it('lets only editors of the producing agency and admins change a style', async () => {
    expect((await put(KEC, { kind: 'single' }, '')).status).toBe(401);
    expect((await put(KEC, { kind: 'single' }, tokens.other)).status).toBe(403);
    expect((await put(KEC, { kind: 'single', color: '#00ff00' }, tokens.setda)).status).toBe(200);
    expect((await put(s.terbatas, { kind: 'single' }, tokens.other)).status).toBe(404);
  });

  it('moves the ETag of static maps that draw the layer', async () => {
    const url = `/api/maps/static?layers=${KEC}&center=106.63,-6.18&zoom=11&width=16&height=16`;
    const a = (await s.get(url)).headers.get('etag');
    await putOk(KEC, { kind: 'single', color: '#abcdef' });
    const b = (await s.get(url)).headers.get('etag');
    expect(a).not.toBe(b);
  });
});

describe('bad styles: 422 invalid_style naming each problem, and nothing written', () => {
  const CASES: [string, unknown, string][] = [
    ['no kind', { color: '#ff0000' }, 'kind'],
    ['an unknown kind', { kind: 'heatmap' }, 'kind'],
    ['a colour by name', { kind: 'single', color: 'red' }, 'color'],
    ['fill opacity 2', { kind: 'single', fillOpacity: 2 }, 'fillOpacity'],
    ['a negative width', { kind: 'single', width: -1 }, 'width'],
    ['an unknown field', { kind: 'single', colour: '#ff0000' }, ''],
    ['a property the layer does not have', { kind: 'categorized', property: 'warna' }, 'property'],
    ['graduated on a text field', { kind: 'graduated', property: 'nama' }, 'property'],
    ['a label of an unknown field', { kind: 'single', label: { property: 'tidak_ada' } }, 'label.property'],
    ['a label size of 100', { kind: 'single', label: { property: 'nama', size: 100 } }, 'label.size'],
    ['minZoom above maxZoom', { kind: 'single', minZoom: 15, maxZoom: 10 }, 'minZoom'],
    [
      'a value with two classes',
      {
        kind: 'categorized',
        property: 'nama',
        classes: [
          { value: 'A', color: '#ff0000' },
          { value: 'A', color: '#00ff00' },
        ],
      },
      'classes.1.value',
    ],
    [
      'overlapping ranges',
      {
        kind: 'graduated',
        property: 'luas_km2',
        classes: [
          { min: 0, max: 5, color: '#ff0000' },
          { min: 4, max: 9, color: '#00ff00' },
        ],
      },
      'classes',
    ],
    [
      'a range upside down',
      { kind: 'graduated', property: 'luas_km2', classes: [{ min: 5, max: 1, color: '#ff0000' }] },
      'classes',
    ],
    ['an unknown palette', { kind: 'graduated', property: 'luas_km2', palette: 'Rainbow' }, 'palette'],
    ['one class asked for', { kind: 'graduated', property: 'luas_km2', k: 1 }, 'k'],
    ['an unknown method', { kind: 'graduated', property: 'luas_km2', method: 'random' }, 'method'],
    ['no classes in the list', { kind: 'categorized', property: 'nama', classes: [] }, 'classes'],
    [
      '51 categories',
      {
        kind: 'categorized',
        property: 'nama',
        classes: Array.from({ length: 51 }, (_, i) => ({ value: i, color: '#ff0000' })),
      },
      'classes',
    ],
    ['a dash of one number', { kind: 'single', dash: [2] }, 'dash'],
  ];

  for (const [name, body, path] of CASES) {
    it(`${name}`, async () => {
      const before = await s.json<StyleAnswer>(`/api/layers/${KEL}/style`);
      const history = await s.db.knex('layer_history').count<{ n: string }[]>('* as n');
      const res = await put(KEL, body);
      expect(res.status).toBe(422);
      const problem = (await res.json()) as Problem;
      expect(problem.error.code).toBe('invalid_style');
      expect(problem.error.message).toMatch(/^The style was not saved: /);
      if (path) expect(problem.error.details.problems.map((p) => p.path)).toContain(path);
      expect((await s.json<StyleAnswer>(`/api/layers/${KEL}/style`)).body).toEqual(before.body);
      expect(await s.db.knex('layer_history').count<{ n: string }[]>('* as n')).toEqual(history);
    });
  }

  it('a property left out of the tiles the viewer reads', async () => {
    const { rows } = await s.db.knex.raw<{ rows: { slug: string }[] }>(
      `select slug from layers where tile_fields = '["nop"]'::jsonb and classification = 'publik' order by slug limit 1`,
    );
    const slug = rows[0]?.slug ?? '';
    const res = await put(slug, { kind: 'graduated', property: 'njop_per_m2' });
    expect(res.status).toBe(422);
    expect(((await res.json()) as Problem).error.message).toContain('tileFields');
  });

  it('a body that is not a JSON object: 400', async () => {
    expect((await put(KEL, '[1,2]')).status).toBe(400);
    expect((await put(KEL, '{"kind":')).status).toBe(400);
  });
});

describe('a MapLibre style for any list of layers', () => {
  it('is a valid style whose source, tiles and glyphs answer', async () => {
    const { status, body } = await s.json<StyleSpecification & { sources: { satupeta: { url: string } } }>(
      `/styles/${KEC},${KEL}.json`,
    );
    expect(status).toBe(200);
    expect(validateStyleMin(body)).toEqual([]);
    const url = body.sources.satupeta.url.replace(s.url, '');
    expect(url).toBe(`/tiles/${KEC},${KEL}.json`);
    expect((await s.get(url)).status).toBe(200);
    const glyphs = (body.glyphs ?? '')
      .replace(s.url, '')
      .replace('{fontstack}', 'Noto Sans Regular')
      .replace('{range}', '0-255');
    expect((await s.get(glyphs)).status).toBe(200);
    const sourceLayers = new Set(body.layers.map((l) => ('source-layer' in l ? l['source-layer'] : null)));
    expect([...sourceLayers].filter(Boolean).sort()).toEqual([KEC, KEL]);
  });

  it('hides terbatas layers like every other surface', async () => {
    expect((await s.get(`/styles/${s.terbatas}.json`)).status).toBe(404);
  });
});
