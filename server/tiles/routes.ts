import { Router } from 'express';
import { z } from 'zod';
import type { AppDeps } from '../app-deps.js';
import { badRequest } from '../http/app-error.js';
import { baseUrl } from '../http/links.js';
import { cacheFor } from '../auth/caller.js';
import { parseQuery } from '../http/query.js';
import { parseTileCoord } from './tile-coords.js';
import { tileJson } from './tilejson.js';
import { writeTile } from './tile-response.js';
import type { TilesService } from './tiles-service.js';

export function tileRoutes(deps: AppDeps, service: TilesService): Router {
  const router = Router();

  router.get('/tiles/:layers/:z/:x/:y.mvt', async (req, res) => {
    const v = versionParam(req.query);
    const coord = parseTileCoord(req.params.z, req.params.x, req.params.y);
    const acceptGzip = /\bgzip\b/.test(req.headers['accept-encoding'] ?? '');
    writeTile(
      res,
      await service.tile(req.caller, req.params.layers, coord, v, acceptGzip, req.headers['if-none-match']),
      v,
      req.caller.kind === 'anonymous',
    );
  });

  router.get('/tiles/:layers.json', async (req, res) => {
    parseQuery(req, z.object({}));
    const layers = await service.layersForTileJson(req.caller, req.params.layers);
    cacheFor(req, res, 60).json(tileJson(layers, baseUrl(req, deps.config.publicUrl)));
  });

  return router;
}

/** The only query parameter of a tile URL: `v`, the version token from the TileJSON. */
function versionParam(query: Record<string, unknown>): string | undefined {
  for (const key of Object.keys(query)) {
    if (key !== 'v')
      throw badRequest('unknown_parameter', `Unknown query parameter "${key}". Tile URLs take only "v".`, {
        parameter: key,
        allowed: ['v'],
      });
  }
  const v = query.v;
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || v.length > 2000 || !/^\d+(\.[0-9a-z]{1,8})?(-\d+(\.[0-9a-z]{1,8})?)*$/.test(v)) {
    throw badRequest('invalid_parameter', 'Query parameter "v": must be the version token from the TileJSON.', {
      parameter: 'v',
    });
  }
  return v;
}
