import { Router } from 'express';
import { z } from 'zod';
import type { AppDeps } from '../app-deps.js';
import type { CatalogService } from '../catalog/catalog-service.js';
import { baseUrl } from '../http/links.js';
import { parseQuery } from '../http/query.js';
import type { TileCache } from './tile-cache.js';
import { parseTileCoord } from './tile-coords.js';
import { tileJson } from './tilejson.js';
import { TilesService } from './tiles-service.js';

const MVT = 'application/vnd.mapbox-vector-tile';
const IMMUTABLE = 'public, max-age=31536000, immutable';
/** Unversioned or stale-versioned: current content, briefly cacheable, revalidated by ETag. */
const SHORT = 'public, max-age=60';

export function tileRoutes(deps: AppDeps, catalog: CatalogService, cache: TileCache): Router {
  const router = Router();
  const service = new TilesService(deps.db.knex, catalog, cache, {
    useMvt: deps.db.capabilities.mvt, maxLayers: deps.config.tilesMaxLayers, maxFeatures: deps.config.tilesMaxFeatures,
  });
  const versionSchema = z.object({ v: z.string().regex(/^\d+(-\d+)*$/, 'must be the version token from the TileJSON').max(2000).optional() });

  router.get('/tiles/:layers/:z/:x/:y.mvt', async (req, res) => {
    const { v } = parseQuery(req, versionSchema);
    const coord = parseTileCoord(req.params.z, req.params.x, req.params.y);
    const acceptGzip = /\bgzip\b/.test(req.get('accept-encoding') ?? '');
    const answer = await service.tile(req.caller, req.params.layers, coord, v, acceptGzip, req.get('if-none-match'));
    res.vary('Accept-Encoding');
    if (answer === 'not-modified') {
      res.set('Cache-Control', v ? IMMUTABLE : SHORT).status(304).end();
      return;
    }
    res.set({ 'Cache-Control': answer.immutable ? IMMUTABLE : SHORT, ETag: answer.etag, 'Access-Control-Allow-Origin': '*' });
    if (answer.body.byteLength === 0) {
      res.status(204).end();
      return;
    }
    if (answer.gzipped) res.set('Content-Encoding', 'gzip');
    res.type(MVT).send(Buffer.from(answer.body.buffer, answer.body.byteOffset, answer.body.byteLength));
  });

  router.get('/tiles/:layers.json', async (req, res) => {
    parseQuery(req, z.object({}));
    const layers = await service.layers(req.caller, req.params.layers);
    res.set({ 'Cache-Control': SHORT, 'Access-Control-Allow-Origin': '*' }).json(tileJson(layers, baseUrl(req, deps.config.publicUrl)));
  });

  return router;
}
