import type { RequestListener } from 'node:http';
import compression from 'compression';
import express, { type Express } from 'express';
import type { AppDeps } from './app-deps.js';
import { CatalogService } from './catalog/catalog-service.js';
import { catalogRoutes } from './catalog/routes.js';
import { districtRoutes } from './districts/routes.js';
import { featureRoutes } from './features/routes.js';
import { GlyphsService } from './glyphs/glyphs-service.js';
import { glyphRoutes } from './glyphs/routes.js';
import { healthRoutes } from './health/routes.js';
import { authRoutes } from './auth/routes.js';
import { TokenStore } from './auth/token-store.js';
import { attachCaller } from './http/caller.js';
import { WindowCounter } from './http/rate-limit.js';
import { cors, securityHeaders, writeRateLimit } from './http/security.js';
import { errorHandler, notFoundHandler } from './http/error-middleware.js';
import { requestLog } from './http/request-log.js';
import { ingestRoutes } from './ingest/routes.js';
import { interopRoutes } from './interop/ckan-routes.js';
import { ogcRoutes } from './ogc/routes.js';
import { qualityRoutes } from './quality/routes.js';
import { TileCache } from './tiles/tile-cache.js';
import { tileFastPath } from './tiles/fast-path.js';
import { tileRoutes } from './tiles/routes.js';
import { TilesService } from './tiles/tiles-service.js';

/**
 * The request handler the server listens with: cached tiles straight from memory, everything
 * else through the Express app. Tests listen with the same handler.
 */
export function buildHandler(deps: AppDeps): RequestListener {
  const tiles = tilesService(deps);
  const app = buildApp(deps, tiles);
  const fast = tileFastPath(tiles);
  return (req, res) => {
    if (!fast(req, res)) app(req, res);
  };
}

function tilesService(deps: AppDeps): TilesService {
  const cache = deps.tileCache ?? new TileCache(deps.config.tileCacheBytes);
  return new TilesService(deps.db.knex, new CatalogService(deps.db.knex), cache, {
    useMvt: deps.db.capabilities.mvt, maxLayers: deps.config.tilesMaxLayers, maxFeatures: deps.config.tilesMaxFeatures,
    registryTtlMs: deps.config.tilesRegistryTtlMs,
  });
}

/** The Express app without listen(). */
export function buildApp(deps: AppDeps, tiles: TilesService = tilesService(deps)): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.set('trust proxy', deps.config.trustProxy);
  const catalog = new CatalogService(deps.db.knex);
  const { config } = deps;
  app.use(securityHeaders({ embedFrameAncestors: config.embedFrameAncestors, connectSources: config.cspConnectSources }));
  app.use(cors());
  app.use(attachCaller(new TokenStore(deps.db.knex), new WindowCounter(config.authFailureLimit, 15 * 60_000)));
  app.use(writeRateLimit(new WindowCounter(config.writeRateLimit, 60_000)));
  // Tiles first: the hot path skips the per-request log line (errors are still logged).
  app.use(tileRoutes(deps, tiles));
  app.use(requestLog(deps.log));
  // After the tile routes: tiles carry their own cached gzip.
  app.use(compression());
  app.use(glyphRoutes(new GlyphsService()));
  const api = express.Router();
  api.use(healthRoutes(deps, tiles.cacheStats()));
  api.use(catalogRoutes(deps));
  api.use(featureRoutes(deps, catalog));
  api.use(districtRoutes(deps));
  api.use(qualityRoutes(deps));
  api.use(authRoutes(deps));
  api.use(ingestRoutes(deps, catalog, () => tiles.forgetLayers()));
  app.use(interopRoutes(deps, catalog));
  app.use('/api', api);
  app.use(ogcRoutes(deps, catalog, tiles));

  // The viewer at /, the embeddable map at /embed. Vite fingerprints assets, so they may be cached long.
  app.use('/assets', express.static(`${deps.config.clientDir}/assets`, { immutable: true, maxAge: '365d', fallthrough: false }));
  app.use(express.static(deps.config.clientDir, { index: 'index.html', extensions: ['html'], maxAge: '5m' }));
  app.use(notFoundHandler());
  app.use(errorHandler(deps.log));
  return app;
}
