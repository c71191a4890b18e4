import { describe, expect, it } from 'vitest';
import { useTestServer } from './support/use-test-server.js';

interface LayerItem {
  id: string;
  title: string;
  classification: string;
  agency: { code: string };
  theme: { code: string };
  geometryType: string;
  featureCount: number;
}
interface List<T> {
  total: number;
  items: T[];
  links: { rel: string; href: string }[];
}

const s = useTestServer();

describe('catalog', () => {
  it('lists only publik layers to anonymous callers, counted exactly', async () => {
    const publik = (await s.db.knex('layers').where({ classification: 'publik' }).count<{ n: string }[]>('* as n'))[0]
      ?.n;
    const { status, body } = await s.json<List<LayerItem>>('/api/layers?limit=500');
    expect(status).toBe(200);
    expect(body.total).toBe(Number(publik));
    expect(body.total).toBeLessThan(2491);
    expect(body.items).toHaveLength(500);
    expect(body.items.every((l) => l.classification === 'publik')).toBe(true);
  });

  it('pages with next links until every visible layer has been seen once', async () => {
    const seen = new Set<string>();
    let next: string | undefined = '/api/layers?limit=500';
    let total = 0;
    while (next) {
      const { body }: { body: List<LayerItem> } = await s.json<List<LayerItem>>(next.replace(s.url, ''));
      total = body.total;
      for (const l of body.items) seen.add(l.id);
      next = body.links.find((l) => l.rel === 'next')?.href;
    }
    expect(seen.size).toBe(total);
  });

  it('answers a terbatas layer exactly like a missing one', async () => {
    const hidden = await s.json<{ error: { code: string } }>(`/api/layers/${s.terbatas}`);
    const missing = await s.json<{ error: { code: string } }>('/api/layers/tidak-ada-layer-ini');
    expect(hidden.status).toBe(404);
    expect(hidden.body.error.code).toBe(missing.body.error.code);
    const search = await s.json<List<LayerItem>>(
      `/api/layers?q=${encodeURIComponent(s.terbatas.split('-').slice(1, 3).join(' '))}&limit=500`,
    );
    expect(search.body.items.map((l) => l.id)).not.toContain(s.terbatas);
  });

  it('finds a layer by an Indonesian word in another case and with accents', async () => {
    const plain = await s.json<List<LayerItem>>('/api/layers?q=posyandu');
    const odd = await s.json<List<LayerItem>>('/api/layers?q=P%C3%93SY%C3%80NDU');
    expect(plain.body.total).toBeGreaterThan(0);
    expect(odd.body.total).toBe(plain.body.total);
    expect(plain.body.items[0]?.title).toMatch(/Posyandu/);
  });

  it('matches word prefixes while typing and ranks title hits first', async () => {
    const { body } = await s.json<List<LayerItem>>('/api/layers?q=sekol%20ciled');
    expect(body.total).toBeGreaterThan(0);
    expect(body.items[0]?.title).toMatch(/^Sekolah .*Ciledug/);
    for (const l of body.items) expect(l.title).toMatch(/Ciledug/);
  });

  it('filters by agency, theme, geometry type and district together', async () => {
    const { body } = await s.json<List<LayerItem>>(
      '/api/layers?agency=disdik&theme=fasilitas-pendidikan&geometryType=Point&district=36.71.05&limit=100',
    );
    expect(body.total).toBeGreaterThan(0);
    for (const l of body.items) {
      expect(l.agency.code).toBe('disdik');
      expect(l.theme.code).toBe('fasilitas-pendidikan');
      expect(l.geometryType).toBe('Point');
    }
  });

  it('lists by district only layers that have features there', async () => {
    const { body } = await s.json<List<LayerItem>>('/api/layers?district=36.71.04.1004&limit=500');
    expect(body.total).toBeGreaterThan(0);
    const layer = body.items.find((l) => l.featureCount > 0 && l.id.startsWith('kec-benda'));
    expect(layer).toBeDefined();
    const inside = await s.json<{ numberReturned: number }>(
      `/api/layers/${layer?.id}/features?district=36.71.04.1004&limit=1`,
    );
    expect(inside.body.numberReturned).toBe(1);
  });

  it('gives full Satu Data metadata for one layer', async () => {
    const { status, body } = await s.json<{
      id: string;
      metadata: Record<string, unknown>;
      fields: unknown[];
      bbox: number[];
    }>('/api/layers/batas-kelurahan-kota-tangerang');
    expect(status).toBe(200);
    expect(body.metadata).toMatchObject({ sampleData: false, referenceSystem: 'EPSG:4326', scale: '1:10.000' });
    expect(body.fields.length).toBeGreaterThan(0);
    expect(body.bbox[0]).toBeCloseTo(106.5515, 3);
  });

  it('lists 43 agencies and the themes with visible layer counts', async () => {
    const agencies = await s.json<List<{ code: string; layerCount: number; kind: string }>>('/api/agencies');
    expect(agencies.body.total).toBe(43);
    expect(agencies.body.items.filter((a) => a.kind === 'kecamatan')).toHaveLength(13);
    expect(agencies.body.items.filter((a) => a.kind === 'bumd')).toHaveLength(3);
    const layers = await s.json<List<LayerItem>>('/api/layers?limit=1');
    expect(agencies.body.items.reduce((n, a) => n + a.layerCount, 0)).toBe(layers.body.total);
    const themes = await s.json<List<{ code: string; kugiCode: string; layerCount: number }>>('/api/themes');
    expect(themes.body.items.reduce((n, t) => n + t.layerCount, 0)).toBe(layers.body.total);
    expect(themes.body.items.find((t) => t.code === 'transportasi')?.kugiCode).toBe('C');
  });

  it('reports health with the backend and its capabilities', async () => {
    const { body } = await s.json<{
      status: string;
      database: { backend: string; postgis: string };
      capabilities: { mvt: boolean };
    }>('/api/health');
    expect(body.status).toBe('ok');
    expect(body.database.postgis).toMatch(/^3\./);
    expect(body.capabilities.mvt).toBe(body.database.backend === 'postgresql');
  });
});
