import { describe, expect, it } from 'vitest';
import { useTestServer } from './support/use-test-server.js';

interface D {
  code: string;
  name: string;
  level: string;
  parentCode: string | null;
  areaKm2: number;
}
interface Lookup {
  inside: boolean;
  kecamatan: D | null;
  kelurahan: D | null;
  kota: D | null;
  message: string;
}

const s = useTestServer();

describe('districts', () => {
  it('lists the city, 13 kecamatan and 104 kelurahan with parents and areas', async () => {
    const { body } = await s.json<{ total: number; items: D[] }>('/api/districts');
    expect(body.total).toBe(118);
    expect(body.items.filter((d) => d.level === 'kecamatan')).toHaveLength(13);
    const kel = body.items.filter((d) => d.level === 'kelurahan');
    expect(kel).toHaveLength(104);
    const codes = new Set(body.items.map((d) => d.code));
    for (const k of kel) expect(codes.has(k.parentCode ?? '')).toBe(true);
    const total = kel.reduce((a, k) => a + k.areaKm2, 0);
    expect(total).toBeCloseTo(178.357, 1);
  });

  it('filters by level and parent', async () => {
    const { body } = await s.json<{ total: number; items: D[] }>('/api/districts?level=kelurahan&parent=36.71.04');
    expect(body.items.map((d) => d.name)).toContain('Pajang');
    expect(body.items.every((d) => d.parentCode === '36.71.04')).toBe(true);
  });

  it('serves districts as GeoJSON with geometry', async () => {
    const res = await s.get('/api/districts?format=geojson&level=kecamatan');
    expect(res.headers.get('content-type')).toMatch(/geo\+json/);
    const fc = (await res.json()) as { features: { id: string; geometry: { type: string } }[] };
    expect(fc.features).toHaveLength(13);
    expect(fc.features[0]?.geometry.type).toBe('MultiPolygon');
  });

  it('gives one label point inside each district', async () => {
    const fc = (await (await s.get('/api/districts?format=geojson&geometry=label&level=kecamatan')).json()) as {
      features: { geometry: { type: string; coordinates: [number, number] }; properties: D }[];
    };
    expect(fc.features).toHaveLength(13);
    for (const f of fc.features) {
      expect(f.geometry.type).toBe('Point');
      const { body } = await s.json<{ kecamatan: D | null }>(
        `/api/districts/lookup?lon=${f.geometry.coordinates[0]}&lat=${f.geometry.coordinates[1]}`,
      );
      expect(body.kecamatan?.code).toBe(f.properties.code);
    }
  });

  it('returns one district by dotted or compact code', async () => {
    const dotted = await s.json<{ properties: D }>('/api/districts/36.71.12');
    const compact = await s.json<{ properties: D }>('/api/districts/367112');
    expect(dotted.body.properties.name).toBe('Karang Tengah');
    expect(compact.body.properties.code).toBe('36.71.12');
  });

  it('places the airport in Kelurahan Pajang, Kecamatan Benda', async () => {
    const { status, body } = await s.json<Lookup>('/api/districts/lookup?lon=106.6559&lat=-6.1256');
    expect(status).toBe(200);
    expect(body.inside).toBe(true);
    expect(body.kelurahan).toMatchObject({ name: 'Pajang', code: '36.71.04.1004' });
    expect(body.kecamatan).toMatchObject({ name: 'Benda', code: '36.71.04' });
  });

  it('places 106.6319, -6.1783 in Sukasari, Kecamatan Tangerang', async () => {
    const { body } = await s.json<Lookup>('/api/districts/lookup?lon=106.6319&lat=-6.1783');
    expect(body.kelurahan?.name).toBe('Sukasari');
    expect(body.kecamatan?.name).toBe('Tangerang');
  });

  it('says clearly when a point is outside Kota Tangerang', async () => {
    const { status, body } = await s.json<Lookup>('/api/districts/lookup?lon=106.8456&lat=-6.2088');
    expect(status).toBe(200);
    expect(body.inside).toBe(false);
    expect(body.kelurahan).toBeNull();
    expect(body.message).toMatch(/luar Kota Tangerang/);
  });

  it('lists the visible layers with features in a kelurahan, with counts', async () => {
    const { body } = await s.json<{ total: number; items: { slug: string; featureCount: number }[] }>(
      '/api/districts/36.71.04.1004/layers',
    );
    expect(body.total).toBeGreaterThan(0);
    expect(body.items.every((l) => l.featureCount > 0)).toBe(true);
    const terbatas = new Set(
      (await s.db.knex('layers').where({ classification: 'terbatas' }).pluck('slug')) as string[],
    );
    expect(body.items.some((l) => terbatas.has(l.slug))).toBe(false);
  });
});
