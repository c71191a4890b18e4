import { describe, expect, it } from 'vitest';
import { ANONYMOUS } from '../server/auth/access.js';
import { refreshLayerStats } from '../server/features/feature-write-sql.js';
import { CatalogService } from '../server/catalog/catalog-service.js';
import { DistrictsService } from '../server/districts/districts-service.js';
import { QualityService } from '../server/quality/quality-service.js';
import { layerRow } from './support/queries.js';
import { useTestServer } from './support/use-test-server.js';

interface Report {
  standard: string;
  elements: { element: string; sni: string; filled: number; percent: number; missing: string[] }[];
  total: number;
  agencies: {
    code: string;
    averageScore: number;
    layersWithGaps: number;
    invalidGeometries: number;
    outsideCity: number;
    emptyLayers: number;
  }[];
  items: {
    id: string;
    score: number;
    missing: string[];
    checks: { invalidGeometries: number; outsideCity: number; empty: boolean };
  }[];
}

const s = useTestServer();

describe('metadata quality', () => {
  it('scores every visible layer against the 14 required elements', async () => {
    const { body } = await s.json<Report>('/api/quality?limit=5000');
    const visible = await s.json<{ total: number }>('/api/layers?limit=1');
    expect(body.elements).toHaveLength(14);
    expect(body.total).toBe(visible.body.total);
    expect(body.items.map((l) => l.id)).not.toContain(s.terbatas);
    const real = body.items.find((l) => l.id === 'batas-kelurahan-kota-tangerang');
    expect(real).toMatchObject({ score: 100, missing: [] });
    // Per SNI 8843-1 element: how many layers fill it, from the same scores as the layers.
    expect(body.standard).toMatch(/SNI 8843-1/);
    for (const e of body.elements) {
      expect(e.sni, e.element).not.toBe('');
      expect(e.filled, e.element).toBe(body.items.filter((l) => !l.missing.includes(e.element)).length);
      expect(e.percent).toBe(Math.round((e.filled / body.items.length) * 1000) / 10);
    }
    const contact = body.elements.find((e) => e.element === 'contact');
    expect(contact?.filled).toBeLessThan(body.items.length);
    expect(contact?.missing.length).toBeGreaterThan(0);
  });

  it('finds exactly the gaps the data has, agency by agency', async () => {
    const { body } = await s.json<Report>('/api/quality?agency=setwan&limit=5000');
    const noContact = Number(
      (
        await s.db
          .knex('layers')
          .where({ agency_code: 'setwan', classification: 'publik' })
          .whereNull('contact_email')
          .count<{ n: string }[]>('* as n')
      )[0]?.n,
    );
    expect(noContact).toBeGreaterThan(0);
    expect(body.items.filter((l) => l.missing.includes('contact'))).toHaveLength(noContact);
    const all = await s.json<Report>('/api/quality?limit=1');
    const setwan = all.body.agencies.find((a) => a.code === 'setwan');
    const disdik = all.body.agencies.find((a) => a.code === 'disdik');
    expect(setwan?.averageScore).toBeLessThan(100);
    expect(setwan?.layersWithGaps).toBeGreaterThan(0);
    expect(disdik).toMatchObject({
      averageScore: 100,
      layersWithGaps: 0,
      invalidGeometries: 0,
      outsideCity: 0,
      emptyLayers: 0,
    });
    // Worst first.
    expect(all.body.agencies[0]?.averageScore).toBeLessThanOrEqual(all.body.agencies.at(-1)?.averageScore ?? 0);
  });

  it('lists only layers with problems on request', async () => {
    const { body } = await s.json<Report>('/api/quality?onlyGaps=true&limit=5000');
    expect(body.total).toBeGreaterThan(0);
    expect(body.items.every((l) => l.missing.length > 0)).toBe(true);
  });

  it('counts invalid geometries and features far outside the city once a layer is refreshed', async () => {
    const undo = new Error('undo');
    const change = s.db.knex.transaction(async (trx) => {
      const { id } = await layerRow(trx, { slug: 'batas-kota-tangerang' });
      await trx.raw(
        `insert into features (layer_id, fid, properties, geom) values
        (?, 900, '{}', ST_GeomFromText('POLYGON((106.6 -6.2, 106.61 -6.19, 106.61 -6.2, 106.6 -6.19, 106.6 -6.2))', 4326)),
        (?, 901, '{}', ST_GeomFromText('POINT(106.8456 -6.2088)', 4326))`,
        [id, id],
      );
      await refreshLayerStats(trx, [id]);
      const report = await new QualityService(trx, new CatalogService(trx, new DistrictsService(trx))).report(
        ANONYMOUS,
        'setda',
      );
      expect(report.layers.find((l) => l.id === 'batas-kota-tangerang')?.checks).toMatchObject({
        invalidGeometries: 1,
        outsideCity: 1,
      });
      expect(report.agencies[0]).toMatchObject({ invalidGeometries: 1, outsideCity: 1 });
      throw undo;
    });
    await expect(change).rejects.toBe(undo);
  });

  it('answers an unknown agency with 400', async () => {
    const res = await s.json<{ error: { code: string } }>('/api/quality?agency=tidak-ada');
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('unknown_agency');
  });
});
