import type { RequestHandler } from 'express';

/**
 * Every /ogc resource also renders as a plain HTML page when a browser asks (f=html, or an
 * Accept header that prefers text/html and no f): the JSON body becomes a page with its title,
 * its links as anchors, collections and features as tables. All text is escaped.
 */
export function ogcHtml(): RequestHandler {
  return (req, res, next) => {
    const f = req.query.f;
    const accept = req.headers.accept ?? '';
    const wantsHtml =
      f === 'html' ||
      (f === undefined && /text\/html/.test(accept) && !/application\/(geo\+)?json/.test(accept.split(',')[0] ?? ''));
    if (!wantsHtml) {
      next();
      return;
    }
    const send = res.send.bind(res);
    res.send = (body?: unknown) => {
      const text = Buffer.isBuffer(body) ? null : typeof body === 'string' ? body : JSON.stringify(body);
      let parsed: unknown = null;
      try {
        parsed = text === null ? null : JSON.parse(text);
      } catch {
        parsed = null;
      }
      if (parsed === null || typeof parsed !== 'object') return send(body);
      res.type('html');
      return send(page(parsed as Record<string, unknown>));
    };
    next();
  };
}

const esc = (s: unknown) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(body: Record<string, unknown>): string {
  const err = body.error as { code?: string; message?: string } | undefined;
  const title = err
    ? `Error: ${err.code ?? ''}`
    : String(
        (body.title as string | undefined) ??
          (body.id as string | undefined) ??
          (body.type as string | undefined) ??
          'Satu Peta — OGC API',
      );
  const parts: string[] = [`<h1>${esc(title)}</h1>`];
  if (err) parts.push(`<p>${esc(err.message)}</p>`);
  if (body.description) parts.push(`<p>${esc(body.description)}</p>`);
  const links = (body.links as { href: string; rel: string; title?: string }[] | undefined) ?? [];
  if (links.length) {
    parts.push(
      '<h2>Links</h2><ul>',
      ...links.map(
        (l) =>
          `<li><a href="${esc(htmlHref(l.href))}">${esc(l.title ?? l.rel)}</a> <small>(${esc(l.rel)})</small></li>`,
      ),
      '</ul>',
    );
  }
  if (Array.isArray(body.conformsTo))
    parts.push('<h2>Conforms to</h2><ul>', ...(body.conformsTo as string[]).map((c) => `<li>${esc(c)}</li>`), '</ul>');
  if (Array.isArray(body.collections)) {
    parts.push(
      `<h2>Collections (${(body.collections as unknown[]).length})</h2><table><tr><th>id</th><th>title</th></tr>`,
    );
    for (const c of body.collections as { id: string; title: string }[]) {
      parts.push(
        `<tr><td><a href="collections/${esc(encodeURIComponent(c.id))}?f=html">${esc(c.id)}</a></td><td>${esc(c.title)}</td></tr>`,
      );
    }
    parts.push('</table>');
  }
  if (Array.isArray(body.features)) {
    const features = body.features as { id: number; properties: Record<string, unknown> }[];
    const keys = [...new Set(features.flatMap((x) => Object.keys(x.properties)))];
    parts.push(
      `<p>${esc(body.numberReturned)} of ${esc(body.numberMatched)} features</p><table><tr><th>id</th>${keys.map((k) => `<th>${esc(k)}</th>`).join('')}</tr>`,
    );
    for (const x of features)
      parts.push(`<tr><td>${esc(x.id)}</td>${keys.map((k) => `<td>${esc(x.properties[k] ?? '')}</td>`).join('')}</tr>`);
    parts.push('</table>');
  } else if (body.type === 'Feature') {
    const props = (body.properties ?? {}) as Record<string, unknown>;
    parts.push(
      '<table>',
      ...Object.entries(props).map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(v)}</td></tr>`),
      '</table>',
    );
  }
  parts.push(
    `<details><summary>JSON</summary><pre>${esc(JSON.stringify(body, null, 2).slice(0, 200_000))}</pre></details>`,
  );
  return (
    `<!doctype html><html lang="id"><head><meta charset="utf-8"><title>${esc(title)}</title>` +
    '<style>body{font-family:system-ui,sans-serif;margin:2rem;max-width:70rem}table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:2px 6px;text-align:left}</style>' +
    `</head><body>${parts.join('\n')}</body></html>`
  );
}

/** Links between /ogc pages stay in HTML when followed from an HTML page. */
function htmlHref(href: string): string {
  if (!href.includes('/ogc')) return href;
  const u = new URL(href);
  if (!u.searchParams.has('f')) u.searchParams.set('f', 'html');
  return u.toString();
}
