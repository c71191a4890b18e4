/**
 * Whether an If-None-Match header names this ETag (weak or strong, or `*`). Compared by us rather
 * than Express's req.fresh, which treats a revalidation carrying `Cache-Control: no-cache` (what
 * fetch() sends with a conditional header) as never fresh.
 */
export function etagMatches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (ifNoneMatch === undefined) return false;
  return ifNoneMatch.split(',').some((s) => {
    const t = s.trim();
    return t === '*' || t.replace(/^W\//, '') === etag;
  });
}

/** A short, stable hash of a text for ETags, version tokens and cache keys (FNV-1a, base 36). */
export function shortHash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(36);
}
