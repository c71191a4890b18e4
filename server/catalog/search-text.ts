/**
 * The one normaliser for catalog search, used for stored documents and for queries alike:
 * lower case, accents removed (NFD), anything but letters and digits turned into spaces.
 */
export function normalizeSearchText(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

/**
 * A tsquery (config 'simple') from free text: every word must match, as a prefix, so that
 * "sekol" finds "Sekolah" while typing. Words are reduced to [a-z0-9], so nothing in the
 * query can be tsquery syntax; the result is still passed as a bound value.
 */
export function toPrefixQuery(text: string): string | null {
  const words = normalizeSearchText(text)
    .split(' ')
    .filter((w) => w.length > 0)
    .slice(0, 12);
  if (words.length === 0) return null;
  return words.map((w) => `${w}:*`).join(' & ');
}
