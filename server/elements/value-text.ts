import type { Frequency, MissingReason } from './element-types.js';

/** How a file writes decimals: Indonesian `1.234,5` (comma), plain `1234.5` (point), or told apart per value. */
export type DecimalMark = 'auto' | 'comma' | 'point';

export type Parsed<T> = { ok: true; value: T } | { ok: false; code: string; message: string };

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const fail = <T>(code: string, message: string): Parsed<T> => ({ ok: false, code, message });

/** Cell texts that say why a value is missing (BPS table symbols and our own reason names). */
const MISSING: Record<string, MissingReason> = {
  '': 'tidak_dilaporkan',
  tidak_dilaporkan: 'tidak_dilaporkan',
  tidak_dikumpulkan: 'tidak_dikumpulkan',
  rahasia: 'rahasia',
  tidak_berlaku: 'tidak_berlaku',
  '...': 'tidak_dikumpulkan',
  '…': 'tidak_dikumpulkan',
  x: 'rahasia',
  na: 'tidak_dikumpulkan',
  'n/a': 'tidak_dikumpulkan',
};

/** A missing value's reason, or null when the text is meant as a number. */
export function missingReason(text: string): MissingReason | null {
  return MISSING[text.trim().toLowerCase()] ?? null;
}

const GROUPED_DOT = /^\d{1,3}(\.\d{3})+$/;
const GROUPED_COMMA = /^\d{1,3}(,\d{3})+$/;

/**
 * A number as Indonesian offices and plain files write it. `1.234,5` and `12,5` are Indonesian,
 * `1234.5` and `1,234.5` plain; `1.234` and `1,234` could be either and are refused unless the
 * upload says which mark is the decimal one (`decimal=comma|point`).
 */
export function parseNumber(raw: string, decimal: DecimalMark): Parsed<number> {
  let s = raw.trim().replace(/[\u00a0\u202f ]/g, '');
  let sign = 1;
  if (s.startsWith('-') || s.startsWith('+') || s.startsWith('\u2212')) {
    if (s.startsWith('-') || s.startsWith('\u2212')) sign = -1;
    s = s.slice(1);
  }
  const notNumber = fail<number>(
    'invalid_number',
    `"${raw}" is not a number. Write digits with an optional decimal part (1234,5 or 1234.5); leave the cell empty when the value is unknown.`,
  );
  if (!/^[\d.,]+([eE][-+]?\d{1,3})?$/.test(s) || !/\d/.test(s)) return notNumber;
  const exp = /[eE]/.test(s);
  let plain: string | null = null;
  const dots = (s.match(/\./g) ?? []).length;
  const commas = (s.match(/,/g) ?? []).length;
  if (exp) {
    plain = decimal === 'comma' ? s.replace(',', '.') : s;
    if (commas + dots > 1) return notNumber;
  } else if (dots === 0 && commas === 0) {
    plain = s;
  } else if (dots > 0 && commas > 0) {
    const lastDot = s.lastIndexOf('.');
    const lastComma = s.lastIndexOf(',');
    if (lastComma > lastDot && commas === 1 && GROUPED_DOT.test(s.slice(0, lastComma)) && decimal !== 'point')
      plain = s.replace(/\./g, '').replace(',', '.');
    else if (lastDot > lastComma && dots === 1 && GROUPED_COMMA.test(s.slice(0, lastDot)) && decimal !== 'comma')
      plain = s.replace(/,/g, '');
    else return notNumber;
  } else {
    const mark = dots > 0 ? '.' : ',';
    const count = dots + commas;
    const grouped = mark === '.' ? GROUPED_DOT.test(s) : GROUPED_COMMA.test(s);
    const markIsDecimal = decimal === 'auto' ? null : (decimal === 'comma') === (mark === ',');
    if (markIsDecimal === true) {
      if (count > 1) return notNumber;
      plain = s.replace(mark, '.');
    } else if (markIsDecimal === false) {
      if (!grouped) return notNumber;
      plain = s.split(mark).join('');
    } else if (count > 1) {
      if (!grouped) return notNumber;
      plain = s.split(mark).join('');
    } else if (grouped && !s.startsWith('0')) {
      return fail(
        'ambiguous_number',
        `"${raw}" could be ${s.split(mark).join('')} (thousands separator) or ${s.replace(mark, '.')} (decimal mark). ` +
          'Say which with decimal=comma (Indonesian, 1.234,5) or decimal=point (1234.5), or write the number without a thousands separator.',
      );
    } else {
      plain = s.replace(mark, '.');
    }
  }
  const n = sign * Number(plain);
  if (!Number.isFinite(n) || Math.abs(n) >= 1e15)
    return fail('invalid_number', `"${raw}" is outside the range a value can hold (±10^15).`);
  return ok(n === 0 ? 0 : n);
}

