import { describe, expect, it } from 'vitest';
import { AppError } from '../http/app-error.js';
import { spatialFilter } from './esri-geometry.js';
import { parseSpatialReference } from './spatial-reference.js';

const literal = (geometry: string, extra: Record<string, string> = {}) => {
  const e = spatialFilter({ geometry, ...extra }, 4326);
  if (e?.kind !== 'spatial') throw new Error('not a spatial node');
  const side = e.args.find((a) => 'geometry' in a);
  if (!side || !('geometry' in side)) throw new Error('no literal');
  return side.geometry;
};

describe('spatial references', () => {
  it('reads 4326 and the Web Mercator WKIDs as numbers or JSON, wkid or latestWkid', () => {
    expect(parseSpatialReference('4326', 'outSR', 3857)).toBe(4326);
    for (const v of ['102100', '102113', '900913', '3857', '{"wkid":102100}', '{"latestWkid":3857}', { wkid: 3857 }])
      expect(parseSpatialReference(v, 'outSR', 4326)).toBe(3857);
    expect(parseSpatialReference(undefined, 'outSR', 3857)).toBe(3857);
    expect(parseSpatialReference('', 'outSR', 4326)).toBe(4326);
  });

  it('refuses any other as unknown_crs', () => {
    for (const v of ['32748', '4326.5', '{"wkt":"x"}', '{', 'EPSG:4326', '-1'])
      expect(() => parseSpatialReference(v, 'inSR', 4326), v).toThrow(AppError);
  });
});

describe('query geometries', () => {
  it('reads an envelope list, in 102100 as a lon/lat box held at the edge of the world', () => {
    expect(literal('106.6,-6.2,106.7,-6.1')).toEqual({ type: 'BBox', bbox: [106.6, -6.2, 106.7, -6.1] });
    const world = literal('-30000000,-30000000,30000000,30000000', { inSR: '102100' });
    expect(world).toMatchObject({ type: 'BBox' });
    expect(world.type === 'BBox' && world.bbox[0]).toBe(-180);
  });

  it('reads Esri rings: clockwise exteriors with their counter-clockwise holes, counter-clockwise-only rings as exteriors', () => {
    const cw = [
      [0, 0],
      [0, 2],
      [2, 2],
      [2, 0],
      [0, 0],
    ];
    const hole = [
      [0.5, 0.5],
      [1.5, 0.5],
      [1.5, 1.5],
      [0.5, 1.5],
      [0.5, 0.5],
    ];
    const far = [
      [5, 5],
      [5, 6],
      [6, 6],
      [6, 5],
      [5, 5],
    ];
    expect(literal(JSON.stringify({ rings: [cw, hole, far] }))).toEqual({
      type: 'MultiPolygon',
      coordinates: [[cw, hole], [far]],
    });
    const ccw = [...cw].reverse();
    expect(literal(JSON.stringify({ rings: [ccw] }))).toEqual({ type: 'Polygon', coordinates: [ccw] });
    // An open ring is closed.
    expect(literal(JSON.stringify({ rings: [cw.slice(0, 4)] }))).toEqual({ type: 'Polygon', coordinates: [cw] });
  });

  it('puts the query geometry on the side each spatial relation asks', () => {
    const e = (spatialRel: string) => spatialFilter({ geometry: '1,2', spatialRel }, 4326);
    expect(e('esriSpatialRelContains')).toMatchObject({
      op: 's_contains',
      args: [{ geometry: {} }, { property: 'geometry' }],
    });
    expect(e('esriSpatialRelWithin')).toMatchObject({
      op: 's_within',
      args: [{ geometry: {} }, { property: 'geometry' }],
    });
    expect(e('')).toMatchObject({ op: 's_intersects', args: [{ property: 'geometry' }, { geometry: {} }] });
    expect(e('esriSpatialRelEnvelopeIntersects')).toEqual({ kind: 'envelopeIntersects', bbox: [1, 2, 1, 2] });
  });
});
