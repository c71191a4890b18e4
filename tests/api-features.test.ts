import { describe, expect, it } from 'vitest';
import { useTestServer } from './support/use-test-server.js';

type Position = [number, number];
interface Feature {
  type: 'Feature';
  id: number;
  geometry: { type: string; coordinates: unknown };
  properties: Record<string, unknown>;
}
interface FC {
  type: 'FeatureCollection';
  numberReturned: number;
  features: Feature[];
  links: { rel: string; href: string }[];
}

const s = useTestServer();

function signedArea(ring: Position[]): number {
  let sum = 0;
  for (let i = 0; i < ring.length - 1; i++)
    sum +=
      (ring[i] as Position)[0] * (ring[i + 1] as Position)[1] - (ring[i + 1] as Position)[0] * (ring[i] as Position)[1];
  return sum / 2;
}

function decimals(n: number): number {
  const text = String(n);
  return text.includes('.') ? (text.split('.')[1] ?? '').length : 0;
}

describe('GeoJSON features', () => {
  it('returns RFC 7946 output: lon/lat, counter-clockwise exterior rings, at most 7 decimals', async () => {
    const res = await s.get('/api/layers/batas-kelurahan-kota-tangerang/features?limit=200');
    expect(res.headers.get('content-type')).toMatch(/application\/geo\+json/);
    const fc = (await res.json()) as FC;
    expect(fc.type).toBe('FeatureCollection');
    expect(fc.features).toHaveLength(104);
    for (const f of fc.features) {
      const ring = (f.geometry.coordinates as Position[][])[0] as Position[];
      expect(signedArea(ring)).toBeGreaterThan(0);
      for (const [lon, lat] of ring) {
        expect(lon).toBeGreaterThan(106.5);
        expect(lon).toBeLessThan(106.8);
        expect(lat).toBeGreaterThan(-6.3);
        expect(lat).toBeLessThan(-6.0);
        expect(decimals(lon)).toBeLessThanOrEqual(7);
        expect(decimals(lat)).toBeLessThanOrEqual(7);
      }
    }
  });

  it('pages with next links until every feature of the layer is read once', async () => {
    const count = Number(
      (
        await s.db
          .knex('features as f')
          .join('layers as l', 'l.storage_id', 'f.layer_id')
          .where('l.slug', 'batas-kelurahan-kota-tangerang')
          .count<{ n: string }[]>('* as n')
      )[0]?.n,
    );
    const ids = new Set<number>();
    let next: string | undefined = '/api/layers/batas-kelurahan-kota-tangerang/features?limit=30&properties=nama';
    let pages = 0;
    while (next) {
      const fc: FC = (await (await s.get(next.replace(s.url, ''))).json()) as FC;
      for (const f of fc.features) ids.add(f.id);
      next = fc.links.find((l) => l.rel === 'next')?.href;
      pages++;
    }
    expect(ids.size).toBe(count);
    expect(pages).toBe(Math.ceil(count / 30));
  });

  it('keeps only the asked properties', async () => {
    const fc = (await (
      await s.get('/api/layers/batas-kecamatan-kota-tangerang/features?properties=nama,kode')
    ).json()) as FC;
    expect(fc.features).toHaveLength(13);
    for (const f of fc.features) expect(Object.keys(f.properties).sort()).toEqual(['kode', 'nama']);
  });

  it('filters by bbox', async () => {
    // A small box around the airport, in Kelurahan Pajang (Benda).
    const fc = (await (
      await s.get('/api/layers/batas-kelurahan-kota-tangerang/features?bbox=106.655,-6.126,106.656,-6.125')
    ).json()) as FC;
    expect(fc.features.map((f) => f.properties.nama)).toContain('Pajang');
    expect(fc.features.length).toBeLessThan(5);
  });

  it('filters by district, and clips to it on request', async () => {
    const filtered = (await (
      await s.get('/api/layers/batas-kecamatan-kota-tangerang/features?district=36.71.04.1004')
    ).json()) as FC;
    expect(filtered.features.map((f) => f.properties.nama)).toContain('Benda');
    const clipped = (await (
      await s.get('/api/layers/batas-kota-tangerang/features?district=36.71.04.1004&clip=true')
    ).json()) as FC;
    expect(clipped.features).toHaveLength(1);
    const whole = (await (await s.get('/api/layers/batas-kota-tangerang/features')).json()) as FC;
    expect(JSON.stringify(clipped.features[0]?.geometry).length).toBeLessThan(
      JSON.stringify(whole.features[0]?.geometry).length,
    );
  });

  it('returns one feature by id', async () => {
    const res = await s.get('/api/layers/batas-kecamatan-kota-tangerang/features/1');
    expect(res.status).toBe(200);
    const f = (await res.json()) as Feature;
    expect(f).toMatchObject({ type: 'Feature', id: 1 });
    expect(f.properties.nama).toBeTypeOf('string');
  });

  it('says which data version a page came from', async () => {
    const layer = await s.json<{ dataVersion: number }>('/api/layers/batas-kota-tangerang');
    const fc = await s.json<{ dataVersion: number }>('/api/layers/batas-kota-tangerang/features');
    expect(fc.body.dataVersion).toBe(layer.body.dataVersion);
  });

  it('tags a page with its data version and URL, and answers 304 to the tag, on /api and on OGC items', async () => {
    const layer = await s.json<{ dataVersion: number }>('/api/layers/batas-kecamatan-kota-tangerang');
    for (const path of [
      '/api/layers/batas-kecamatan-kota-tangerang/features?limit=3',
      '/ogc/collections/batas-kecamatan-kota-tangerang/items?limit=3',
    ]) {
      const first = await s.get(path);
      const etag = first.headers.get('etag') ?? '';
      expect(etag).toMatch(new RegExp(`^"v${layer.body.dataVersion}-`));
      const again = await s.get(path, { headers: { 'If-None-Match': etag } });
      expect(again.status).toBe(304);
      expect(await again.text()).toBe('');
      const other = await s.get(path.replace('limit=3', 'limit=4'));
      expect(other.headers.get('etag')).not.toBe(etag);
    }
  });
});
