import { describe, expect, it } from 'vitest';
import { propertyElementNames, propertyOfElement, slugOfTypeName, typeLocalName } from './wfs-names.js';

describe('XML names of layers and properties', () => {
  it('makes every property name an NCName, predictably and without clashes', () => {
    const layer = {
      fields: [
        { name: 'nama', type: 'string' as const },
        { name: 'luas wilayah', type: 'number' as const },
        { name: '2020 penduduk', type: 'integer' as const },
        { name: 'luas_wilayah', type: 'number' as const },
        { name: 'geometry', type: 'string' as const },
        { name: 'jalan.kelas', type: 'string' as const },
        { name: 'Kecamatan', type: 'string' as const },
      ],
    };
    expect([...propertyElementNames(layer).values()]).toEqual([
      'nama',
      'luas_wilayah',
      '_2020_penduduk',
      'luas_wilayah_2',
      'geometry_2',
      'jalan.kelas',
      'Kecamatan',
    ]);
    expect(propertyOfElement(layer, 'satupeta:luas_wilayah_2')).toBe('luas_wilayah');
    expect(propertyOfElement(layer, 'luas_wilayah')).toBe('luas wilayah');
    expect(propertyOfElement(layer, 'geometry')).toBeNull();
    expect(propertyOfElement(layer, 'tidak_ada')).toBeNull();
  });

  it('gives slugs that start with a digit a leading underscore, and reads it back', () => {
    expect(typeLocalName('2024-banjir')).toBe('_2024-banjir');
    expect(slugOfTypeName('satupeta:_2024-banjir')).toBe('2024-banjir');
    expect(slugOfTypeName('batas-kota')).toBe('batas-kota');
    expect(slugOfTypeName('lain:batas-kota')).toBe('batas-kota');
  });
});
