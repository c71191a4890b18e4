import type { LayerRecord } from '../catalog/layer-types.js';

/**
 * The metadata elements every layer must carry: the required elements of the Satu Data
 * Indonesia metadata standard and the core of SNI ISO 19115 (our field names in brackets).
 */
export const ELEMENTS: { element: string; label: string; present(l: LayerRecord): boolean }[] = [
  { element: 'title', label: 'Judul / title', present: (l) => l.title.trim() !== '' },
  { element: 'abstract', label: 'Abstrak / abstract [description]', present: (l) => l.description.trim().length >= 20 },
  { element: 'producer', label: 'Produsen data / producer', present: (l) => !!l.producer },
  { element: 'custodian', label: 'Walidata / custodian', present: (l) => !!l.custodian },
  { element: 'contact', label: 'Kontak / contact [contactEmail]', present: (l) => !!l.contactEmail },
  { element: 'date', label: 'Tanggal / date [lastUpdate]', present: (l) => !!l.lastUpdate },
  {
    element: 'updateFrequency',
    label: 'Frekuensi pemutakhiran / update frequency',
    present: (l) => !!l.updateFrequency,
  },
  { element: 'extent', label: 'Cakupan spasial / extent', present: (l) => l.bbox !== null },
  { element: 'referenceSystem', label: 'Sistem referensi / reference system', present: (l) => !!l.referenceSystem },
  { element: 'scale', label: 'Skala / scale', present: (l) => l.scaleDenominator !== null },
  { element: 'license', label: 'Lisensi / license', present: (l) => !!l.license },
  { element: 'keywords', label: 'Kata kunci / keywords', present: (l) => l.keywords.length > 0 },
  { element: 'theme', label: 'Tema / theme', present: (l) => !!l.themeCode },
  { element: 'lineage', label: 'Silsilah / lineage', present: (l) => !!l.lineage },
];

/** Completeness in percent (rounded to one decimal) and the missing elements. */
export function completeness(l: LayerRecord): { score: number; missing: string[] } {
  const missing = ELEMENTS.filter((e) => !e.present(l)).map((e) => e.element);
  return { score: Math.round(((ELEMENTS.length - missing.length) / ELEMENTS.length) * 1000) / 10, missing };
}
