import type { RequestListener } from 'node:http';
import compression from 'compression';
import express, { type Express } from 'express';
import type { AppDeps } from './app-deps.js';
import { arcgisErrorAnswer } from './arcgis/arcgis-errors.js';
import { arcgisRoutes } from './arcgis/routes.js';
import { tokenParameter } from './arcgis/token-parameter.js';
import { authRoutes } from './auth/routes.js';
import { catalogRoutes } from './catalog/routes.js';
import { districtRoutes } from './districts/routes.js';
import { elementRoutes } from './elements/routes.js';
import { elementValueRoutes } from './elements/value-routes.js';
import { featureRoutes } from './features/routes.js';
import { glyphRoutes } from './glyphs/routes.js';
import { healthRoutes } from './health/routes.js';
import { metricsRoutes } from './health/metrics-routes.js';
import { attachCaller, privateForTokens } from './auth/caller.js';
import { WindowCounter } from './http/rate-limit.js';
import { cors, securityHeaders, writeRateLimit } from './http/security.js';
import { errorHandler, notFoundHandler } from './http/error-middleware.js';
import { refuseNul } from './http/nul-guard.js';
import { assignRequestId } from './http/request-id.js';
import { requestLog } from './http/request-log.js';
import { ingestRoutes } from './ingest/routes.js';
import { interopRoutes } from './interop/ckan-routes.js';
import { cswRoutes } from './interop/csw-routes.js';
import { dcatRoutes } from './interop/dcat-routes.js';
import { ogcRoutes } from './ogc/routes.js';
import { ogcTileRoutes } from './ogc/tiles-routes.js';
import { qualityRoutes } from './quality/routes.js';
import { progressRoutes } from './quality/progress-routes.js';
import { webhookRoutes } from './notify/routes.js';
import { retentionRoutes } from './ingest/retention-routes.js';
import { buildServices, type Services } from './services.js';
import { tileFastPath } from './tiles/fast-path.js';
import { tileRoutes } from './tiles/routes.js';
import { wfsRoutes } from './wfs/routes.js';
import { renderRoutes } from './render/routes.js';
import { wmsRoutes } from './render/wms-routes.js';
import { styleRoutes } from './render/style-routes.js';
import { embedPreviewRoutes } from './render/embed-preview.js';

/**
 * The request handler the server listens with: cached tiles straight from memory, everything
 * else through the Express app. Tests listen with the same handler.
 */
export function buildHandler(deps: AppDeps): RequestListener {
  const services = buildServices(deps);
  const app = buildApp(deps, services);
  const fast = tileFastPath(services.tiles);
  const { lifecycle } = deps;
  const { metrics } = services;
  const { reads } = deps.db;
  return (req, res) => {
    assignRequestId(req, res);
    lifecycle?.closeIfDraining(res);
    let served = 'express';
    metrics.track(req, res, () => routeLabel(req as express.Request, res as express.Response, served));
    if (fast(req, res)) served = 'memory';
    else if (!reads) app(req, res);
    else {
      const method = req.method ?? 'GET';
      if (method !== 'GET' && method !== 'HEAD') res.once('close', reads.writeStarted());
      // The error handler passes on only a read whose replica failed before answering (and, as
      // always, errors after headers went out): the first is answered again from the primary.
      const retry = (err?: unknown) => {
        if (res.headersSent || err === undefined) res.destroy();
        else reads.onPrimary(() => void app(req, res));
      };
      reads.run(method, req.headers.authorization !== undefined, () =>
        app(req as express.Request, res as express.Response, retry),
      );
    }
  };
}

/** The route pattern a request matched (never its raw URL), for metrics. */
function routeLabel(req: express.Request, res: express.Response, served: string): string {
  if (served === 'memory') return '/tiles/:layers/:z/:x/:y.mvt (memory)';
  // A router's mount path is gone from req.baseUrl once an error has left it; ROUTE_BASE keeps it.
  const base = typeof res.locals?.[ROUTE_BASE] === 'string' ? res.locals[ROUTE_BASE] : req.baseUrl;
  if (req.route) return `${base}${String((req.route as { path: string }).path)}`;
  return res.statusCode === 404 ? '(no route)' : '(static)';
}

const ROUTE_BASE = 'routeBase';

