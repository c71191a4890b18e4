import { Router } from 'express';
import { z } from 'zod';
import type { AppDeps } from '../app-deps.js';
import { cacheFor } from '../auth/caller.js';
import { intParam, parseQuery } from '../http/query.js';
import { baseUrl, withQuery, type Link } from '../http/links.js';
import { layerDetail, layerSummary } from './layer-json.js';
import type { CatalogService } from './catalog-service.js';

const code = z.string().min(1).max(64);

/** Query of GET /api/layers; also feeds the OpenAPI document. */
export function layerSearchQuery(maxLimit: number) {
  return z.object({
    q: z.string().max(200, 'must be at most 200 characters').optional(),
    agency: code.optional(),
    theme: code.optional(),
    district: code.optional(),
    geometryType: z.enum(['Point', 'LineString', 'Polygon']).optional(),
    limit: intParam(1, maxLimit).default(50),
    offset: intParam(0, 1_000_000).default(0),
  });
}

export function catalogRoutes(deps: AppDeps, service: CatalogService): Router {
  const router = Router();
  const max = deps.config.catalogMaxLimit;
  const searchSchema = layerSearchQuery(max);

  router.get('/layers', async (req, res) => {
    const query = parseQuery(req, searchSchema);
    const { total, items } = await service.search(req.caller, query);
    const base = baseUrl(req, deps.config.publicUrl);
    const links: Link[] = [{ href: withQuery(req, deps.config.publicUrl, {}), rel: 'self', type: 'application/json' }];
    if (query.offset + items.length < total) {
      links.push({
        href: withQuery(req, deps.config.publicUrl, { offset: query.offset + query.limit }),
        rel: 'next',
        type: 'application/json',
      });
    }
    if (query.offset > 0) {
      links.push({
        href: withQuery(req, deps.config.publicUrl, { offset: Math.max(0, query.offset - query.limit) }),
        rel: 'prev',
        type: 'application/json',
      });
    }
    res.json({ total, items: items.map((l) => layerSummary(l, base)), links });
  });

  /** The whole visible catalog in compact rows, for the viewer's instant search. */
  router.get('/layer-index', async (req, res) => {
    parseQuery(req, z.object({}));
    const items = await service.index(req.caller);
    cacheFor(req, res, 60).json({
      total: items.length,
      items,
      links: [{ href: withQuery(req, deps.config.publicUrl, {}), rel: 'self', type: 'application/json' }],
    });
  });

  router.get('/layers/:id', async (req, res) => {
    parseQuery(req, z.object({}));
    const layer = await service.getLayer(req.caller, req.params.id);
    res.json(layerDetail(layer, baseUrl(req, deps.config.publicUrl)));
  });

  router.get('/agencies', async (req, res) => {
    parseQuery(req, z.object({}));
    const items = await service.agencies(req.caller);
    res.json({
      total: items.length,
      items,
      links: [{ href: withQuery(req, deps.config.publicUrl, {}), rel: 'self', type: 'application/json' }],
    });
  });

  router.get('/themes', async (req, res) => {
    parseQuery(req, z.object({}));
    const items = await service.themes(req.caller);
    res.json({
      total: items.length,
      items,
      links: [{ href: withQuery(req, deps.config.publicUrl, {}), rel: 'self', type: 'application/json' }],
    });
  });

  return router;
}
