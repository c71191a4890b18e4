import { describe, expect, it } from 'vitest';
import { toCsv } from './downloads.js';

describe('CSV export', () => {
  it('writes one row per feature with every property and the geometry as WKT, quoting where needed', () => {
    const csv = toCsv([
      {
        type: 'Feature',
        id: 1,
        properties: { nama: 'SD "Harapan", Benda', kelas: 6 },
        geometry: { type: 'Point', coordinates: [106.6, -6.1] },
      },
      {
        type: 'Feature',
        id: 2,
        properties: { nama: 'Taman' },
        geometry: {
          type: 'Polygon',
          coordinates: [
            [
              [0, 0],
              [1, 0],
              [1, 1],
              [0, 0],
            ],
          ],
        },
      },
    ]);
    expect(csv).toBe(
      'id,nama,kelas,wkt\n1,"SD ""Harapan"", Benda",6,POINT (106.6 -6.1)\n2,Taman,,"POLYGON ((0 0, 1 0, 1 1, 0 0))"\n',
    );
  });
});
