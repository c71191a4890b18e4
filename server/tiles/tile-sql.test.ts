import { describe, expect, it } from 'vitest';
import { featureRowsQuery, mvtQuery, tileParams, type TileLayerSpec } from './tile-sql.js';

const roads: TileLayerSpec = {
  id: 7,
  name: "jalan'; drop table layers;--",
  geometryType: 'LineString',
  minZoom: 10,
  fields: null,
};
const schools: TileLayerSpec = { id: 9, name: 'sekolah', geometryType: 'Point', minZoom: 14, fields: ['nama'] };
const p = { z: 14, x: 13046, y: 8473, cap: 500 };

describe('tile SQL', () => {
  it('binds z/x/y, names, ids, field lists and the cap as values, never as SQL text', () => {
    const q = mvtQuery([roads, schools], p);
    expect(q?.sql).not.toContain('13046');
    expect(q?.sql).not.toContain('drop table');
    expect(q?.sql).not.toContain('nama');
    const { unit, pixel } = tileParams(14);
    expect(q?.bindings).toEqual([unit, pixel, 14, 13046, 8473, roads.name, 7, 500, 'sekolah', 'nama', 'nama', 9, 500]);
    expect((q?.sql.match(/\?/g) ?? []).length).toBe(q?.bindings.length);
  });

  it('concatenates one ST_AsMVT per layer in the order asked, and leaves out layers below their min zoom', () => {
    const both = mvtQuery([schools, roads], p)?.sql ?? '';
    expect((both.match(/ST_AsMVT\(q/g) ?? []).length).toBe(2);
    expect(both.indexOf('ST_Length')).toBeGreaterThan(both.indexOf('ST_AsMVT(q'));
    const low = mvtQuery([schools, roads], { ...p, z: 12 });
    expect((low?.sql.match(/ST_AsMVT\(q/g) ?? []).length).toBe(1);
    expect(mvtQuery([schools], { ...p, z: 12 })).toBeNull();
  });

  it('builds each layer shape once and reuses the text', () => {
    const a = mvtQuery([roads], p)?.sql;
    const b = mvtQuery([{ ...roads, id: 99, name: 'lain' }], { ...p, z: 15, x: 1, y: 2 })?.sql;
    expect(a).toBe(b);
  });

  it('gives the JS encoder the same candidates, with the layer index to sort rows back', () => {
    const q = featureRowsQuery([roads, schools], p);
    expect((q?.sql.match(/union all/g) ?? []).length).toBe(1);
    expect(q?.bindings.slice(5)).toEqual([0, 7, 500, 1, 'nama', 'nama', 9, 500]);
    expect((q?.sql.match(/\?/g) ?? []).length).toBe(q?.bindings.length);
  });

  it('picks listed fields by key, in calls of at most 100 arguments, and none for an empty list', () => {
    const many = Array.from({ length: 90 }, (_, i) => `f${i}`);
    const q = mvtQuery([{ ...schools, fields: many }], p);
    expect((q?.sql.match(/jsonb_build_object\(/g) ?? []).length).toBe(3);
    expect(q?.sql).not.toContain('jsonb_each');
    expect((q?.sql.match(/\?/g) ?? []).length).toBe(q?.bindings.length);
    expect(q?.bindings).toContain('f89');
    const none = mvtQuery([{ ...schools, fields: [] }], p);
    expect(none?.sql).toContain(`'{}'::jsonb as properties`);
    expect(none?.bindings).toEqual([...q!.bindings.slice(0, 6), 9, 500]);
  });

  it('sizes a tile unit and a screen pixel from the zoom (EPSG:3857 metres)', () => {
    expect(tileParams(0).unit).toBeCloseTo(40075016.68557849 / 4096, 6);
    expect(tileParams(14).pixel).toBeCloseTo(40075016.68557849 / 2 ** 14 / 512, 6);
  });
});
