import { describe, expect, it } from 'vitest';
import { normalizeSearchText, toPrefixQuery } from './search-text.js';

describe('catalog search text', () => {
  it('folds case and accents and drops punctuation', () => {
    expect(normalizeSearchText('  Sékolah DASAR, Kec. Cipondoh! ')).toBe('sekolah dasar kec cipondoh');
  });

  it('turns words into an all-words prefix query', () => {
    expect(toPrefixQuery('Sekol dasar')).toBe('sekol:* & dasar:*');
  });

  it('cannot smuggle tsquery operators through', () => {
    expect(toPrefixQuery("a|b & !c:* ')")).toBe('a:* & b:* & c:*');
  });

  it('gives no query for text without words', () => {
    expect(toPrefixQuery(' !?* ')).toBeNull();
  });
});
