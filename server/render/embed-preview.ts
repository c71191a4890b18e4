import fs from 'node:fs/promises';
import { Router } from 'express';
import type { AppDeps } from '../app-deps.js';
import type { Caller } from '../auth/access.js';
import { cacheFor } from '../auth/caller.js';
import { baseUrl } from '../http/links.js';
import { esc } from '../http/xml.js';
import type { RenderService } from './render-service.js';

const SLUG = /^[a-z0-9][a-z0-9-]{2,99}$/;

/**
 * The embed page with link-preview tags (Open Graph, Twitter card) for its own view: a chat app
 * or social site that unfurls an embed link shows a static map of the same layers, centre and
 * zoom (/api/maps/static), and the layers' titles. Unknown and hidden layers are left out, so a
 * preview never names a layer the public may not see.
 */
export function embedPreviewRoutes(deps: AppDeps, render: RenderService): Router {
  const router = Router();
  let page: Promise<string> | null = null;
  const html = () => (page ??= fs.readFile(`${deps.config.clientDir}/embed.html`, 'utf8'));

  router.get(['/embed', '/embed.html'], async (req, res, next) => {
    const template = await html().catch(() => null);
    if (template === null) {
      next();
      return;
    }
    const query = req.query as Record<string, unknown>;
    const ids = String(typeof query.l === 'string' ? query.l : '')
      .split(',')
      .map((part) => part.split(':')[0] ?? '')
      .filter((id) => SLUG.test(id))
      .slice(0, 20);
    const layers = await visible(render, req.caller, ids);
    const c = typeof query.c === 'string' ? query.c.split(',').map(Number) : [];
    const z = typeof query.z === 'string' ? Number(query.z) : NaN;
    const [lon, lat] = c.length === 2 && c.every(Number.isFinite) ? (c as [number, number]) : [106.65, -6.177];
    const zoom = Number.isFinite(z) ? Math.min(20, Math.max(0, Math.round(z * 10) / 10)) : 11.3;
    const base = baseUrl(req, deps.config.publicUrl);
    const title = layers.length
      ? `${layers.map((l) => l.title).join(', ')} · Satu Peta Kota Tangerang`
      : 'Satu Peta Kota Tangerang';
    const image =
      `${base}/api/maps/static?layers=${encodeURIComponent(layers.map((l) => l.slug).join(',') || 'batas-kecamatan-kota-tangerang')}` +
      `&center=${lon.toFixed(5)},${lat.toFixed(5)}&zoom=${Math.min(20, zoom)}&width=1200&height=630`;
    const tags = [
      ['og:type', 'website'],
      ['og:site_name', 'Satu Peta Kota Tangerang'],
      ['og:title', title],
      [
        'og:description',
        'Peta Satu Data Kota Tangerang: lapisan perangkat daerah di atas batas kecamatan dan kelurahan.',
      ],
      ['og:image', image],
      ['og:image:width', '1200'],
      ['og:image:height', '630'],
    ]
      .map(([p, v]) => `<meta property="${p}" content="${esc(v ?? '')}">`)
      .concat(`<meta name="twitter:card" content="summary_large_image">`)
      .join('\n  ');
    cacheFor(req, res, 300)
      .type('html')
      .send(template.replace('</head>', `  ${tags}\n</head>`));
  });
  return router;
}

async function visible(render: RenderService, caller: Caller, ids: string[]) {
  if (ids.length === 0) return [];
  const all = await render.layers(caller, ids.join(',')).catch(() => null);
  if (all) return all.filter((l) => l.classification === 'publik');
  const out = [];
  for (const id of ids) {
    const [layer] = await render.layers(caller, id).catch(() => [undefined]);
    if (layer && layer.classification === 'publik') out.push(layer);
  }
  return out;
}
