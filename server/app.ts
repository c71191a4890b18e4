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
import { attachCaller } from './http/caller.js';
import { errorHandler, notFoundHandler } from './http/error-middleware.js';
import { requestLog } from './http/request-log.js';
import { TileCache } from './tiles/tile-cache.js';
import { tileRoutes } from './tiles/routes.js';

/** The Express app without listen(): tests build their own against their own database. */
export function buildApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.set('trust proxy', deps.config.trustProxy);
  app.use(requestLog(deps.log));
  app.use(attachCaller());

  const catalog = new CatalogService(deps.db.knex);
  const tileCache = deps.tileCache ?? new TileCache(deps.config.tileCacheBytes);
  app.use(tileRoutes(deps, catalog, tileCache));
  // After the tile routes: tiles carry their own cached gzip.
  app.use(compression());
  app.use(glyphRoutes(new GlyphsService()));
  const api = express.Router();
  api.use(healthRoutes(deps, tileCache));
  api.use(catalogRoutes(deps));
  api.use(featureRoutes(deps, catalog));
  api.use(districtRoutes(deps));
  app.use('/api', api);

  // The viewer at /, the embeddable map at /embed. Vite fingerprints assets, so they may be cached long.
  app.use('/assets', express.static(`${deps.config.clientDir}/assets`, { immutable: true, maxAge: '365d', fallthrough: false }));
  app.use(express.static(deps.config.clientDir, { index: 'index.html', extensions: ['html'], maxAge: '5m' }));
  app.use(notFoundHandler());
  app.use(errorHandler(deps.log));
  return app;
}
