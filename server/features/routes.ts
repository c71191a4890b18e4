import { Router } from 'express';
import { z } from 'zod';
import type { AppDeps } from '../app-deps.js';
import type { CatalogService } from '../catalog/catalog-service.js';
import { badRequest } from '../http/app-error.js';
import { withQuery } from '../http/links.js';
import { intParam, parseQuery } from '../http/query.js';
import { FeaturesService } from './features-service.js';

const GEOJSON = 'application/geo+json';

/** Query of GET /api/layers/{id}/features; also feeds the OpenAPI document. */
export const featuresQuery = z.object({
  bbox: z.string().max(200).optional(),
  district: z.string().max(20).optional(),
  clip: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
  properties: z.string().max(2000).optional(),
  // The cap is checked by the service so the error can say what it is.
  limit: intParam(1, 1_000_000_000).optional(),
  after: intParam(0, 2_147_483_647).default(0),
});

export function featureRoutes(deps: AppDeps, catalog: CatalogService): Router {
  const router = Router();
  const service = new FeaturesService(deps.db.knex, catalog, {
    defaultLimit: deps.config.featuresDefaultLimit, maxLimit: deps.config.featuresMaxLimit,
  });
  const schema = featuresQuery;

  router.get('/layers/:id/features', async (req, res) => {
    const q = parseQuery(req, schema);
    const page = await service.page(req.caller, req.params.id, q);
    const links = [{ href: withQuery(req, deps.config.publicUrl, {}), rel: 'self', type: GEOJSON }];
    if (page.next !== null) links.push({ href: withQuery(req, deps.config.publicUrl, { after: page.next, limit: page.limit }), rel: 'next', type: GEOJSON });
    // Spliced as text: the features arrive as JSON text from PostGIS and are not re-parsed.
    res.type(GEOJSON).send(
      `{"type":"FeatureCollection","numberReturned":${page.returned},"dataVersion":${page.layer.dataVersion},` +
      `"links":${JSON.stringify(links)},"features":[${page.features}]}`,
    );
  });

  router.get('/layers/:id/features/:fid', async (req, res) => {
    parseQuery(req, z.object({}));
    const fid = z.string().regex(/^\d{1,9}$/).transform(Number).safeParse(req.params.fid);
    if (!fid.success || fid.data < 1) {
      throw badRequest('invalid_parameter', 'Feature id must be a positive whole number.', { parameter: 'fid', value: req.params.fid });
    }
    const { feature } = await service.one(req.caller, req.params.id, fid.data);
    res.type(GEOJSON).send(feature);
  });

  return router;
}
