import { Router } from 'express';
import { z } from 'zod';
import type { AppDeps } from '../app-deps.js';
import type { CatalogService } from '../catalog/catalog-service.js';
import { badRequest } from '../http/app-error.js';
import { withQuery } from '../http/links.js';
import { intParam, parseQuery } from '../http/query.js';
import { METADATA_STANDARD } from './metadata-elements.js';
import type { QualityService } from './quality-service.js';

/** Query of GET /api/quality; also feeds the OpenAPI document. */
export const qualityQuery = z.object({
  agency: z.string().max(64).optional(),
  onlyGaps: z.enum(['true', 'false']).default('false'),
  limit: intParam(1, 5000).default(100),
  offset: intParam(0, 1_000_000).default(0),
});

/** GET /api/quality: metadata completeness and geometry checks per layer (paged) and per agency. */
export function qualityRoutes(deps: AppDeps, service: QualityService, catalog: CatalogService): Router {
  const router = Router();
  router.get('/quality', async (req, res) => {
    const q = parseQuery(req, qualityQuery);
    if (q.agency && !(await catalog.agencyExists(q.agency))) {
      throw badRequest('unknown_agency', `No agency with code "${q.agency}". See /api/agencies.`, {
        parameter: 'agency',
        value: q.agency,
      });
    }
    const report = await service.report(req.caller, q.agency ?? null);
    const layers =
      q.onlyGaps === 'true'
        ? report.layers.filter(
            (l) =>
              l.missing.length > 0 ||
              l.checks.empty ||
              (l.checks.invalidGeometries ?? 0) > 0 ||
              (l.checks.outsideCity ?? 0) > 0,
          )
        : report.layers;
    const links = [{ href: withQuery(req, deps.config.publicUrl, {}), rel: 'self', type: 'application/json' }];
    if (q.offset + q.limit < layers.length)
      links.push({
        href: withQuery(req, deps.config.publicUrl, { offset: q.offset + q.limit }),
        rel: 'next',
        type: 'application/json',
      });
    res.json({
      standard: METADATA_STANDARD,
      elements: report.elements,
      agencies: report.agencies,
      total: layers.length,
      items: layers.slice(q.offset, q.offset + q.limit),
      links,
    });
  });
  return router;
}
