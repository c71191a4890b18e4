import fs from 'node:fs/promises';
import express, { Router } from 'express';
import { z } from 'zod';
import type { AppDeps } from '../app-deps.js';
import type { Metrics } from '../health/metrics.js';
import { intParam, parseQuery } from '../http/query.js';
import { baseUrl, historyLinks, withQuery } from '../http/links.js';
import { badRequest } from '../http/app-error.js';
import { layerDetail } from '../catalog/layer-json.js';
import { parseBody } from '../http/body.js';
import { layerCreateBody, layerPatchBody, type LayerWriteService } from './layer-write.js';
import { requireToken } from '../auth/access.js';
import type { IngestService } from './ingest-service.js';
import type { VersionsService } from './versions-service.js';
import type { ReviewService } from './review-service.js';
import { detectFormat, receiveToFile } from './receive.js';

const historyQuery = z.object({ limit: intParam(1, 1000).default(100), before: intParam(1, 999_999_999).optional() });
const diffQuery = z.object({ limit: intParam(1, 1000).default(100), after: intParam(0, 2_147_483_647).default(0) });
const GEOJSON_TYPE = 'application/geo+json';
/** Body of POST …/versions/{n}/reject: what the produsen must fix. */
const rejectBody = z.object({ note: z.string().trim().min(3).max(2000) }).strict();

/** Query of POST /api/layers/{id}/features; also feeds the OpenAPI document. */
export const uploadQuery = z.object({
  mode: z.enum(['replace', 'append'], 'must be replace or append'),
  format: z.enum(['geojson', 'ndjson', 'shapefile']).optional(),
  crs: z.string().max(20).optional(),
  encoding: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,20}$/, 'must be an encoding name like windows-1252')
    .optional(),
  repair: z.enum(['true', 'false']).default('false'),
  filename: z.string().max(200).optional(),
});

