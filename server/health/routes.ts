import { Router } from 'express';
import { z } from 'zod';
import type { AppDeps } from '../app-deps.js';
import type { CatalogService } from '../catalog/catalog-service.js';
import { openApiDocument } from '../docs/openapi.js';
import { baseUrl } from '../http/links.js';
import { AppError } from '../http/app-error.js';
import { databaseUnavailable } from '../http/error-middleware.js';
import { parseQuery } from '../http/query.js';

const READY_TIMEOUT_MS = 3000;
import type { TileCache } from '../tiles/tile-cache.js';

export function healthRoutes(
  deps: AppDeps,
  catalog: CatalogService,
  tileCacheStats: () => ReturnType<TileCache['stats']>,
): Router {
  const router = Router();
  const { backend, capabilities } = deps.db;

  router.get('/health', async (req, res) => {
    parseQuery(req, z.object({}));
    const layers = await catalog.countVisible(req.caller);
    res.json({
      status: 'ok',
      database: {
        backend,
        postgres: capabilities.postgresVersion,
        postgis: capabilities.postgisVersion,
        changeNotices: deps.db.changes.live,
        ...(deps.db.reads ? { replicas: deps.db.reads.state() } : {}),
      },
      capabilities: { mvt: capabilities.mvt },
      catalog: { layers },
      tileCache: tileCacheStats(),
    });
  });

  /** Liveness: the process answers (no database call), for a supervisor deciding on a restart. */
  router.get('/health/live', (req, res) => {
    parseQuery(req, z.object({}));
    res.set('Cache-Control', 'no-store').json({ status: 'ok' });
  });

  /** Readiness: the database answers within READY_TIMEOUT_MS, for a load balancer deciding where to send traffic. */
  router.get('/health/ready', async (req, res) => {
    parseQuery(req, z.object({}));
    res.set('Cache-Control', 'no-store');
    if (deps.lifecycle?.draining)
      throw new AppError(
        503,
        'shutting_down',
        'This server process is shutting down and takes no new work; another one answers.',
        {},
      );
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), READY_TIMEOUT_MS);
    });
    try {
      const started = performance.now();
      const ping = deps.db.ping().then(() => 'ok' as const);
      ping.catch(() => undefined);
      if ((await Promise.race([ping, timeout])) === 'timeout') throw databaseUnavailable();
      res.json({ status: 'ok', database: { backend, ms: Math.round((performance.now() - started) * 10) / 10 } });
    } finally {
      clearTimeout(timer);
    }
  });

  router.get('/openapi.json', (req, res) => {
    parseQuery(req, z.object({}));
    res
      .type('application/vnd.oai.openapi+json;version=3.0')
      .json(openApiDocument(deps.config, baseUrl(req, deps.config.publicUrl)));
  });

  /** What the viewer needs to know about this deployment. */
  router.get('/client-config', (req, res) => {
    parseQuery(req, z.object({}));
    res
      .set('Cache-Control', 'public, max-age=300')
      .json({ basemapStyleUrl: deps.config.basemapStyleUrl ?? null, tilesMaxLayers: deps.config.tilesMaxLayers });
  });

  router.get('/', (req, res) => {
    parseQuery(req, z.object({}));
    const endpoints = [
      '/api/health',
      '/api/health/live',
      '/api/health/ready',
      '/api/layers',
      '/api/layers/{id}',
      '/api/layers/{id}/features',
      '/api/layers/{id}/features/{fid}',
      '/api/agencies',
      '/api/themes',
      '/api/districts',
      '/api/districts/{code}',
      '/api/districts/{code}/layers',
      '/api/districts/lookup',
      '/tiles/{layers}.json',
      '/tiles/{layers}/{z}/{x}/{y}.mvt',
    ];
    res.json({ name: 'satupeta', description: 'Satu Data Satu Peta Kota Tangerang', endpoints });
  });

  return router;
}
