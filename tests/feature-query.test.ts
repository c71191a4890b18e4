import { describe, expect, it } from 'vitest';
import { useTestServer } from './support/use-test-server.js';

interface Feature {
  id: number;
  properties: Record<string, unknown>;
}
interface Page {
  numberMatched: number;
  numberReturned: number;
  features: Feature[];
  links: { rel: string; href: string }[];
}
interface Field {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
}

const s = useTestServer();
const KEL = 'batas-kelurahan-kota-tangerang';

/** A small deterministic generator (mulberry32), so a failing case can be replayed. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A random CQL2 text filter over a layer's fields, with the same predicate evaluated in JavaScript. */
function randomFilter(
  rnd: () => number,
  fields: Field[],
  sample: Record<string, unknown>[],
): [string, (p: Record<string, unknown>) => boolean] {
  const pick = <T>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
  const one = (): [string, (p: Record<string, unknown>) => boolean] => {
    const f = pick(fields);
    const values = sample
      .map((p) => p[f.name])
      .filter((v): v is string | number | boolean => ['string', 'number', 'boolean'].includes(typeof v));
    const v = values.length ? pick(values) : null;
    if (v === null) return [`${f.name} IS NULL`, (p) => p[f.name] === null || p[f.name] === undefined];
    if (f.type === 'integer' || f.type === 'number') {
      const op = pick(['<', '<=', '>', '>=', '=', '<>']);
      const cmp = {
        '<': (a: number) => a < Number(v),
        '<=': (a: number) => a <= Number(v),
        '>': (a: number) => a > Number(v),
        '>=': (a: number) => a >= Number(v),
        '=': (a: number) => a === Number(v),
        '<>': (a: number) => a !== Number(v),
      }[op] as (a: number) => boolean;
      return [`${f.name} ${op} ${String(v)}`, (p) => typeof p[f.name] === 'number' && cmp(p[f.name] as number)];
    }
    if (f.type === 'date') {
      return [
        `${f.name} >= DATE('${String(v)}')`,
        (p) => typeof p[f.name] === 'string' && (p[f.name] as string) >= String(v),
      ];
    }
    const text = String(v);
    if (rnd() < 0.5) return [`${f.name} = '${text.replace(/'/g, "''")}'`, (p) => p[f.name] === text];
    const prefix = text.slice(0, 1);
    return [
      `${f.name} LIKE '${prefix.replace(/'/g, "''")}%'`,
      (p) => typeof p[f.name] === 'string' && (p[f.name] as string).startsWith(prefix),
    ];
  };
  const [a, fa] = one();
  if (rnd() < 0.5) return [a, fa];
  const [b, fb] = one();
  return rnd() < 0.5 ? [`(${a}) AND (${b})`, (p) => fa(p) && fb(p)] : [`(${a}) OR NOT (${b})`, (p) => fa(p) || !fb(p)];
}

async function ids(path: string): Promise<number[]> {
  const res = await s.get(path);
  expect(res.status, path).toBe(200);
  const page = (await res.json()) as Page;
  expect(page.numberMatched, path).toBe(page.features.length);
  return page.features.map((f) => f.id).sort((x, y) => x - y);
}

