import { Router } from 'express';
import { z } from 'zod';
import type { AppDeps } from '../app-deps.js';
import type { CatalogService } from '../catalog/catalog-service.js';
import { badRequest } from '../http/app-error.js';
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
    registryTtlMs: deps.config.tilesRegistryTtlMs,
  });

  router.get('/tiles/:layers/:z/:x/:y.mvt', async (req, res) => {
    const v = versionParam(req.query);
    const coord = parseTileCoord(req.params.z, req.params.x, req.params.y);
    const acceptGzip = /\bgzip\b/.test(req.headers['accept-encoding'] ?? '');
    const answer = await service.tile(req.caller, req.params.layers, coord, v, acceptGzip, req.headers['if-none-match']);
    // The hot path: headers written once, body sent as is (Express's send would inspect it again).
    if (answer === 'not-modified') {
      res.writeHead(304, { 'Cache-Control': v ? IMMUTABLE : SHORT, Vary: 'Accept-Encoding' }).end();
      return;
    }
    const headers: Record<string, string | number> = {
      'Cache-Control': answer.immutable ? IMMUTABLE : SHORT, ETag: answer.etag, Vary: 'Accept-Encoding', 'Access-Control-Allow-Origin': '*',
    };
    if (answer.body.byteLength === 0) {
      res.writeHead(204, headers).end();
      return;
    }
    if (answer.gzipped) headers['Content-Encoding'] = 'gzip';
    headers['Content-Type'] = MVT;
    headers['Content-Length'] = answer.body.byteLength;
    res.writeHead(200, headers).end(answer.body);
  });

  router.get('/tiles/:layers.json', async (req, res) => {
    parseQuery(req, z.object({}));
    const layers = await service.layers(req.caller, req.params.layers);
    res.set({ 'Cache-Control': SHORT, 'Access-Control-Allow-Origin': '*' }).json(tileJson(layers, baseUrl(req, deps.config.publicUrl)));
  });

  return router;
}

/** The only query parameter of a tile URL: `v`, the version token from the TileJSON. */
function versionParam(query: Record<string, unknown>): string | undefined {
  for (const key of Object.keys(query)) {
    if (key !== 'v') throw badRequest('unknown_parameter', `Unknown query parameter "${key}". Tile URLs take only "v".`, { parameter: key, allowed: ['v'] });
  }
  const v = query.v;
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || v.length > 2000 || !/^\d+(-\d+)*$/.test(v)) {
    throw badRequest('invalid_parameter', 'Query parameter "v": must be the version token from the TileJSON.', { parameter: 'v' });
  }
  return v;
}
