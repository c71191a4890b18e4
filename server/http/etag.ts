import type { Request, Response } from 'express';

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

/**
 * Sets an ETag and answers 304 when the request already holds it; true when it did. For answers
 * that are a function of a data version and the request (feature pages, maps), so no body is
 * hashed to make the tag.
 */
export function notModified(req: Request, res: Response, etag: string): boolean {
  res.set('ETag', etag);
  if (!etagMatches(req.headers['if-none-match'], etag)) return false;
  res.status(304).end();
  return true;
}

/** The ETag of an answer made from one data version and the request's URL and host (links carry the host). */
export function versionEtag(req: Request, version: number | string): string {
  return `"v${version}-${shortHash(`${req.headers.host ?? ''}|${req.originalUrl}`)}"`;
}
