import { Router } from 'express';
import { z } from 'zod';
import type { AppDeps } from '../app-deps.js';
import type { CatalogService } from '../catalog/catalog-service.js';
import { intParam, parseQuery } from '../http/query.js';
import { withQuery } from '../http/links.js';
import { layerHistory } from './history-sql.js';

const historyQuery = z.object({ limit: intParam(1, 1000).default(100), before: intParam(1, 999_999_999).optional() });

/** A layer's change history (audit). Writes arrive in the ingest issue's next step. */
export function ingestRoutes(deps: AppDeps, catalog: CatalogService): Router {
  const router = Router();

  router.get('/layers/:id/history', async (req, res) => {
    const q = parseQuery(req, historyQuery);
    const layer = await catalog.getLayer(req.caller, req.params.id);
    const items = await layerHistory(deps.db.knex, layer.id, q.limit, q.before ?? null);
    const last = items.at(-1);
    const links = [{ href: withQuery(req, deps.config.publicUrl, {}), rel: 'self', type: 'application/json' }];
    if (last && items.length === q.limit) links.push({ href: withQuery(req, deps.config.publicUrl, { before: last.id }), rel: 'next', type: 'application/json' });
    res.set('Cache-Control', 'private, no-cache').json({ layer: layer.slug, dataVersion: layer.dataVersion, items, links });
  });

  return router;
}
