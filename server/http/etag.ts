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
