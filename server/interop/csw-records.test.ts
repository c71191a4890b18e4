import { describe, expect, it } from 'vitest';
import { likeMatcher } from './csw-records.js';

describe('LIKE over catalogue text', () => {
  it.each<[string, string, boolean]>([
    ['%sekolah%', 'Data Sekolah Dasar', true],
    ['%sekolah%', 'Data Puskesmas', false],
    ['Batas%', 'batas kota', true],
    ['Batas%', 'Peta batas', false],
    ['%kota', 'batas kota', true],
    ['_atas%', 'batas', true],
    ['_atas%', 'atas', false],
    ['b%s%a', 'batas kota', true],
    ['%a%a%a%', 'banana', true],
    ['%a%a%a%a%', 'banana', false],
    ['100\\%', '100%', true],
    ['100\\%', '1000', false],
    ['a\\_b', 'a_b', true],
    ['a\\_b', 'axb', false],
    ['', '', true],
    ['%', 'apa saja', true],
    ['abc', 'abc', true],
    ['abc', 'abcd', false],
  ])('%s on "%s" is %s', (pattern, text, want) => {
    expect(likeMatcher(pattern)(text)).toBe(want);
  });

  it('takes patterns that make a regular expression backtrack for ages, and answers at once', () => {
    const text = 'a'.repeat(5000);
    expect(likeMatcher(`${'%a'.repeat(30)}%!`)(text)).toBe(false);
    expect(likeMatcher(`${'%a'.repeat(30)}%`)(text)).toBe(true);
  });
});
