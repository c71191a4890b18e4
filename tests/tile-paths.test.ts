import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { ANONYMOUS } from '../server/auth/access.js';
import { DistrictsService } from '../server/districts/districts-service.js';
import { CatalogService } from '../server/catalog/catalog-service.js';
import type { Database } from '../server/db/database.js';
import { TileCache } from '../server/tiles/tile-cache.js';
import { TilesService } from '../server/tiles/tiles-service.js';
import { decodeTile, tileOf, type DecodedFeature } from './support/mvt.js';
import { openTestDatabase } from './support/test-db.js';

// Comparing the two paths needs ST_AsMVT, which only the real PostGIS has: the embedded build
// lacks protobuf. On the embedded backend the JS path alone runs, in api-tiles.test.ts.
const onPostgres = inject('databaseUrl') !== '';
/** In tile units (4096 per tile). */
const TOLERANCE = 2;

let db: Database;
let service: TilesService;
beforeAll(async () => {
  db = await openTestDatabase();
  service = new TilesService(db.knex, new CatalogService(db.knex, new DistrictsService(db.knex)), new TileCache(0), {
    useMvt: db.capabilities.mvt,
    maxLayers: 20,
    maxFeatures: 10_000,
    registryTtlMs: 0,
  });
});
afterAll(() => db.close());

function bbox(f: DecodedFeature): [number, number, number, number] {
  const pts = f.rings.flat();
  return [
    Math.min(...pts.map((p) => p[0])),
    Math.min(...pts.map((p) => p[1])),
    Math.max(...pts.map((p) => p[0])),
    Math.max(...pts.map((p) => p[1])),
  ];
}

function area(f: DecodedFeature): number {
  let sum = 0;
  for (const ring of f.rings)
    for (let i = 0; i < ring.length; i++) {
      const [x1, y1] = ring[i] as [number, number];
      const [x2, y2] = ring[(i + 1) % ring.length] as [number, number];
      sum += x1 * y2 - x2 * y1;
    }
  return sum / 2;
}

describe.skipIf(!onPostgres)('the JS encoder path and ST_AsMVT', () => {
  it.each([
    [
      'kecamatan boundaries across tile edges',
      'batas-kecamatan-kota-tangerang,batas-kelurahan-kota-tangerang',
      tileOf(106.6559, -6.1256, 13),
    ],
    ['kelurahan boundaries at z15', 'batas-kelurahan-kota-tangerang', tileOf(106.6319, -6.1783, 15)],
  ])('carry the same features, properties and geometry: %s', async (_name, list, coord) => {
    const layers = await service.layers(ANONYMOUS, list);
    const fast = decodeTile((await service.render(layers, coord, true)).raw);
    const js = decodeTile((await service.render(layers, coord, false)).raw);
    expect([...js.keys()]).toEqual([...fast.keys()]);
    for (const [name, features] of fast) {
      const other = new Map((js.get(name) ?? []).map((f) => [f.id, f]));
      expect([...other.keys()].sort()).toEqual(features.map((f) => f.id).sort());
      for (const f of features) {
        const g = other.get(f.id) as DecodedFeature;
        expect(g.properties).toEqual(f.properties);
        expect(g.type).toBe(f.type);
        const [a, b] = [bbox(f), bbox(g)];
        // ST_AsMVTGeom snaps and repairs in its own order: vertices may land up to two tile units
        // apart (a quarter of a screen pixel at 512 px tiles), never more.
        for (let i = 0; i < 4; i++) expect(Math.abs((a[i] ?? 0) - (b[i] ?? 0))).toBeLessThanOrEqual(TOLERANCE);
        // Area within one tile unit along the outline: the same shape up to rounding.
        const perimeter = 2 * (a[2] - a[0] + a[3] - a[1]);
        expect(Math.abs(area(f) - area(g))).toBeLessThanOrEqual(perimeter);
        expect(area(g)).toBeGreaterThan(0);
      }
    }
  });

  it('agree on generated sample layers of every geometry type', async () => {
    const { rows } = await db.knex.raw<{ rows: { slug: string; geometry_type: string; x: number; y: number }[] }>(
      `select distinct on (geometry_type) slug, geometry_type, ST_X(ST_Centroid(extent)) as x, ST_Y(ST_Centroid(extent)) as y
         from layers where classification = 'publik' and is_sample and feature_count > 5 order by geometry_type, slug`,
    );
    expect(rows).toHaveLength(3);
    for (const r of rows) {
      const coord = tileOf(r.x, r.y, 14);
      const layers = await service.layers(ANONYMOUS, r.slug);
      const fast = decodeTile((await service.render(layers, coord, true)).raw).get(r.slug) ?? [];
      const js = decodeTile((await service.render(layers, coord, false)).raw).get(r.slug) ?? [];
      expect(js.map((f) => f.id).sort()).toEqual(fast.map((f) => f.id).sort());
      const byId = new Map(js.map((f) => [f.id, f]));
      for (const f of fast) {
        expect(byId.get(f.id)?.properties).toEqual(f.properties);
        const [a, b] = [bbox(f), bbox(byId.get(f.id) as DecodedFeature)];
        for (let i = 0; i < 4; i++) expect(Math.abs((a[i] ?? 0) - (b[i] ?? 0))).toBeLessThanOrEqual(TOLERANCE);
      }
    }
  });
});

it('uses the path the database supports', () => {
  expect(db.capabilities.mvt).toBe(onPostgres);
});
