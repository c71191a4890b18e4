import { Router } from 'express';
import { z } from 'zod';
import type { AppDeps } from '../app-deps.js';
import { withQuery } from '../http/links.js';
import { parseQuery } from '../http/query.js';
import { coordinate } from '../http/coordinates.js';
import type { DistrictsService } from './districts-service.js';

/** Queries of GET /api/districts and /api/districts/lookup; also feed the OpenAPI document. */
export const districtsQuery = z.object({
  level: z.enum(['kota', 'kecamatan', 'kelurahan']).optional(),
  parent: z.string().max(20).optional(),
  format: z.enum(['json', 'geojson']).default('json'),
  geometry: z.enum(['boundary', 'label']).default('boundary'),
});
export const lookupQuery = z.object({ lon: coordinate('lon'), lat: coordinate('lat') });

export function districtRoutes(deps: AppDeps, service: DistrictsService): Router {
  const router = Router();
  const self = (req: Parameters<typeof withQuery>[0]) => [
    { href: withQuery(req, deps.config.publicUrl, {}), rel: 'self', type: 'application/json' },
  ];

  router.get('/districts', async (req, res) => {
    const q = parseQuery(req, districtsQuery);
    const rows = await service.list(q, q.format === 'geojson' ? q.geometry : 'none');
    if (q.format === 'geojson') {
      res
        .type('application/geo+json')
        .send(
          featureCollection(
            rows.map((r) => ({ properties: r.district, geometry: r.geometry ?? 'null', id: r.district.code })),
          ),
        );
      return;
    }
    res.json({ total: rows.length, items: rows.map((r) => r.district), links: self(req) });
  });

  router.get('/districts/lookup', async (req, res) => {
    const q = parseQuery(req, lookupQuery);
    res.json(await service.lookup(q.lon, q.lat));
  });

  router.get('/districts/:code', async (req, res) => {
    parseQuery(req, z.object({}));
    const { district, geometry } = await service.get(req.params.code);
    res.type('application/geo+json').send(feature({ id: district.code, properties: district, geometry }));
  });

  router.get('/districts/:code/layers', async (req, res) => {
    parseQuery(req, z.object({}));
    const { district, items } = await service.layers(req.caller, req.params.code);
    res.json({ district, total: items.length, items, links: self(req) });
  });

  return router;
}

/** Geometry arrives as GeoJSON text from the database and is spliced in without re-parsing. */
function feature(f: { id: string; properties: object; geometry: string }): string {
  return `{"type":"Feature","id":${JSON.stringify(f.id)},"geometry":${f.geometry},"properties":${JSON.stringify(f.properties)}}`;
}

function featureCollection(features: { id: string; properties: object; geometry: string }[]): string {
  return `{"type":"FeatureCollection","features":[${features.map(feature).join(',')}]}`;
}
