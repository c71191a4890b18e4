import { beforeAll, describe, expect, it } from 'vitest';
import { seedIfEmpty } from '../fixtures/seed.js';
import { TokenStore } from '../server/auth/token-store.js';
import { useTestServer } from './support/use-test-server.js';

interface Values {
  items: { code: string; value: number | null }[];
}
interface Detail {
  id: string;
  derivedFrom: {
    measure: string;
    sources: { layer: string; period: string; dataVersion: number; upToDate: boolean }[];
  } | null;
}
interface ErrorBody {
  error: { code: string; details: { field?: string } };
}

// Uploads features and creates elements, so it runs on its own copy of the database.
const s = useTestServer({ writable: true });
const tokens: Record<'disdik' | 'dpupr', string> = { disdik: '', dpupr: '' };
const auth = (who: keyof typeof tokens) => ({ Authorization: `Bearer ${tokens[who]}` });

beforeAll(async () => {
  const store = new TokenStore(s.db.knex);
  for (const agency of ['disdik', 'dpupr'] as const) {
    tokens[agency] = (
      await store.create({ name: `${agency} editor`, role: 'editor', agencies: [agency], createdBy: 'test' })
    ).token;
  }
});

/** Features of the given layers counted per district of a level by their point on surface, in SQL written here. */
async function countByDistrict(level: string, layerLike: string): Promise<Map<string, number>> {
  const { rows } = await s.db.knex.raw<{ rows: { code: string; n: number }[] }>(
    `select d.code, count(f.fid)::int as n
       from districts d
       left join (select f.fid, f.geom from features f join layers l on l.storage_id = f.layer_id
                   where l.classification = 'publik' and l.slug like ?) f on ST_Within(ST_PointOnSurface(f.geom), d.geom)
      where d.level = ? group by d.code`,
    [layerLike, level],
  );
  return new Map(rows.map((r) => [r.code, r.n]));
}

