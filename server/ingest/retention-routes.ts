import express, { Router } from 'express';
import { z } from 'zod';
import { parseBody } from '../http/body.js';
import { parseQuery } from '../http/query.js';
import type { RetentionService } from './retention-service.js';

/** Body of POST /api/versions/retention; also feeds the OpenAPI document. */
export const retentionBody = z
  .object({
    drafts: z.boolean().default(true),
    versions: z.boolean().default(false),
  })
  .strict();

/** Version retention for administrators: the plan, and applying it. */
export function retentionRoutes(service: RetentionService): Router {
  const router = Router();
  const noStore = { 'Cache-Control': 'private, no-store' };

  router.get('/versions/retention', async (req, res) => {
    parseQuery(req, z.object({}));
    res.set(noStore).json(await service.plan(req.caller));
  });

  router.post('/versions/retention', express.json({ limit: '4kb' }), async (req, res) => {
    parseQuery(req, z.object({}));
    const what = parseBody(
      retentionBody,
      req.body ?? {},
      'Send {"drafts": true, "versions": true} (versions: remove the data of published versions the policy no longer keeps).',
      'invalid_parameter',
    );
    res.set(noStore).json(await service.apply(req.caller, what));
  });

  return router;
}