/** Feature uploads and a layer's change history (audit). */
export function ingestRoutes(
  deps: AppDeps,
  ingest: IngestService,
  versions: VersionsService,
  review: ReviewService,
  layers: LayerWriteService,
  onMetadataChange: () => void,
  metrics: Metrics,
): Router {
  const router = Router();
  const json = express.json({ limit: '256kb', type: ['application/json', 'application/merge-patch+json'] });

  router.post('/layers', json, async (req, res) => {
    requireToken(req.caller);
    parseQuery(req, z.object({}));
    const body = parseBody(
      layerCreateBody,
      req.body,
      'Required: slug, title, agency, theme, geometryType; see /api/openapi.json.',
      'invalid_layer_metadata',
    );
    const layer = await layers.create(req.caller, body);
    const base = baseUrl(req, deps.config.publicUrl);
    res.status(201).location(`${base}/api/layers/${layer.slug}`).json(layerDetail(layer, base));
  });

  router.patch('/layers/:id', json, async (req, res) => {
    requireToken(req.caller);
    parseQuery(req, z.object({}));
    const body = parseBody(
      layerPatchBody,
      req.body,
      'Send only the metadata fields to change; see /api/openapi.json.',
      'invalid_layer_metadata',
    );
    const layer = await layers.patch(req.caller, req.params.id, body);
    onMetadataChange();
    res.json(layerDetail(layer, baseUrl(req, deps.config.publicUrl)));
  });

  router.post('/layers/:id/features', async (req, res) => {
    requireToken(req.caller);
    const q = parseQuery(req, uploadQuery);
    // Scope and visibility first, before reading a byte of a possibly large body.
    await ingest.authorize(req.caller, req.params.id);
    await fs.mkdir(deps.config.upload.tempDir, { recursive: true });
    const { file } = await receiveToFile(req, deps.config.upload.tempDir, deps.config.upload.maxBytes);
    try {
      const format = await detectFormat(file, q.format, req.headers['content-type']);
      const result = await ingest.upload(req.caller, req.params.id, {
        file,
        format,
        mode: q.mode,
        crs: q.crs,
        encoding: q.encoding,
        repair: q.repair === 'true',
        name: q.filename,
      });
      deps.log.info(
        { layer: result.layer, mode: result.mode, inserted: result.inserted, version: result.dataVersion },
        'upload accepted',
      );
      metrics.upload('features', result.seconds);
      res.json(result);
    } finally {
      await fs.rm(file, { force: true });
    }
  });

  router.get('/layers/:id/versions', async (req, res) => {
    const q = parseQuery(req, historyQuery);
    const { layer, items, next } = await versions.list(req.caller, req.params.id, q.limit, q.before ?? null);
    const base = baseUrl(req, deps.config.publicUrl);
    const links = [{ href: withQuery(req, deps.config.publicUrl, {}), rel: 'self', type: 'application/json' }];
    if (next !== null)
      links.push({
        href: withQuery(req, deps.config.publicUrl, { before: next }),
        rel: 'next',
        type: 'application/json',
      });
    res.set('Cache-Control', 'private, no-cache').json({
      layer: layer.slug,
      dataVersion: layer.dataVersion,
      items: items.map((v) => ({ ...v, features: `${base}/api/layers/${layer.slug}/features?version=${v.version}` })),
      links,
    });
  });

  router.get('/layers/:id/versions/:version', async (req, res) => {
    parseQuery(req, z.object({}));
    const { layer, item } = await versions.get(req.caller, req.params.id, versionRef(req.params.version));
    const base = baseUrl(req, deps.config.publicUrl);
    res.set('Cache-Control', 'private, no-cache').json({
      layer: layer.slug,
      ...item,
      features: `${base}/api/layers/${layer.slug}/features?version=${item.version}`,
    });
  });

  router.get('/layers/:id/versions/:from/diff/:to', async (req, res) => {
    const q = parseQuery(req, diffQuery);
    const from = versionRef(req.params.from);
    const to = versionRef(req.params.to);
    const { layer, summary, rows, next } = await versions.diff(req.caller, req.params.id, from, to, q.after, q.limit);
    const links = [{ href: withQuery(req, deps.config.publicUrl, {}), rel: 'self', type: GEOJSON_TYPE }];
    if (next !== null)
      links.push({ href: withQuery(req, deps.config.publicUrl, { after: next }), rel: 'next', type: GEOJSON_TYPE });
    res
      .set('Cache-Control', 'private, no-cache')
      .type(GEOJSON_TYPE)
      .json({
        type: 'FeatureCollection',
        layer: layer.slug,
        from,
        to,
        summary,
        numberReturned: rows.length,
        features: rows.map((r) => ({
          ...(JSON.parse(r.feature) as object),
          change: r.change,
          ...(r.before ? { before: JSON.parse(r.before) as object } : {}),
        })),
        links,
      });
  });

  router.post('/layers/:id/versions/:version/submit', async (req, res) => {
    requireToken(req.caller);
    parseQuery(req, z.object({}));
    const item = await review.submit(req.caller, req.params.id, versionRef(req.params.version));
    res.json({ layer: req.params.id, ...item });
  });

  router.post('/layers/:id/versions/:version/approve', async (req, res) => {
    requireToken(req.caller);
    parseQuery(req, z.object({}));
    const item = await review.approve(req.caller, req.params.id, versionRef(req.params.version));
    deps.log.info({ layer: req.params.id, version: item.version }, 'draft approved');
    res.json({ layer: req.params.id, ...item });
  });

  router.post('/layers/:id/versions/:version/reject', json, async (req, res) => {
    requireToken(req.caller);
    parseQuery(req, z.object({}));
    const { note } = parseBody(rejectBody, req.body, 'Send { "note": "what to fix" }.', 'invalid_parameter');
    const item = await review.reject(req.caller, req.params.id, versionRef(req.params.version), note);
    res.json({ layer: req.params.id, ...item });
  });

  router.post('/layers/:id/versions/:version/restore', async (req, res) => {
    requireToken(req.caller);
    parseQuery(req, z.object({}));
    const item = await versions.restore(req.caller, req.params.id, versionNumber(req.params.version));
    deps.log.info({ layer: req.params.id, version: item.version, restoredFrom: item.restoredFrom }, 'version restored');
    res.json({ layer: req.params.id, ...item });
  });

  router.delete('/layers/:id/versions/:version/features', async (req, res) => {
    requireToken(req.caller);
    parseQuery(req, z.object({}));
    const done = await versions.removeData(req.caller, req.params.id, versionNumber(req.params.version));
    deps.log.info({ layer: req.params.id, ...done }, 'version data removed');
    res.json({ layer: req.params.id, ...done });
  });

  router.get('/layers/:id/history', async (req, res) => {
    const q = parseQuery(req, historyQuery);
    const { layer, items } = await ingest.history(req.caller, req.params.id, q.limit, q.before ?? null);
    const links = historyLinks(req, deps.config.publicUrl, items, q.limit);
    res
      .set('Cache-Control', 'private, no-cache')
      .json({ layer: layer.slug, dataVersion: layer.dataVersion, items, links });
  });

  return router;
}

/** A version number from the path: a positive whole number. */
function versionNumber(raw: string): number {
  if (!/^\d{1,9}$/.test(raw) || Number(raw) < 1)
    throw badRequest('invalid_parameter', 'A version number is a positive whole number, e.g. /versions/2.', {
      parameter: 'version',
      value: raw,
    });
  return Number(raw);
}

/** A version number from the path, or "draft": the layer's open draft. */
function versionRef(raw: string): number | 'draft' {
  return raw === 'draft' ? 'draft' : versionNumber(raw);
}
