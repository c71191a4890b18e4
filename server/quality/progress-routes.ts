import { Router } from 'express';
import { z } from 'zod';
import type { CatalogService } from '../catalog/catalog-service.js';
import { badRequest } from '../http/app-error.js';
import { parseQuery } from '../http/query.js';
import type { AgencyProgress, ProgressService } from './progress-service.js';

/** Query of GET /api/walidata/progress; also feeds the OpenAPI document. */
export const progressQuery = z.object({
  sort: z.enum(['agency', 'score', 'overdue', 'waiting']).default('agency'),
  format: z.enum(['json', 'csv']).default('json'),
});

const CSV_COLUMNS: [string, (a: AgencyProgress) => string | number][] = [
  ['agency', (a) => a.code],
  ['name', (a) => a.name],
  ['layers', (a) => a.layers],
  ['empty_layers', (a) => a.emptyLayers],
  ['drafts', (a) => a.drafts.draft],
  ['submitted', (a) => a.drafts.submitted],
  ['rejected', (a) => a.drafts.rejected],
  ['average_score', (a) => a.averageScore],
  ['layers_with_gaps', (a) => a.layersWithGaps],
  ['invalid_geometries', (a) => a.invalidGeometries],
  ['outside_city', (a) => a.outsideCity],
  ['overdue', (a) => a.overdue],
];

const csvCell = (v: string | number) => (typeof v === 'number' ? String(v) : `"${v.replaceAll('"', '""')}"`);

/** The producers' progress board for walidata, pembina and admins, and one agency's weekly summary. */
export function progressRoutes(service: ProgressService, catalog: CatalogService): Router {
  const router = Router();

  router.get('/walidata/progress', async (req, res) => {
    const q = parseQuery(req, progressQuery);
    const agencies = await service.board(req.caller, q.sort);
    res.set('Cache-Control', 'private, no-cache');
    if (q.format === 'csv') {
      const lines = [
        CSV_COLUMNS.map(([name]) => name).join(','),
        ...agencies.map((a) => CSV_COLUMNS.map(([, get]) => csvCell(get(a))).join(',')),
      ];
      res
        .type('text/csv; charset=utf-8')
        .attachment('walidata-progress.csv')
        .send(`\ufeff${lines.join('\r\n')}\r\n`);
      return;
    }
    res.json({ generatedAt: new Date().toISOString(), sort: q.sort, agencies });
  });

  router.get('/walidata/progress/weekly', async (req, res) => {
    const { agency } = parseQuery(req, z.object({ agency: z.string().max(64) }));
    if (!(await catalog.agencyExists(agency)))
      throw badRequest('unknown_agency', `No agency with code "${agency}". See /api/agencies.`, {
        parameter: 'agency',
        value: agency,
      });
    res.set('Cache-Control', 'private, no-cache').json(await service.weekly(req.caller, agency));
  });

  return router;
}
