import { unreadable } from '../ingest/problems.js';
import type { Frequency, Level, MeasureType, MissingReason, ValueInput, ValueStatus } from './element-types.js';
import type { Cell, SourceRow } from './value-sources.js';
import { looksLikeFormula, missingReason, parseNumber, parsePeriod, type DecimalMark } from './value-text.js';

/** Columns of a values table, and the header names each may go by. */
export type Column =
  'elemen' | 'kode_wilayah' | 'periode' | 'nilai' | 'status' | 'catatan' | 'alasan_kosong' | 'nama_wilayah' | 'tingkat';
const ALIASES: Record<string, Column> = {
  elemen: 'elemen',
  kode_elemen: 'elemen',
  element: 'elemen',
  kode_wilayah: 'kode_wilayah',
  kode: 'kode_wilayah',
  wilayah: 'kode_wilayah',
  kode_kemendagri: 'kode_wilayah',
  periode: 'periode',
  tahun: 'periode',
  period: 'periode',
  nilai: 'nilai',
  value: 'nilai',
  status: 'status',
  catatan: 'catatan',
  keterangan: 'catatan',
  footnote: 'catatan',
  alasan_kosong: 'alasan_kosong',
  // Informational columns of our own CSV downloads, read and ignored, so a download loads back.
  nama_wilayah: 'nama_wilayah',
  tingkat: 'tingkat',
};

/** What the checker needs to know of an element a row may be about. */
export interface TargetElement {
  id: number;
  slug: string;
  measureType: MeasureType;
  frequency: Frequency;
  /** Why rows cannot go into it (computed from layers, or not the caller's agency), or null. */
  refusal: string | null;
}

export interface DistrictRow {
  code: string;
  codeCompact: string;
  name: string;
  level: Level;
  parentCode: string | null;
}

/** A row that passed: ready for staging. */
export interface CheckedValue extends ValueInput {
  row: number;
  elementId: number;
}

export interface RowProblem {
  row: number;
  column: Column | null;
  code: string;
  message: string;
}

const MAX_TEXT = 1000;

/** Maps the header row to columns: 400 invalid_header for unknown, doubled or missing columns. */
export function readHeader(header: SourceRow, bulk: boolean): Column[] {
  const cols: Column[] = [];
  const expected = `${bulk ? 'elemen,' : ''}kode_wilayah,periode,nilai[,status,catatan,alasan_kosong]`;
  header.cells.forEach((cell, i) => {
    const name = typeof cell === 'string' ? cell.trim().toLowerCase().replace(/\s+/g, '_') : '';
    const col = ALIASES[name];
    if (!col)
      throw unreadable(
        'invalid_header',
        `Column ${i + 1} of the header is "${typeof cell === 'string' ? cell.slice(0, 60) : '(not text)'}": the header must be ${expected}.`,
        { column: i + 1, expected },
      );
    if (cols.includes(col))
      throw unreadable('invalid_header', `The header names the column ${col} twice.`, { column: i + 1, expected });
    cols.push(col);
  });
  const required: Column[] = bulk
    ? ['elemen', 'kode_wilayah', 'periode', 'nilai']
    : ['kode_wilayah', 'periode', 'nilai'];
  const missing = required.filter((c) => !cols.includes(c));
  if (missing.length)
    throw unreadable('invalid_header', `The header has no ${missing.join(', ')} column: it must be ${expected}.`, {
      missing,
      expected,
    });
  if (!bulk && cols.includes('elemen'))
    throw unreadable(
      'invalid_header',
      'This file names elements (an elemen column): send it to POST /api/elements/values, or drop the column.',
      { expected },
    );
  return cols;
}

/** Finds districts by Kemendagri code (dotted or compact) or by exact name, optionally under a parent. */
export class DistrictIndex {
  private readonly byCode = new Map<string, DistrictRow>();
  private readonly byName = new Map<string, DistrictRow[]>();

  constructor(rows: DistrictRow[]) {
    for (const d of rows) {
      this.byCode.set(d.code, d);
      this.byCode.set(d.codeCompact, d);
      const key = nameKey(d.name);
      this.byName.set(key, [...(this.byName.get(key) ?? []), d]);
    }
  }