const YEAR_MIN = 1900;
const YEAR_MAX = 2100;

/**
 * A period as the element's frequency allows it: tahunan `2024`; semesteran `2024-S1`/`2024-S2`
 * (stored as the semester's last month, `2024-06`/`2024-12`); bulanan `2024-03`; an element
 * without a fixed frequency also takes a span `2000-2010`.
 */
export function parsePeriod(raw: string, frequency: Frequency): Parsed<string> {
  const s = raw.trim().toUpperCase();
  const yearOk = (y: number) => y >= YEAR_MIN && y <= YEAR_MAX;
  const shape = /^(\d{4})(?:-(S[12]|\d{1,2}|\d{4}))?$/.exec(s);
  if (!shape)
    return fail(
      'invalid_period',
      `"${raw}" is not a period: write a year (2024), a month (2024-03), a semester (2024-S1) or a span (2000-2010).`,
    );
  const year = Number(shape[1]);
  const tail = shape[2];
  if (!yearOk(year)) return fail('invalid_period', `${year} is outside the years ${YEAR_MIN}–${YEAR_MAX}.`);
  const wrong = (what: string) =>
    fail<string>(
      'period_frequency',
      `"${raw}" is ${what}, but this element is published ${frequency}: ${FORMS[frequency]}.`,
    );
  if (tail === undefined) return frequency === 'tahunan' || frequency === 'tidak_tentu' ? ok(s) : wrong('a year');
  if (tail.startsWith('S')) {
    if (frequency !== 'semesteran' && frequency !== 'tidak_tentu') return wrong('a semester');
    return ok(`${year}-${tail === 'S1' ? '06' : '12'}`);
  }
  if (tail.length === 4) {
    const end = Number(tail);
    if (!yearOk(end) || end <= year) return fail('invalid_period', `"${raw}": a span ends after it starts.`);
    return frequency === 'tidak_tentu' ? ok(s) : wrong('a span of years');
  }
  const month = Number(tail);
  if (month < 1 || month > 12) return fail('invalid_period', `"${raw}": a month is 01–12.`);
  const ym = `${year}-${String(month).padStart(2, '0')}`;
  if (frequency === 'semesteran')
    return month === 6 || month === 12 ? ok(ym) : wrong('a month other than a semester end (06, 12)');
  return frequency === 'bulanan' || frequency === 'tidak_tentu' ? ok(ym) : wrong('a month');
}

const FORMS: Record<Frequency, string> = {
  tahunan: 'write the year, e.g. 2024',
  semesteran: 'write 2024-S1 or 2024-S2',
  bulanan: 'write the month, e.g. 2024-03',
  tidak_tentu: 'write a year, a month or a span',
};

/** A text cell that a spreadsheet would run as a formula (CSV injection), other than a signed number. */
export function looksLikeFormula(text: string): boolean {
  const t = text.trimStart();
  if (t.startsWith('=') || t.startsWith('@')) return true;
  return (t.startsWith('+') || t.startsWith('-')) && !/^[-+][\d.,\s]+([eE][-+]?\d+)?$/.test(t);
}