describe('one feature query behind /api and /ogc', () => {
  it('gives /api, /ogc and a direct ST_Intersects the same features for 200 random boxes and CQL2 filters', async () => {
    const layers = (
      await s.db.knex.raw<{ rows: { slug: string; id: number; fields: Field[] }[] }>(
        `select distinct on (geometry_type, fields::text) slug, id, fields from layers
        where classification = 'publik' and feature_count > 0 and jsonb_array_length(fields) > 0
        order by geometry_type, fields::text, feature_count desc`,
      )
    ).rows.slice(0, 12);
    layers.push(
      ...(
        await s.db.knex.raw<{ rows: { slug: string; id: number; fields: Field[] }[] }>(
          'select slug, id, fields from layers where slug = ?',
          [KEL],
        )
      ).rows,
    );
    const rnd = random(20261129);
    const [x0, y0, x1, y1] = [106.55, -6.26, 106.75, -6.09];
    for (let i = 0; i < 200; i++) {
      const layer = layers[i % layers.length] as (typeof layers)[number];
      const all = (await s.json<Page>(`/ogc/collections/${layer.slug}/items?limit=10000`)).body.features;
      const w = 0.002 + rnd() * 0.08;
      const h = 0.002 + rnd() * 0.08;
      const lon = x0 + rnd() * (x1 - x0 - w);
      const lat = y0 + rnd() * (y1 - y0 - h);
      // 17 significant digits, as desktop clients print doubles.
      const bbox = [lon, lat, lon + w, lat + h].map((n) => n.toPrecision(17)).join(',');
      const [filter, keep] = randomFilter(
        rnd,
        layer.fields,
        all.map((f) => f.properties),
      );
      const { rows } = await s.db.knex.raw<{ rows: { fid: number }[] }>(
        'select fid from features where layer_id = ? and ST_Intersects(geom, ST_MakeEnvelope(?, ?, ?, ?, 4326))',
        [layer.id, lon, lat, lon + w, lat + h],
      );
      const inBox = new Set(rows.map((r) => r.fid));
      const expected = all
        .filter((f) => inBox.has(f.id) && keep(f.properties))
        .map((f) => f.id)
        .sort((x, y) => x - y);
      const q = `bbox=${bbox}&filter=${encodeURIComponent(filter)}&limit=10000`;
      expect(await ids(`/api/layers/${layer.slug}/features?${q}`), `${layer.slug} ${filter}`).toEqual(expected);
      expect(await ids(`/ogc/collections/${layer.slug}/items?${q}`), `${layer.slug} ${filter}`).toEqual(expected);
    }
  }, 300_000);

  it('accepts bbox numbers as desktop clients print them: 18 significant digits, exponents and -0', async () => {
    const qgis = '106.59666666666666401,-6.21999999999999975,106.70333333333333599,-6.11999999999999922';
    const plain = '106.59666666666666,-6.22,106.70333333333334,-6.12';
    const expected = await ids(`/ogc/collections/${KEL}/items?limit=500&bbox=${plain}`);
    expect(expected.length).toBeGreaterThan(10);
    expect(await ids(`/ogc/collections/${KEL}/items?limit=500&bbox=${qgis}`)).toEqual(expected);
    expect(await ids(`/api/layers/${KEL}/features?limit=500&bbox=${qgis}`)).toEqual(expected);
    expect(
      await ids(
        `/ogc/collections/${KEL}/items?limit=500&bbox=1.0659666666666666E2,-6.22e0,1.0670333333333334E+2,-612E-2`,
      ),
    ).toEqual(expected);
    const zero = await s.get(`/ogc/collections/${KEL}/items?bbox=-0,-0.0,0,0`);
    expect(zero.status).toBe(200);
  });

  it('returns only features that truly intersect the box, not those whose bounding box does', async () => {
    // A thin box along the edge of one kelurahan's envelope catches neighbours by their boxes only.
    const { rows } = await s.db.knex.raw<{ rows: { n_box: number; n_exact: number; x: number; y: number }[] }>(
      `with k as (select f.geom from features f join layers l on l.storage_id = f.layer_id where l.slug = ? and f.properties ->> 'nama' = 'Pajang'),
            b as (select ST_MakeEnvelope(ST_XMax(k.geom) - 0.0005, ST_YMin(k.geom), ST_XMax(k.geom), ST_YMin(k.geom) + 0.0005, 4326) as e,
                         ST_XMax(k.geom) as x, ST_YMin(k.geom) as y from k)
       select (select count(*)::int from features f join layers l on l.storage_id = f.layer_id, b where l.slug = ? and f.geom && b.e) as n_box,
              (select count(*)::int from features f join layers l on l.storage_id = f.layer_id, b where l.slug = ? and ST_Intersects(f.geom, b.e)) as n_exact,
              b.x, b.y from b`,
      [KEL, KEL, KEL],
    );
    const r = rows[0];
    if (!r) throw new Error('Pajang is missing from the fixtures');
    expect(r.n_box).toBeGreaterThan(r.n_exact);
    const bbox = [r.x - 0.0005, r.y, r.x, r.y + 0.0005].join(',');
    expect((await ids(`/ogc/collections/${KEL}/items?bbox=${bbox}`)).length).toBe(r.n_exact);
    expect((await ids(`/api/layers/${KEL}/features?bbox=${bbox}`)).length).toBe(r.n_exact);
  });

  it('tells GeoJSON clients how many features match, and links pages in the body and in Link headers', async () => {
    const res = await s.get(`/api/layers/${KEL}/features?limit=30&properties=nama`);
    const page = (await res.json()) as Page;
    expect(page.numberMatched).toBe(104);
    expect(page.numberReturned).toBe(30);
    const next = page.links.find((l) => l.rel === 'next')?.href ?? '';
    expect(res.headers.get('link')).toBe(`<${next}>; rel="next"; type="application/geo+json"`);
  });

  it('sorts by properties, ascending or descending, and pages a sorted result by offset', async () => {
    const byArea = (await s.json<Page>(`/ogc/collections/${KEL}/items?sortby=-luas_km2,nama&limit=500`)).body.features;
    const areas = byArea.map((f) => f.properties.luas_km2 as number);
    expect(areas).toEqual([...areas].sort((a, b) => b - a));
    // A "+" arrives as a space when a client does not encode it.
    const byName = (await s.json<Page>(`/ogc/collections/${KEL}/items?sortby=+nama&limit=500&properties=nama`)).body
      .features;
    const names = byName.map((f) => f.properties.nama as string);
    expect(names).toEqual([...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    expect(Object.keys(byName[0]?.properties ?? {})).toEqual(['nama']);
    const paged: number[] = [];
    let next: string | undefined = `/ogc/collections/${KEL}/items?sortby=-luas_km2,nama&limit=25`;
    while (next) {
      const page: Page = (await (await s.get(next.replace(s.url, ''))).json()) as Page;
      paged.push(...page.features.map((f) => f.id));
      expect(page.links.find((l) => l.rel === 'next')?.href ?? '').not.toContain('after=');
      next = page.links.find((l) => l.rel === 'next')?.href;
    }
    expect(paged).toEqual(byArea.map((f) => f.id));
    const offset = (await s.json<Page>(`/ogc/collections/${KEL}/items?offset=100&limit=10`)).body;
    expect(offset.features.map((f) => f.id)).toEqual(
      byName
        .map((f) => f.id)
        .sort((a, b) => a - b)
        .slice(100),
    );
    expect(offset.links.find((l) => l.rel === 'prev')?.href).toContain('offset=90');
  });

  it('gives a page past an offset exactly as the same slice of the whole, clipped to a district too', async () => {
    // Layer pages through /api (district and clip) and sorted OGC pages: each offset page is the
    // matching slice of one page holding everything, text for text.
    const api = '/api/layers/batas-kelurahan-kota-tangerang/features';
    for (const query of ['district=36.71.04&clip=true', 'sortby=-luas_km2,nama', 'bbox=106.6,-6.25,106.7,-6.1']) {
      const base = query.startsWith('sortby') ? `/ogc/collections/${KEL}/items` : api;
      const whole = (await s.json<Page>(`${base}?${query}&limit=500`)).body.features;
      expect(whole.length, query).toBeGreaterThan(6);
      for (const offset of [1, 5, whole.length - 2]) {
        const page = (await s.json<Page>(`${base}?${query}&limit=3&offset=${offset}`)).body.features;
        expect(page, `${query} offset=${offset}`).toEqual(whole.slice(offset, offset + 3));
      }
    }
  });

  it('takes a property list as repeated parameters, as OWSLib sends it', async () => {
    const page = (await s.json<Page>(`/ogc/collections/${KEL}/items?properties=nama&properties=kode&limit=1`)).body;
    expect(Object.keys(page.features[0]?.properties ?? {}).sort()).toEqual(['kode', 'nama']);
  });

  it('answers an equality parameter on a text property as text: 007 is not 7', async () => {
    const res = await s.get(`/ogc/collections/${KEL}/items?nama=007`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as Page).numberMatched).toBe(0);
    const num = await s.get(`/ogc/collections/${KEL}/items?luas_km2=-0`);
    expect(num.status).toBe(200);
    const bad = await s.get(`/ogc/collections/${KEL}/items?luas_km2=besar`);
    expect(bad.status).toBe(400);
  });

  it('links every collection list and collection to its HTML alternate', async () => {
    const list = await s.json<{
      links: { rel: string; type: string }[];
      collections: { links: { rel: string; type: string }[] }[];
    }>('/ogc/collections');
    expect(list.body.links.find((l) => l.rel === 'alternate')?.type).toBe('text/html');
    expect(list.body.collections[0]?.links.find((l) => l.rel === 'alternate')?.type).toBe('text/html');
  });
});