describe('data elements computed from layers', () => {
  it('counts the schools of the sample catalog per kecamatan and kelurahan as PostGIS counts them', async () => {
    for (const level of ['kecamatan', 'kelurahan']) {
      const expected = await countByDistrict(level, 'disdik-sekolah-dasar-%-2025');
      const got = (await s.json<Values>(`/api/elements/peta-jumlah-sekolah-dasar/values?level=${level}&period=2025`))
        .body.items;
      expect(got).toHaveLength(expected.size);
      for (const v of got) expect(v.value).toBe(expected.get(v.code));
    }
    // The city counts its own features: the simplified kecamatan polygons leave slivers, so their sum may differ.
    const city = (await s.json<Values>('/api/elements/peta-jumlah-sekolah-dasar/values?level=kota&period=2025')).body
      .items[0]?.value;
    expect(city).toBe((await countByDistrict('kota', 'disdik-sekolah-dasar-%-2025')).get('36.71'));
  });

  it('says which layers and data versions an element was computed from', async () => {
    const d = (await s.json<Detail>('/api/elements/peta-jumlah-sekolah-dasar')).body;
    expect(d.derivedFrom?.measure).toBe('count');
    expect(d.derivedFrom?.sources.length).toBeGreaterThan(13);
    expect(d.derivedFrom?.sources.every((x) => x.upToDate && /^disdik-sekolah-dasar-/.test(x.layer))).toBe(true);
  });

  it('recomputes in the same transaction when a source layer gets new features', async () => {
    const {
      rows: [layer],
    } = await s.db.knex.raw<{ rows: { slug: string }[] }>(
      `select slug from layers where slug like 'disdik-sekolah-dasar-benda-2025'`,
    );
    if (!layer) throw new Error('no SD layer for Benda in the fixtures');
    const before = (await s.json<Values>('/api/elements/peta-jumlah-sekolah-dasar/values?level=kelurahan&period=2025'))
      .body.items;
    // A new school at the airport, in Kelurahan Pajang.
    const feature = {
      type: 'Feature',
      properties: { nama: 'SD Uji Bandara' },
      geometry: { type: 'Point', coordinates: [106.6559, -6.1256] },
    };
    const res = await s.get(`/api/layers/${layer.slug}/features?mode=append`, {
      method: 'POST',
      headers: { ...auth('disdik'), 'Content-Type': 'application/geo+json' },
      body: JSON.stringify({ type: 'FeatureCollection', features: [feature] }),
    });
    expect(res.status).toBe(200);
    const after = (await s.json<Values>('/api/elements/peta-jumlah-sekolah-dasar/values?level=kelurahan&period=2025'))
      .body.items;
    const pajang = (list: Values['items']) => list.find((v) => v.code === '36.71.04.1004')?.value ?? 0;
    expect(pajang(after)).toBe(pajang(before) + 1);
    expect(after.filter((v) => v.code !== '36.71.04.1004')).toEqual(before.filter((v) => v.code !== '36.71.04.1004'));
    const d = (await s.json<Detail>('/api/elements/peta-jumlah-sekolah-dasar')).body;
    expect(d.derivedFrom?.sources.every((x) => x.upToDate)).toBe(true);
  });

  it("lets an editor define an element from its agency's line layers, measured in km per kelurahan", async () => {
    const { rows } = await s.db.knex.raw<{ rows: { slug: string; year: string }[] }>(
      `select slug, right(slug, 4) as year from layers where slug like 'dpupr-ruas-jalan-sisja-%' and classification = 'publik' order by slug`,
    );
    const res = await s.get('/api/elements', {
      method: 'POST',
      headers: { ...auth('dpupr'), 'Content-Type': 'application/json' },
      body: JSON.stringify({
        slug: 'uji-panjang-jalan',
        name: 'Panjang jalan SISJA per kelurahan',
        agency: 'dpupr',
        theme: 'transportasi',
        measure: 'length_km',
        sources: rows.map((r) => ({ layer: r.slug, period: r.year })),
      }),
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('location')).toMatch(/\/api\/elements\/uji-panjang-jalan$/);
    const { rows: expected } = await s.db.knex.raw<{ rows: { code: string; km: number }[] }>(
      `select d.code, coalesce(sum(ST_Length(ST_Intersection(f.geom, d.geom)::geography)) / 1000, 0) as km
         from districts d left join (select f.geom from features f join layers l on l.storage_id = f.layer_id
                                      where l.slug like 'dpupr-ruas-jalan-sisja-%' and l.classification = 'publik') f on ST_Intersects(f.geom, d.geom)
        where d.level = 'kelurahan' group by d.code`,
    );
    const got = new Map(
      (
        await s.json<Values>(`/api/elements/uji-panjang-jalan/values?level=kelurahan&period=${rows[0]?.year}`)
      ).body.items.map((v) => [v.code, v.value]),
    );
    for (const e of expected) expect(got.get(e.code)).toBeCloseTo(e.km, 3);
    const search = await s.json<{ items: { id: string }[] }>('/api/elements?q=panjang%20jalan%20sisja');
    expect(search.body.items.map((i) => i.id)).toContain('uji-panjang-jalan');
  });

  it.each<[string, () => Record<string, unknown>, keyof typeof tokens | null, number, string]>([
    ['without a token', () => ({}), null, 401, 'authentication_required'],
    [
      "from another agency's layer",
      () => body({ agency: 'dpupr', sources: [{ layer: 'batas-kota-tangerang', period: '2024' }] }),
      'dpupr',
      403,
      'forbidden',
    ],
    ['for another agency', () => body({ agency: 'disdik' }), 'dpupr', 403, 'forbidden'],
    [
      'measuring length on points',
      () => body({ measure: 'length_km', sources: [{ layer: 'dpupr-jembatan-benda-2025', period: '2025' }] }),
      'dpupr',
      400,
      'invalid_element',
    ],
    [
      'per 1,000 inhabitants without a population element',
      () => body({ measure: 'per_1000' }),
      'dpupr',
      400,
      'invalid_element',
    ],
    [
      'from a layer that does not exist',
      () => body({ sources: [{ layer: 'tidak-ada', period: '2025' }] }),
      'dpupr',
      404,
      'layer_not_found',
    ],
    ['with an unknown field', () => body({ warna: 'merah' }), 'dpupr', 400, 'invalid_element'],
    [
      'with a bad period',
      () => body({ sources: [{ layer: 'dpupr-jembatan-benda-2025', period: 'tahun lalu' }] }),
      'dpupr',
      400,
      'invalid_element',
    ],
    ['with an unknown measure', () => body({ measure: 'volume' }), 'dpupr', 400, 'invalid_element'],
    ['with an id already taken', () => body({ slug: 'peta-jumlah-sekolah-dasar' }), 'dpupr', 409, 'element_exists'],
  ])('refuses an element %s, and writes nothing', async (_name, make, who, status, code) => {
    const before = await s.db.knex('elements').count<{ n: string }[]>('* as n');
    const res = await s.get('/api/elements', {
      method: 'POST',
      headers: { ...(who ? auth(who) : {}), 'Content-Type': 'application/json' },
      body: JSON.stringify(make()),
    });
    expect(res.status).toBe(status);
    expect(((await res.json()) as ErrorBody).error.code).toBe(code);
    expect(await s.db.knex('elements').count<{ n: string }[]>('* as n')).toEqual(before);
  });
});

describe('upgrading a catalog seeded before data elements existed', () => {
  it('adds the elements on the next start and leaves layers and features as they were', async () => {
    const count = async () =>
      (
        await s.db.knex.raw<{ rows: { layers: number; features: number; elements: number }[] }>(
          `select (select count(*)::int from layers) as layers, (select count(*)::int from features) as features,
                  (select count(*)::int from elements) as elements`,
        )
      ).rows[0];
    const before = await count();
    await s.db.knex('elements').delete();
    expect((await count())?.elements).toBe(0);
    expect(await seedIfEmpty(s.db.knex, 'demo')).toBeNull();
    expect(await count()).toEqual({ layers: before?.layers, features: before?.features, elements: 5061 });
    // Computed elements are computed again. Checked in the database: on the embedded backend the
    // seeding blocks this process long enough for the server to drop the test's kept-alive connection.
    const {
      rows: [v],
    } = await s.db.knex.raw<{ rows: { n: number }[] }>(
      `select count(*)::int as n from element_values v join elements e on e.id = v.element_id where e.slug = 'peta-jumlah-sekolah-dasar'`,
    );
    expect(v?.n).toBeGreaterThan(100);
  });
});

function body(change: Record<string, unknown>): Record<string, unknown> {
  return {
    slug: 'uji-jembatan',
    name: 'Jumlah jembatan',
    agency: 'dpupr',
    theme: 'transportasi',
    measure: 'count',
    sources: [{ layer: 'dpupr-jembatan-benda-2025', period: '2025' }],
    ...change,
  };
}
