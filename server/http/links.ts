import type { Request } from 'express';

export interface Link {
  href: string;
  rel: string;
  type: string;
  title?: string;
}

/** Absolute base URL: the configured public URL, else what the request came in on. */
export function baseUrl(req: Request, publicUrl: string | undefined): string {
  return publicUrl ?? `${req.protocol}://${req.get('host') ?? 'localhost'}`;
}

/** The request's own URL with some query parameters replaced (undefined removes one). */
export function withQuery(
  req: Request,
  publicUrl: string | undefined,
  changes: Record<string, string | number | undefined>,
): string {
  const url = new URL(req.originalUrl, baseUrl(req, publicUrl) + '/');
  const target = new URL(baseUrl(req, publicUrl) + url.pathname);
  url.searchParams.forEach((v, k) => target.searchParams.set(k, v));
  for (const [k, v] of Object.entries(changes)) {
    if (v === undefined) target.searchParams.delete(k);
    else target.searchParams.set(k, String(v));
  }
  return target.toString();
}

/** Links of a page of audit records: self, and next (older, by `before`) when the page is full. */
export function historyLinks(
  req: Request,
  publicUrl: string | undefined,
  items: { id: number }[],
  limit: number,
): Link[] {
  const links: Link[] = [{ href: withQuery(req, publicUrl, {}), rel: 'self', type: 'application/json' }];
  const last = items.at(-1);
  if (last && items.length === limit)
    links.push({ href: withQuery(req, publicUrl, { before: last.id }), rel: 'next', type: 'application/json' });
  return links;
}
