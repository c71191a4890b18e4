import { Router } from 'express';
import { z } from 'zod';
import type { AppDeps } from '../app-deps.js';
import type { CatalogService } from '../catalog/catalog-service.js';
import { openApiDocument } from '../docs/openapi.js';
import { baseUrl } from '../http/links.js';
import { parseQuery } from '../http/query.js';
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
      database: { backend, postgres: capabilities.postgresVersion, postgis: capabilities.postgisVersion },
      capabilities: { mvt: capabilities.mvt },
      catalog: { layers },
      tileCache: tileCacheStats(),
    });
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
