import { describe, expect, it } from 'vitest';
import type { LayerRecord } from '../catalog/layer-types.js';
import { csvHeader, csvRows, wkt } from './csv-writer.js';

const layer = {
  fields: [
    { name: 'nama', type: 'string' },
    { name: 'luas', type: 'number' },
    { name: 'catatan, lain', type: 'string' },
  ],
} as LayerRecord;

describe('CSV of features', () => {
  it('quotes what RFC 4180 asks, keeps numbers, and defuses spreadsheet formulas in text', () => {
    const text = csvRows(
      JSON.stringify({
        id: 3,
        geometry: { type: 'Point', coordinates: [106.6, -6.2] },
        properties: { nama: 'Jl. "Daan" Mogot, 1\nBaris', luas: -2.5, 'catatan, lain': '=HYPERLINK("x")' },
      }) +
        ',' +
        JSON.stringify({ id: 4, geometry: null, properties: { nama: '+62 21', luas: null } }),
      layer,
    );
    expect(csvHeader(layer)).toBe('fid,nama,luas,"catatan, lain",wkt\r\n');
    expect(text).toBe(
      `3,"Jl. ""Daan"" Mogot, 1\nBaris",-2.5,"'=HYPERLINK(""x"")",POINT (106.6 -6.2)\r\n4,'+62 21,,,\r\n`,
    );
  });

  it('writes every geometry type as WKT', () => {
    const sq = [
      [0, 0],
      [1, 0],
      [1, 1],
      [0, 0],
    ];
    expect(
      wkt({
        type: 'MultiPoint',
        coordinates: [
          [1, 2],
          [3, 4],
        ],
      }),
    ).toBe('MULTIPOINT ((1 2), (3 4))');
    expect(
      wkt({
        type: 'LineString',
        coordinates: [
          [1, 2],
          [3, 4],
        ],
      }),
    ).toBe('LINESTRING (1 2, 3 4)');
    expect(
      wkt({
        type: 'MultiLineString',
        coordinates: [
          [
            [1, 2],
            [3, 4],
          ],
        ],
      }),
    ).toBe('MULTILINESTRING ((1 2, 3 4))');
    expect(wkt({ type: 'Polygon', coordinates: [sq] })).toBe('POLYGON ((0 0, 1 0, 1 1, 0 0))');
    expect(wkt({ type: 'MultiPolygon', coordinates: [[sq], [sq]] })).toBe(
      'MULTIPOLYGON (((0 0, 1 0, 1 1, 0 0)), ((0 0, 1 0, 1 1, 0 0)))',
    );
  });
});
