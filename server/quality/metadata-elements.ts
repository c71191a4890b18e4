import type { LayerRecord } from '../catalog/layer-types.js';
import { topicCategory } from '../interop/iso19139.js';

/** The standard the elements come from, as the quality report and the node self-check name it. */
export const METADATA_STANDARD = 'SNI 8843-1:2019 (ISO 19115-1 / ISO 19139)';

/**
 * The metadata elements every layer's record must carry under SNI 8843-1:2019 (the national
 * adoption of ISO 19115) and the Satu Data Indonesia metadata standard; `sni` is where the
 * element sits in the ISO 19139 record we publish (`/api/layers/{id}/metadata.xml`), our field
 * names in brackets in the label. The quality report and `/api/node-status` both score with this list.
 */
export const ELEMENTS: { element: string; label: string; sni: string; present(l: LayerRecord): boolean }[] = [
  {
    element: 'title',
    label: 'Judul / title',
    sni: 'identificationInfo/citation/title',
    present: (l) => l.title.trim() !== '',
  },
  {
    element: 'abstract',
    label: 'Abstrak / abstract [description]',
    sni: 'identificationInfo/abstract',
    present: (l) => l.description.trim().length >= 20,
  },
  {
    element: 'producer',
    label: 'Produsen data / producer',
    sni: 'identificationInfo/pointOfContact (originator)',
    present: (l) => !!l.producer,
  },
  {
    element: 'custodian',
    label: 'Walidata / custodian',
    sni: 'identificationInfo/pointOfContact (custodian)',
    present: (l) => !!l.custodian,
  },
  {
    element: 'contact',
    label: 'Kontak / contact [contactEmail]',
    sni: 'contact/contactInfo/address/electronicMailAddress',
    present: (l) => !!l.contactEmail,
  },
  {
    element: 'date',
    label: 'Tanggal / date [lastUpdate]',
    sni: 'identificationInfo/citation/date (revision)',
    present: (l) => !!l.lastUpdate,
  },
  {
    element: 'updateFrequency',
    label: 'Frekuensi pemutakhiran / update frequency',
    sni: 'identificationInfo/resourceMaintenance/maintenanceAndUpdateFrequency',
    present: (l) => !!l.updateFrequency,
  },
  {
    element: 'extent',
    label: 'Cakupan spasial / extent',
    sni: 'identificationInfo/extent/geographicElement (EX_GeographicBoundingBox)',
    present: (l) => l.bbox !== null,
  },
  {
    element: 'referenceSystem',
    label: 'Sistem referensi / reference system',
    sni: 'referenceSystemInfo',
    present: (l) => !!l.referenceSystem,
  },
  {
    element: 'scale',
    label: 'Skala / scale',
    sni: 'identificationInfo/spatialResolution/equivalentScale',
    present: (l) => l.scaleDenominator !== null,
  },
  {
    element: 'license',
    label: 'Lisensi / license',
    sni: 'identificationInfo/resourceConstraints/useLimitation',
    present: (l) => !!l.license,
  },
  {
    element: 'keywords',
    label: 'Kata kunci / keywords',
    sni: 'identificationInfo/descriptiveKeywords',
    present: (l) => l.keywords.length > 0,
  },
  {
    element: 'theme',
    label: 'Tema / theme [topic category]',
    sni: 'identificationInfo/topicCategory',
    present: (l) => topicCategory(l.themeCode) !== null,
  },
  {
    element: 'lineage',
    label: 'Silsilah / lineage [lineage, else source]',
    sni: 'dataQualityInfo/lineage/statement',
    present: (l) => !!(l.lineage ?? l.source),
  },
];

/** Completeness in percent (rounded to one decimal) and the missing elements. */
export function completeness(l: LayerRecord): { score: number; missing: string[] } {
  const missing = ELEMENTS.filter((e) => !e.present(l)).map((e) => e.element);
  return { score: percent(ELEMENTS.length - missing.length, ELEMENTS.length), missing };
}

/** Per element: how many of the layers fill it, in percent too, and the first (up to `show`) that do not. */
export function completenessByElement(layers: LayerRecord[], show = 20) {
  return ELEMENTS.map((e) => {
    const missing = layers.filter((l) => !e.present(l));
    return {
      element: e.element,
      label: e.label,
      sni: e.sni,
      filled: layers.length - missing.length,
      percent: percent(layers.length - missing.length, layers.length),
      missing: missing.slice(0, show).map((l) => l.slug),
    };
  });
}

const percent = (part: number, whole: number) => (whole ? Math.round((part / whole) * 1000) / 10 : 100);
