import { Router } from 'express';
import { z } from 'zod';
import { parseQuery } from '../http/query.js';
import type { Metrics } from './metrics.js';

/**
 * `GET /metrics` in the Prometheus text format, for a scraper inside the deployment (the shipped
 * nginx configuration does not pass it through to the public).
 */
export function metricsRoutes(metrics: Metrics): Router {
  const router = Router();
  router.get('/metrics', async (req, res) => {
    parseQuery(req, z.object({}));
    res.set({ 'Content-Type': metrics.contentType, 'Cache-Control': 'no-store' }).send(await metrics.text());
  });
  return router;
}
