import express, { Router } from 'express';
import { z } from 'zod';
import { badRequest } from '../http/app-error.js';
import { describeIssue } from '../http/body.js';
import { parseQuery } from '../http/query.js';
import { requireAdmin, ROLES } from './access.js';
import type { TokenStore } from './token-store.js';

const createBody = z
  .object({
    name: z.string().min(1).max(200),
    role: z.enum(ROLES),
    agencies: z.array(z.string().min(1).max(64)).max(100).default([]),
  })
  .strict();

/** Who am I, and the admin endpoints for tokens (the CLI `npm run token` does the same). */
export function authRoutes(store: TokenStore): Router {
  const router = Router();

  router.get('/me', (req, res) => {
    parseQuery(req, z.object({}));
    const c = req.caller;
    res
      .set('Cache-Control', 'private, no-store')
      .json(
        c.kind === 'anonymous'
          ? { kind: 'anonymous' }
          : { kind: 'token', id: c.tokenId, name: c.name, role: c.role, agencies: c.agencies },
      );
  });

  router.get('/tokens', async (req, res) => {
    parseQuery(req, z.object({}));
    requireAdmin(req.caller);
    const items = await store.list();
    res.set('Cache-Control', 'private, no-store').json({ total: items.length, items });
  });

  router.post('/tokens', express.json({ limit: '16kb' }), async (req, res) => {
    parseQuery(req, z.object({}));
    requireAdmin(req.caller);
    const parsed = createBody.safeParse(req.body);
    if (!parsed.success) {
      const { field, text } = describeIssue(parsed.error);
      throw badRequest(
        'invalid_token_request',
        `${text}. Send {"name", "role": "admin"|"editor"|"viewer", "agencies": [codes]}.`,
        { field },
      );
    }
    const createdBy = req.caller.kind === 'token' ? `token ${req.caller.tokenId}` : 'anonymous';
    const { token, info } = await store.create({ ...parsed.data, createdBy });
    res
      .status(201)
      .set('Cache-Control', 'no-store')
      .json({ token, ...info, note: 'The token is shown only now; store it safely.' });
  });

  router.delete('/tokens/:id', async (req, res) => {
    parseQuery(req, z.object({}));
    requireAdmin(req.caller);
    if (!/^\d{1,9}$/.test(req.params.id))
      throw badRequest('invalid_parameter', 'Token id must be a whole number.', {
        parameter: 'id',
        value: req.params.id,
      });
    res.json(await store.revoke(Number(req.params.id)));
  });

  return router;
}