  resolve(text: string, level: Level | undefined): { district: DistrictRow } | { code: string; message: string } {
    const t = text.trim();
    if (t === '') return { code: 'unknown_district', message: 'kode_wilayah is empty.' };
    const byCode = this.byCode.get(t) ?? this.byCode.get(t.replace(/\s/g, ''));
    if (byCode) return this.atLevel(byCode, t, level);
    if (/^[\d.\s]+$/.test(t))
      return {
        code: 'unknown_district',
        message: `No district of Kota Tangerang has the Kemendagri code "${t}" (36.71, 36.71.04 or 36.71.04.1004; compact 367104 also works).`,
      };
    const parts = t.split(/\s*[/>]\s*/);
    let candidates: DistrictRow[];
    if (parts.length === 2) {
      const parent = this.resolve(parts[0] ?? '', undefined);
      if (!('district' in parent)) return parent;
      candidates = this.named(parts[1] ?? '').filter((d) => d.parentCode === parent.district.code);
    } else {
      candidates = this.named(t);
    }
    const prefix = /^(kec(amatan)?\.?|kel(urahan)?\.?)\s/i.exec(t)?.[1]?.toLowerCase();
    if (prefix)
      candidates = candidates.filter((d) => d.level === (prefix.startsWith('kec') ? 'kecamatan' : 'kelurahan'));
    if (level && candidates.length > 1) candidates = candidates.filter((d) => d.level === level);
    const only = candidates[0];
    if (candidates.length === 1 && only) return this.atLevel(only, t, level);
    if (candidates.length === 0)
      return {
        code: 'unknown_district',
        message: `No kecamatan or kelurahan of Kota Tangerang is named "${t}". Use its Kemendagri code, or the exact name (with "Kecamatan A / Kelurahan B" for a kelurahan).`,
      };
    return {
      code: 'ambiguous_district',
      message: `"${t}" names ${candidates.length} districts (${candidates.map((d) => `${d.level} ${d.name} ${d.code}`).join(', ')}): write its code, or "Kecamatan ${t}" / "Kecamatan X / ${t}".`,
    };
  }

  private named(name: string): DistrictRow[] {
    return this.byName.get(nameKey(name)) ?? [];
  }

  private atLevel(d: DistrictRow, t: string, level: Level | undefined) {
    if (level && d.level !== level)
      return {
        code: 'wrong_level',
        message: `"${t}" is the ${d.level} ${d.name} (${d.code}); this upload is for level ${level}.`,
      };
    return { district: d };
  }
}

