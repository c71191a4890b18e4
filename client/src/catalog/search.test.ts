import { describe, expect, it } from 'vitest';
import type { LayerEntry } from './layer-index.js';
import { buildIndex, search } from './search.js';

const entry = (id: string, title: string, agency: string, theme: string, keywords: string[] = []): LayerEntry => ({
  id,
  title,
  agency,
  theme,
  keywords,
  geometryType: 'Point',
  featureCount: 1,
  bbox: null,
  color: null,
  restricted: false,
});

const index = buildIndex(
  [
    entry('sd', 'Sekolah Dasar Kecamatan Ciledug Tahun 2025', 'disdik', 'pendidikan', ['sekolah', 'sd']),
    entry('zonasi', 'Zonasi PPDB Kecamatan Ciledug Tahun 2025', 'disdik', 'pendidikan', ['ppdb', 'sekolah']),
    entry('banjir', 'Titik Banjir Kecamatan Benda Tahun 2024', 'bpbd', 'bencana', ['banjir', 'genangan']),
    entry('posyandu', 'Posyandu Kecamatan Benda Tahun 2025', 'dinkes', 'kesehatan', ['posyandu']),
  ],
  [
    { code: 'disdik', name: 'Dinas Pendidikan', shortName: 'Disdik' },
    { code: 'bpbd', name: 'Badan Penanggulangan Bencana Daerah', shortName: 'BPBD' },
    { code: 'dinkes', name: 'Dinas Kesehatan', shortName: 'Dinkes' },
  ],
  [
    { code: 'pendidikan', name: 'Fasilitas Pendidikan' },
    { code: 'bencana', name: 'Kebencanaan' },
    { code: 'kesehatan', name: 'Fasilitas Kesehatan' },
  ],
);

describe('catalog search', () => {
  it('ranks a title hit above a keyword-only hit', () => {
    expect(search(index, 'sekolah').items.map((e) => e.id)).toEqual(['sd', 'zonasi']);
  });

  it('matches prefixes while typing, every word required, case and accents ignored', () => {
    expect(search(index, 'SÉKO cile').items.map((e) => e.id)).toEqual(['sd', 'zonasi']);
    expect(search(index, 'sekolah benda').items).toHaveLength(0);
  });

  it('finds layers by agency and theme names', () => {
    expect(search(index, 'bpbd').items.map((e) => e.id)).toEqual(['banjir']);
    expect(search(index, 'kesehatan').items.map((e) => e.id)).toEqual(['posyandu']);
  });

  it('filters by agency and district and counts facets ignoring their own filter', () => {
    const r = search(index, 'benda', { agency: 'bpbd', inDistrict: new Set(['banjir', 'posyandu']) });
    expect(r.items.map((e) => e.id)).toEqual(['banjir']);
    expect(r.agencyCounts.get('dinkes')).toBe(1);
    expect(r.themeCounts.get('kesehatan')).toBeUndefined();
  });

  it('lists everything by title when the query is empty', () => {
    expect(search(index, '  ').items.map((e) => e.id)).toEqual(['posyandu', 'sd', 'banjir', 'zonasi']);
  });
});
