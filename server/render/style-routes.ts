import express, { Router } from 'express';
import { z } from 'zod';
import type { AppDeps } from '../app-deps.js';
import { requireToken } from '../auth/access.js';
import { cacheFor } from '../auth/caller.js';
import { badRequest } from '../http/app-error.js';
import { baseUrl } from '../http/links.js';
import { parseQuery } from '../http/query.js';
import type { RenderService } from './render-service.js';
import { styleRuleBody } from './style-rule.js';
import { invalidStyle, type StyleService } from './style-service.js';
import { styleSld } from './style-sld.js';

/**
 * Layer styles: GET/PUT /api/layers/{id}/style (the rule, its MapLibre layers, legend and
 * version), and /styles/{layers}.json, a whole MapLibre style for QGIS and any MapLibre client.
 */
export function styleRoutes(
  deps: AppDeps,
  styles: StyleService,
  render: RenderService,
  onStyleChange: () => void,
): { api: Router; root: Router } {
  const api = Router();
  const root = Router();
  const json = express.json({ limit: '64kb' });

  api.get('/layers/:id/style', async (req, res) => {
    parseQuery(req, z.object({}));
    cacheFor(req, res, 60).json(await styles.get(req.caller, req.params.id));
  });

  api.get('/layers/:id/style.sld', async (req, res) => {
    parseQuery(req, z.object({}));
    const [layer] = await render.layers(req.caller, req.params.id, 'id');
    cacheFor(req, res, 60)
      .type('application/vnd.ogc.sld+xml; charset=utf-8')
      .send(styleSld(layer as NonNullable<typeof layer>));
  });

  api.put('/layers/:id/style', json, async (req, res) => {
    requireToken(req.caller);
    parseQuery(req, z.object({}));
    if (req.body === undefined || req.body === null || typeof req.body !== 'object' || Array.isArray(req.body))
      throw badRequest(
        'invalid_body',
        'Send the style as a JSON object (Content-Type: application/json), e.g. {"kind": "single", "color": "#1f78b4"}.',
      );
    const parsed = styleRuleBody.safeParse(req.body);
    if (!parsed.success)
      throw invalidStyle(
        parsed.error.issues.map((i) => ({
          path: i.path.join('.') || 'kind',
          message:
            i.code === 'unrecognized_keys'
              ? `unknown field(s) ${i.keys.join(', ')}`
              : i.path.length === 0 || i.path[0] === 'kind'
                ? 'kind must be "single", "categorized" or "graduated"'
                : i.message,
        })),
      );
    const saved = await styles.put(req.caller, req.params.id, parsed.data);
    onStyleChange();
    res.json(saved);
  });

  root.get('/styles/:layers.json', async (req, res) => {
    parseQuery(req, z.object({}));
    const layers = await render.layers(req.caller, req.params.layers);
    cacheFor(req, res, 60).json(styles.styleJson(layers, baseUrl(req, deps.config.publicUrl)));
  });

  return { api, root };
}
