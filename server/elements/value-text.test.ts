import { describe, expect, it } from 'vitest';
import { looksLikeFormula, missingReason, parseNumber, parsePeriod } from './value-text.js';

describe('parseNumber', () => {
  const cases: [string, 'auto' | 'comma' | 'point', number | string][] = [
    ['1234', 'auto', 1234],
    ['1234.5', 'auto', 1234.5],
    ['1234,5', 'auto', 1234.5],
    ['1.234,5', 'auto', 1234.5],
    ['1,234.5', 'auto', 1234.5],
    ['7.654.321', 'auto', 7654321],
    ['7,654,321', 'auto', 7654321],
    ['0,250', 'auto', 0.25],
    ['12,5', 'auto', 12.5],
    ['-3,75', 'auto', -3.75],
    ['−3', 'auto', -3],
    ['+4', 'auto', 4],
    ['1 234 567', 'auto', 1234567],
    ['1.5e3', 'auto', 1500],
    ['-0', 'auto', 0],
    ['1.234', 'auto', 'ambiguous_number'],
    ['1,234', 'auto', 'ambiguous_number'],
    ['1.234', 'comma', 1234],
    ['1,234', 'comma', 1.234],
    ['1.234', 'point', 1.234],
    ['1,234', 'point', 1234],
    ['1.234,5', 'point', 'invalid_number'],
    ['1,234.5', 'comma', 'invalid_number'],
    ['1.2.3', 'auto', 'invalid_number'],
    ['12,34,5', 'auto', 'invalid_number'],
    ['abc', 'auto', 'invalid_number'],
    ['', 'auto', 'invalid_number'],
    ['.', 'auto', 'invalid_number'],
    ['NaN', 'auto', 'invalid_number'],
    ['1e400', 'auto', 'invalid_number'],
    ['0x10', 'auto', 'invalid_number'],
  ];
  for (const [raw, mark, want] of cases) {
    it(`${JSON.stringify(raw)} with decimal=${mark} → ${want}`, () => {
      const got = parseNumber(raw, mark);
      if (typeof want === 'number') expect(got).toEqual({ ok: true, value: want });
      else expect(got.ok ? 'ok' : got.code).toBe(want);
    });
  }
});

describe('parsePeriod', () => {
  const cases: [string, 'tahunan' | 'semesteran' | 'bulanan' | 'tidak_tentu', string][] = [
    ['2024', 'tahunan', '2024'],
    [' 2024 ', 'tahunan', '2024'],
    ['2024-03', 'tahunan', 'period_frequency'],
    ['2024-3', 'bulanan', '2024-03'],
    ['2024-12', 'bulanan', '2024-12'],
    ['2024-13', 'bulanan', 'invalid_period'],
    ['2024-00', 'bulanan', 'invalid_period'],
    ['2024', 'bulanan', 'period_frequency'],
    ['2024-S1', 'semesteran', '2024-06'],
    ['2024-s2', 'semesteran', '2024-12'],
    ['2024-06', 'semesteran', '2024-06'],
    ['2024-05', 'semesteran', 'period_frequency'],
    ['2000-2010', 'tidak_tentu', '2000-2010'],
    ['2010-2000', 'tidak_tentu', 'invalid_period'],
    ['2000-2010', 'tahunan', 'period_frequency'],
    ['1899', 'tahunan', 'invalid_period'],
    ['2101', 'tahunan', 'invalid_period'],
    ['24', 'tahunan', 'invalid_period'],
    ['2024/03', 'bulanan', 'invalid_period'],
  ];
  for (const [raw, frequency, want] of cases) {
    it(`${JSON.stringify(raw)} (${frequency}) → ${want}`, () => {
      const got = parsePeriod(raw, frequency);
      expect(got.ok ? got.value : got.code).toBe(want);
    });
  }
});

describe('missing values and formulas', () => {
  it('reads BPS symbols and reason names as missing, never as 0', () => {
    expect(missingReason('')).toBe('tidak_dilaporkan');
    expect(missingReason('...')).toBe('tidak_dikumpulkan');
    expect(missingReason('X')).toBe('rahasia');
    expect(missingReason('tidak_berlaku')).toBe('tidak_berlaku');
    expect(missingReason('0')).toBeNull();
    expect(missingReason('-')).toBeNull();
  });
  it('tells formulas from signed numbers', () => {
    expect(looksLikeFormula('=SUM(A1:A3)')).toBe(true);
    expect(looksLikeFormula('@cmd')).toBe(true);
    expect(looksLikeFormula('+cmd|x')).toBe(true);
    expect(looksLikeFormula('-5')).toBe(false);
    expect(looksLikeFormula('-1.234,5')).toBe(false);
    expect(looksLikeFormula('Kecamatan Benda')).toBe(false);
  });
});