function nameKey(name: string): string {
  return name
    .toLowerCase()
    .replace(/^(kecamatan|kelurahan|kec\.?|kel\.?)\s+/, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Checks one row: every cell it can, each problem named by row and column. */
export function checkRow(
  r: SourceRow,
  cols: Column[],
  ctx: {
    element: (slug: string) => TargetElement | undefined;
    fixed: TargetElement | null;
    districts: DistrictIndex;
    level: Level | undefined;
    decimal: DecimalMark;
  },
  report: (p: RowProblem) => void,
): CheckedValue | null {
  const cell = (c: Column): Cell => r.cells[cols.indexOf(c)] ?? '';
  let found = 0;
  const add = (column: Column | null, code: string, message: string) => {
    found += 1;
    report({ row: r.row, column, code, message });
  };
  if (r.cells.length > cols.length && r.cells.slice(cols.length).some((c) => typeof c !== 'string' || c.trim() !== ''))
    add(null, 'extra_cells', `The row has ${r.cells.length} cells; the header has ${cols.length} columns.`);
  const text = (c: Column): string | null => {
    const v = cell(c);
    if (typeof v === 'object') {
      add(
        c,
        'formula',
        `The cell holds a formula (=${v.formula.slice(0, 40)}); paste the values instead ("Paste values").`,
      );
      return null;
    }
    const s = typeof v === 'number' ? String(v) : v;
    if (s.length > MAX_TEXT) {
      add(c, 'too_long', `The cell has ${s.length} characters; at most ${MAX_TEXT}.`);
      return null;
    }
    if (typeof v === 'string' && looksLikeFormula(v) && v.trim() !== '-') {
      add(c, 'formula', `"${v.slice(0, 40)}" starts like a spreadsheet formula; write the value itself.`);
      return null;
    }
    return s;
  };

  let element = ctx.fixed;
  if (!element) {
    const slug = text('elemen')?.trim() ?? '';
    element = ctx.element(slug) ?? null;
    if (slug !== '' && !element)
      add('elemen', 'unknown_element', `No data element "${slug.slice(0, 120)}" that you may load values into.`);
    else if (slug === '') add('elemen', 'unknown_element', 'elemen is empty.');
  }
  if (element?.refusal) add('elemen', 'element_not_loadable', element.refusal);

  const where = text('kode_wilayah');
  let district: DistrictRow | null = null;
  if (where !== null) {
    const found = ctx.districts.resolve(where, ctx.level);
    if ('district' in found) district = found.district;
    else add('kode_wilayah', found.code, found.message);
  }

  let period: string | null = null;
  const rawPeriod = text('periode');
  if (rawPeriod !== null && element) {
    const p = parsePeriod(rawPeriod, element.frequency);
    if (p.ok) period = p.value;
    else add('periode', p.code, p.message);
  }

  let value: number | null = null;
  let reason: MissingReason | null = null;
  const raw = cell('nilai');
  if (typeof raw === 'number') {
    value = raw === 0 ? 0 : raw;
  } else if (typeof raw === 'string' && ['-', '–', '—'].includes(raw.trim())) {
    add(
      'nilai',
      'ambiguous_missing',
      '"-" means nihil (zero) in BPS tables but "unknown" in many others: write 0 for nihil, or leave the cell empty when the value is unknown.',
    );
  } else {
    const s = text('nilai');
    if (s !== null) {
      reason = missingReason(s);
      if (reason !== null && s.trim() === '') {
        const why = text('alasan_kosong')?.trim() ?? '';
        if (why !== '') {
          reason = missingReason(why);
          if (reason === null)
            add(
              'alasan_kosong',
              'invalid_missing_reason',
              `"${why.slice(0, 40)}" is not tidak_dilaporkan, tidak_dikumpulkan, rahasia or tidak_berlaku.`,
            );
        }
      }
      if (reason === null && s.trim() !== '') {
        const n = parseNumber(element?.measureType === 'percentage' ? s.replace(/\s*%$/, '') : s, ctx.decimal);
        if (n.ok) value = n.value;
        else add('nilai', n.code, n.message);
        if (cols.includes('alasan_kosong') && (text('alasan_kosong')?.trim() ?? '') !== '')
          add('alasan_kosong', 'invalid_missing_reason', 'The row has both a value and a reason for a missing value.');
      }
    }
  }
  if (value !== null && element) {
    if (!Number.isFinite(value)) add('nilai', 'invalid_number', 'The value is not a finite number.');
    else if (element.measureType === 'count' && value < 0)
      add('nilai', 'negative_count', `${value} is a negative count; a count is 0 or more.`);
    else if (element.measureType === 'percentage' && value > 100)
      add('nilai', 'percentage_over_100', `${value} is over 100, but the element is a percentage (0–100).`);
  }

  let status: ValueStatus = 'tetap';
  const st = text('status');
  if (st !== null && st.trim() !== '') {
    const s = st.trim().toLowerCase();
    if (s === 'sementara' || s === 'tetap') status = s;
    else add('status', 'invalid_status', `Status "${st.slice(0, 40)}" is not sementara or tetap.`);
  }
  const note = text('catatan');
  const footnote = note !== null && note.trim() !== '' ? note.trim() : null;

  if (found > 0 || !element || !district || period === null) return null;
  return {
    row: r.row,
    elementId: element.id,
    level: district.level,
    period,
    districtCode: district.code,
    value,
    missingReason: value === null ? (reason ?? 'tidak_dilaporkan') : null,
    status,
    footnote,
  };
}
