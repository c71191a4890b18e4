import { Router, type Request } from 'express';
import type { AppDeps } from '../app-deps.js';
import { badRequest } from '../http/app-error.js';
import { baseUrl } from '../http/links.js';
import { cacheFor } from '../auth/caller.js';
import type { VersionsService } from '../ingest/versions-service.js';
import { parseTileCoord } from './tile-coords.js';
import { tileJson } from './tilejson.js';
import { writeTile } from './tile-response.js';
import type { TilesService } from './tiles-service.js';

/** A draft's (or a kept version's) tiles: for who may see it, and re-read every time. */
const VERSION_CACHE = 'private, no-cache';

export function tileRoutes(deps: AppDeps, service: TilesService, versions: VersionsService): Router {
  const router = Router();

  router.get('/tiles/:layers/:z/:x/:y.mvt', async (req, res) => {
    const { v, version } = tileQuery(req, ['v', 'version']);
    const coord = parseTileCoord(req.params.z, req.params.x, req.params.y);
    const acceptGzip = /\bgzip\b/.test(req.headers['accept-encoding'] ?? '');
    if (version !== undefined) {
      const layer = await versions.layerAt(req.caller, oneLayer(req.params.layers), version);
      writeTile(
        res,
        await service.versionTile(layer, coord, acceptGzip, req.headers['if-none-match']),
        undefined,
        false,
        VERSION_CACHE,
      );
      return;
    }
    writeTile(
      res,
      await service.tile(req.caller, req.params.layers, coord, v, acceptGzip, req.headers['if-none-match']),
      v,
      req.caller.kind === 'anonymous',
    );
  });

  router.get('/tiles/:layers.json', async (req, res) => {
    const { version } = tileQuery(req, ['version']);
    const base = baseUrl(req, deps.config.publicUrl);
    if (version !== undefined) {
      const layer = await versions.layerAt(req.caller, oneLayer(req.params.layers), version);
      res.set('Cache-Control', VERSION_CACHE).json(tileJson([layer], base, String(version)));
      return;
    }
    const layers = await service.layersForTileJson(req.caller, req.params.layers);
    cacheFor(req, res, 60).json(tileJson(layers, base));
  });

  return router;
}

/**
 * The query of a tile or TileJSON URL: `v`, the version token from the TileJSON, and `version`,
 * a kept version's number or "draft" (one layer only); nothing else.
 */
function tileQuery(req: Request, allowed: ('v' | 'version')[]): { v?: string; version?: number | 'draft' } {
  for (const key of Object.keys(req.query)) {
    if (!(allowed as string[]).includes(key))
      throw badRequest(
        'unknown_parameter',
        `Unknown query parameter "${key}". This URL takes only ${allowed.join(', ')}.`,
        {
          parameter: key,
          allowed,
        },
      );
  }
  const { v, version } = req.query;
  if (
    v !== undefined &&
    (typeof v !== 'string' || v.length > 2000 || !/^\d+(\.[0-9a-z]{1,8})?(-\d+(\.[0-9a-z]{1,8})?)*$/.test(v))
  )
    throw badRequest('invalid_parameter', 'Query parameter "v": must be the version token from the TileJSON.', {
      parameter: 'v',
    });
  if (version !== undefined && (typeof version !== 'string' || !/^(draft|[1-9]\d{0,8})$/.test(version)))
    throw badRequest('invalid_parameter', 'Query parameter "version": must be a version number or "draft".', {
      parameter: 'version',
    });
  return {
    ...(typeof v === 'string' ? { v } : {}),
    ...(typeof version === 'string' ? { version: version === 'draft' ? 'draft' : Number(version) } : {}),
  };
}

/** `version` names one layer's version: a composite list is refused. */
function oneLayer(list: string): string {
  if (list.includes(','))
    throw badRequest(
      'invalid_parameter',
      'Query parameter "version" applies to one layer; ask for each layer on its own.',
      {
        parameter: 'version',
        value: list,
      },
    );
  return list;
}
