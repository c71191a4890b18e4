import { describe, expect, it } from 'vitest';
import { dbfNames } from './shapefile-writer.js';

describe('DBF field names', () => {
  it('keep short names, cut long ones to 10 characters, and number clashes in field order', () => {
    const names = dbfNames([
      { name: 'nama', type: 'string' },
      { name: 'jumlah_tenaga_kesehatan', type: 'integer' },
      { name: 'jumlah_tenaga_pendidik', type: 'integer' },
      { name: 'luas (m²)', type: 'number' },
      { name: 'NAMA', type: 'string' },
    ]);
    expect(names).toEqual(['nama', 'jumlah_ten', 'jumlah_t_2', 'luas__m__', 'NAMA_2']);
    expect(names.every((n) => /^[A-Za-z0-9_]{1,10}$/.test(n))).toBe(true);
  });
});
