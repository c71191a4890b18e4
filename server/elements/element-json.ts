import type { ElementRecord } from './element-types.js';
import type { Derivation } from './derivation.js';
import type { SourceRow } from './derived-sql.js';
import type { PeriodRow } from './elements-sql.js';

/** Which standard each metadata field comes from (see the README's data element section). */
export function elementSummary(e: ElementRecord, base: string) {
  return {
    id: e.slug,
    name: e.name,
    unit: e.unit,
    measureType: e.measureType,
    frequency: e.frequency,
    agency: { code: e.agencyCode, name: e.agencyName },
    theme: { code: e.themeCode, name: e.themeName },
    levels: e.levels,
    firstPeriod: e.firstPeriod,
    lastPeriod: e.lastPeriod,
    classification: e.classification,
    isSample: e.isSample,
    links: [{ href: `${base}/api/elements/${encodeURIComponent(e.slug)}`, rel: 'self', type: 'application/json' }],
  };
}

export function elementDetail(
  e: ElementRecord,
  periods: PeriodRow[],
  base: string,
  derivation: Derivation | null = null,
  sources: SourceRow[] = [],
) {
  const self = `${base}/api/elements/${encodeURIComponent(e.slug)}`;
  return {
    ...elementSummary(e, base),
    definition: e.definition,
    custodian: e.custodian,
    source: e.source,
    license: e.license,
    keywords: e.keywords,
    notes: e.notes,
    caveats: e.caveats,
    valueCount: e.valueCount,
    derivedFrom: derivation
      ? {
          measure: derivation.measure,
          population: derivation.population ?? null,
          sources: sources.map((s) => ({
            layer: s.layer,
            title: s.title,
            period: s.period,
            dataVersion: s.dataVersion,
            upToDate: s.dataVersion === s.current,
          })),
        }
      : null,
    dataVersion: e.dataVersion,
    modifiedAt: e.modifiedAt,
    periods: periods.map((p) => ({
      level: p.level,
      period: p.period === '' ? null : p.period,
      values: p.values,
      missing: p.missing,
      districts: p.districts,
      completeness: p.districts === 0 ? 0 : Math.round((p.values / p.districts) * 1000) / 1000,
    })),
    links: [
      { href: self, rel: 'self', type: 'application/json' },
      { href: `${self}/values`, rel: 'values', type: 'application/json' },
      { href: `${self}/values?format=csv`, rel: 'values', type: 'text/csv' },
      { href: `${self}/values.csv`, rel: 'enclosure', type: 'text/csv', title: 'Every level and period' },
      { href: `${self}/geojson`, rel: 'geojson', type: 'application/geo+json' },
      { href: `${self}/classes`, rel: 'classes', type: 'application/json' },
    ],
  };
}

/** Header of every values CSV we write: the upload format, plus informational name and level. */
export const VALUES_CSV_HEADER = 'kode_wilayah,nama_wilayah,tingkat,periode,nilai,status,alasan_kosong,catatan';

/**
 * Values as CSV, in the columns a values upload reads back (POST /api/elements/{id}/values), so a
 * download edited in a spreadsheet can be loaded again: a missing value has an empty `nilai` and
 * its reason in `alasan_kosong`, never a 0.
 */
export function valuesCsv(
  rows: {
    code: string;
    name: string;
    level: string;
    period: string;
    value: number | null;
    missingReason: string | null;
    status: string;
    footnote: string | null;
  }[],
): string {
  const cell = (v: string) => (/[",;\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  const lines = rows.map((r) =>
    [
      r.code,
      r.name,
      r.level,
      r.period,
      r.value === null ? '' : String(r.value),
      r.status,
      r.value === null ? (r.missingReason ?? 'tidak_dilaporkan') : '',
      r.footnote ?? '',
    ]
      .map(cell)
      .join(','),
  );
  return [VALUES_CSV_HEADER, ...lines].join('\r\n') + '\r\n';
}