/** The Express app without listen(), over services built once (buildServices). */
export function buildApp(deps: AppDeps, services: Services = buildServices(deps)): Express {
  const app = express();
  app.disable('x-powered-by');
  // No SHA-1 over every body: answers that can be revalidated carry an ETag made from their data
  // version (feature pages, OGC items, maps, tiles, downloads).
  app.set('etag', false);
  app.set('query parser', 'simple');
  app.set('trust proxy', deps.config.trustProxy);
  // Links in answers are built from PUBLIC_URL, or else from the request's Host header: only the
  // former may go into a shared cache (a forged Host must not poison it for everyone).
  app.locals.sharedCache = Boolean(deps.config.publicUrl);
  const { config } = deps;
  const s = services;
  app.use(
    securityHeaders({ embedFrameAncestors: config.embedFrameAncestors, connectSources: config.cspConnectSources }),
  );
  app.use(cors());
  app.use(refuseNul());
  // ArcGIS clients send their token as a parameter: read before the caller is identified.
  app.use('/arcgis/rest', tokenParameter());
  app.use(attachCaller(s.tokens, new WindowCounter(deps.db.knex, 'auth', config.authFailureLimit, 15 * 60_000)));
  app.use(privateForTokens());
  app.use(writeRateLimit(new WindowCounter(deps.db.knex, 'write', config.writeRateLimit, 60_000)));
  // Tiles first: the hot path skips the per-request log line (errors are still logged).
  app.use(tileRoutes(deps, s.tiles, s.versions));
  app.use(requestLog(deps.log));
  // After the tile routes: tiles carry their own cached gzip. Level 4: on GeoJSON pages it packs
  // as tightly as the default 6 (7.7 % vs 7.6 % of the text) for about 60 % of the CPU; bodies
  // under 1 KB are sent as they are.
  app.use(compression({ level: 4, threshold: 1024 }));
  app.use(glyphRoutes(s.glyphs));
  const api = express.Router();
  api.use((req, res, next) => {
    res.locals[ROUTE_BASE] = req.baseUrl;
    next();
  });
  api.use(healthRoutes(deps, s.catalog, s.tiles.cacheStats()));
  app.use(metricsRoutes(s.metrics));
  api.use(catalogRoutes(deps, s.catalog));
  api.use(featureRoutes(deps, s.features, s.versions));
  api.use(districtRoutes(deps, s.districts));
  api.use(elementValueRoutes(deps, s.elements, s.elementValues, s.metrics));
  api.use(elementRoutes(deps, s.elements));
  api.use(qualityRoutes(deps, s.quality, s.catalog));
  api.use(progressRoutes(s.progress, s.catalog));
  api.use(authRoutes(s.tokens));
  api.use(webhookRoutes(s.webhooks));
  api.use(retentionRoutes(s.retention));
  api.use(renderRoutes(deps, s.render, s.print));
  const styles = styleRoutes(deps, s.styles, s.render, () => s.tiles.forgetLayers());
  api.use(styles.api);
  api.use(ingestRoutes(deps, s.ingest, s.versions, s.review, s.layerWrites, () => s.tiles.forgetLayers(), s.metrics));
  app.use(interopRoutes(deps, s.ckan));
  app.use(cswRoutes(deps, s.csw, s.nodeStatus));
  app.use(dcatRoutes(deps, s.ckan, s.districts));
  app.use('/api', api);
  app.use(ogcRoutes(deps, s.ogc));
  app.use(ogcTileRoutes(deps, s.ogc, s.tiles));
  app.use(wfsRoutes(deps, s.wfs));
  app.use(wmsRoutes(deps, s.wms));
  app.use(arcgisRoutes(deps, s.arcgis));
  app.use(styles.root);
  app.use(embedPreviewRoutes(deps, s.render));

  // The viewer at /, the embeddable map at /embed. Vite fingerprints assets, so they may be cached long.
  app.use(
    '/assets',
    express.static(`${deps.config.clientDir}/assets`, { immutable: true, maxAge: '365d', fallthrough: false }),
  );
  app.use(express.static(deps.config.clientDir, { index: 'index.html', extensions: ['html'], maxAge: '5m' }));
  app.use(notFoundHandler());
  app.use('/arcgis/rest', errorHandler(deps.log, deps.db.reads, arcgisErrorAnswer));
  app.use(errorHandler(deps.log, deps.db.reads));
  return app;
}
