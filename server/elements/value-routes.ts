import fs from 'node:fs/promises';
import { Router, type Request } from 'express';
import { z } from 'zod';
import type { AppDeps } from '../app-deps.js';
import type { Metrics } from '../health/metrics.js';
import { requireToken } from '../auth/access.js';
import { historyLinks } from '../http/links.js';
import { intParam, parseQuery } from '../http/query.js';
import { receiveToFile } from '../ingest/receive.js';
import { LEVELS } from './element-types.js';
import type { ElementsService } from './elements-service.js';
import type { ElementValuesLoader } from './value-upload.js';
import { detectValuesFormat } from './value-sources.js';

/** Query of POST /api/elements/{id}/values and /api/elements/values; also feeds the OpenAPI document. */
export const valuesUploadQuery = z.object({
  mode: z.enum(['merge', 'replace'], 'must be merge or replace').default('merge'),
  format: z.enum(['csv', 'xlsx'], 'must be csv or xlsx').optional(),
  level: z.enum(LEVELS as ['kota', 'kecamatan', 'kelurahan']).optional(),
  decimal: z.enum(['auto', 'comma', 'point'], 'must be auto, comma (1.234,5) or point (1234.5)').default('auto'),
  filename: z.string().max(200).optional(),
});

const historyQuery = z.object({ limit: intParam(1, 1000).default(100), before: intParam(1, 999_999_999).optional() });

/** Values uploads (CSV/XLSX) into data elements, and an element's audit history. */
export function elementValueRoutes(
  deps: AppDeps,
  elements: ElementsService,
  loader: ElementValuesLoader,
  metrics: Metrics,
): Router {
  const router = Router();

  const load = async (req: Request, slug: string | null) => {
    requireToken(req.caller);
    const q = parseQuery(req, valuesUploadQuery);
    // Scope and visibility first, before reading a byte of a possibly large body.
    if (slug !== null) await loader.authorize(req.caller, slug);
    await fs.mkdir(deps.config.upload.tempDir, { recursive: true });
    const { file } = await receiveToFile(req, deps.config.upload.tempDir, deps.config.upload.maxBytes);
    try {
      const format = await detectValuesFormat(file, q.format, req.headers['content-type']);
      const result = await loader.load(req.caller, slug, {
        file,
        format,
        mode: q.mode,
        level: q.level,
        decimal: q.decimal,
        name: q.filename,
      });
      deps.log.info(
        { elements: result.elements.length, received: result.received, mode: result.mode },
        'values upload accepted',
      );
      metrics.upload('values', result.seconds);
      return result;
    } finally {
      await fs.rm(file, { force: true });
    }
  };

  router.post('/elements/values', async (req, res) => {
    res.set('Cache-Control', 'no-store').json(await load(req, null));
  });

  router.post('/elements/:id/values', async (req, res) => {
    res.set('Cache-Control', 'no-store').json(await load(req, req.params.id));
  });

  router.get('/elements/:id/history', async (req, res) => {
    const q = parseQuery(req, historyQuery);
    const { element, items } = await elements.history(req.caller, req.params.id, q.limit, q.before ?? null);
    const links = historyLinks(req, deps.config.publicUrl, items, q.limit);
    res
      .set('Cache-Control', 'private, no-cache')
      .json({ element: element.slug, dataVersion: element.dataVersion, items, links });
  });

  return router;
}
