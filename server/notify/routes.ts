import express, { Router, type Request } from 'express';
import { z } from 'zod';
import { requireAdmin } from '../auth/access.js';
import { badRequest } from '../http/app-error.js';
import { parseBody } from '../http/body.js';
import { intParam, parseQuery } from '../http/query.js';
import { WEBHOOK_EVENTS } from './webhooks-sql.js';
import type { WebhooksService } from './webhooks-service.js';

/** Body of POST /api/webhooks; also feeds the OpenAPI document. */
export const webhookBody = z
  .object({
    agency: z.string().min(1).max(64).nullable().default(null),
    url: z
      .string()
      .max(2000)
      .refine((u) => URL.canParse(u) && /^https?:$/.test(new URL(u).protocol), 'must be an http:// or https:// URL'),
    events: z.array(z.enum(WEBHOOK_EVENTS)).min(1).max(WEBHOOK_EVENTS.length).optional(),
  })
  .strict();

const HINT =
  'Send {"url": "https://…", "agency": "<agency code>" or null for every agency, "events": ["version.submitted", "version.approved", "version.rejected"]}.';

function hookId(req: Request<{ id: string }>): number {
  const { id } = req.params;
  if (!/^\d{1,9}$/.test(id))
    throw badRequest('invalid_parameter', 'A webhook id is a whole number (see GET /api/webhooks).', {
      parameter: 'id',
      value: id,
    });
  return Number(id);
}

/** An administrator's webhooks: list, create (the secret is shown once), remove, deliveries, ping. */
export function webhookRoutes(service: WebhooksService): Router {
  const router = Router();
  const noStore = { 'Cache-Control': 'private, no-store' };

  router.get('/webhooks', async (req, res) => {
    parseQuery(req, z.object({}));
    const items = await service.list(req.caller);
    res.set(noStore).json({ total: items.length, items });
  });

  router.post('/webhooks', express.json({ limit: '16kb' }), async (req, res) => {
    parseQuery(req, z.object({}));
    // The role first: who may not register webhooks learns nothing about the body.
    requireAdmin(req.caller);
    const body = parseBody(webhookBody, req.body, HINT, 'invalid_webhook');
    const created = await service.create(req.caller, body);
    res
      .status(201)
      .set(noStore)
      .json({ ...created, note: 'The secret is shown only now: the receiver checks X-Satupeta-Signature with it.' });
  });

  router.get('/webhooks/:id', async (req, res) => {
    parseQuery(req, z.object({}));
    res.set(noStore).json(await service.get(req.caller, hookId(req)));
  });

  router.delete('/webhooks/:id', async (req, res) => {
    parseQuery(req, z.object({}));
    await service.remove(req.caller, hookId(req));
    res.status(204).end();
  });

  router.get('/webhooks/:id/deliveries', async (req, res) => {
    const { limit } = parseQuery(req, z.object({ limit: intParam(1, 500).default(50) }));
    const items = await service.deliveries(req.caller, hookId(req), limit);
    res.set(noStore).json({ items });
  });

  router.post('/webhooks/:id/ping', async (req, res) => {
    parseQuery(req, z.object({}));
    await service.ping(req.caller, hookId(req));
    res
      .status(202)
      .set(noStore)
      .json({ queued: true, see: `/api/webhooks/${hookId(req)}/deliveries` });
  });

  return router;
}
