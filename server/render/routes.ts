import { createHash } from 'node:crypto';
import express, { Router } from 'express';
import { z } from 'zod';
import type { AppDeps } from '../app-deps.js';
import { cacheFor } from '../auth/caller.js';
import { badRequest } from '../http/app-error.js';
import { parseBody } from '../http/body.js';
import { baseUrl } from '../http/links.js';
import { printBody, type PrintService } from './print-service.js';
import { notModified } from '../http/etag.js';
import { coordinate, parseBbox } from '../http/coordinates.js';
import { intParam, parseQuery } from '../http/query.js';
import { frameAroundBox, frameAtZoom, type MapFrame } from './map-frame.js';
import { IMAGE_TYPES, type RenderService } from './render-service.js';

/** Query of GET /api/maps/static; also feeds the OpenAPI document. */
export const staticMapQuery = z.object({
  layers: z.string().min(1).max(4000).describe('Layer ids, comma-separated, drawn bottom to top'),
  bbox: z.string().max(400).optional().describe('minLon,minLat,maxLon,maxLat (EPSG:4326) to fit in the image'),
  center: z.string().max(100).optional().describe('lon,lat of the image centre (with zoom)'),
  zoom: z
    .string()
    .regex(/^\d{1,2}(\.\d{1,3})?$/, 'must be a zoom level such as 13 or 13.5')
    .transform(Number)
    .refine((n) => n <= 22, 'must be at most 22')
    .optional(),
  width: intParam(1, 100_000).default(800).describe('Image width in CSS pixels'),
  height: intParam(1, 100_000).default(600).describe('Image height in CSS pixels'),
  scale: z
    .enum(['1', '2'])
    .default('1')
    .transform(Number)
    .describe('Pixel ratio: 2 draws a sharp image for HiDPI screens and print'),
  format: z.enum(['png', 'jpeg', 'webp']).default('png'),
  transparent: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
});

/** Query of GET /api/layers/{id}/legend.png. */
export const legendPngQuery = z.object({ size: intParam(8, 256).default(20).describe('Symbol size in pixels') });

const lon = coordinate('lon');
const lat = coordinate('lat');

function frameOf(q: z.infer<typeof staticMapQuery>): MapFrame {
  const w = q.width * q.scale;
  const h = q.height * q.scale;
  if (q.bbox !== undefined) {
    if (q.center !== undefined || q.zoom !== undefined)
      throw badRequest('invalid_parameter', 'Give bbox, or center with zoom, not both.', { parameter: 'bbox' });
    return frameAroundBox(parseBbox(q.bbox), w, h);
  }
  if (q.center === undefined || q.zoom === undefined)
    throw badRequest(
      'invalid_parameter',
      'A static map needs bbox=minLon,minLat,maxLon,maxLat, or center=lon,lat with zoom.',
      {
        parameter: q.center === undefined ? 'bbox' : 'zoom',
      },
    );
  const parts = q.center.split(',');
  const x = lon.safeParse(parts[0]?.trim());
  const y = lat.safeParse(parts[1]?.trim());
  if (parts.length !== 2 || !x.success || !y.success)
    throw badRequest('invalid_parameter', 'center must be lon,lat in decimal degrees, e.g. 106.63,-6.18.', {
      parameter: 'center',
      value: q.center,
    });
  return frameAtZoom(x.data, y.data, q.zoom + Math.log2(q.scale), w, h);
}

/** Static map images, layer legends and printed maps, drawn by the render service. */
export function renderRoutes(deps: AppDeps, render: RenderService, print: PrintService): Router {
  const router = Router();

  router.post('/print', express.json({ limit: '64kb' }), async (req, res) => {
    parseQuery(req, z.object({}));
    const body = parseBody(
      printBody,
      req.body,
      'Required: layers, title, and center with scale or a district; see /api/openapi.json.',
      'invalid_parameter',
    );
    const { pdf, filename } = await print.print(req.caller, body, baseUrl(req, deps.config.publicUrl));
    res
      .set({ 'Cache-Control': 'private, no-store', 'Content-Disposition': `attachment; filename="${filename}"` })
      .type('application/pdf')
      .send(pdf);
  });

  router.get('/maps/static', async (req, res) => {
    const q = parseQuery(req, staticMapQuery);
    render.checkSize(q.width * q.scale, q.height * q.scale, ['width', 'height']);
    const frame = frameOf(q);
    const layers = await render.layers(req.caller, q.layers);
    // The image is a function of the layers' data and style versions and of the asked frame.
    const etag = createHash('sha1')
      .update(
        JSON.stringify([layers.map((l) => [l.id, l.dataVersion, l.style]), frame, q.format, q.transparent, q.scale]),
      )
      .digest('base64url');
    cacheFor(req, res, 60);
    if (notModified(req, res, `"${etag}"`)) return;
    const body = await render.render(
      layers,
      frame,
      { format: q.format, transparent: q.transparent, background: '#ffffff' },
      q.scale,
    );
    res.type(IMAGE_TYPES[q.format]).send(body);
  });

  router.get('/layers/:id/thumbnail.png', async (req, res) => {
    parseQuery(req, z.object({}));
    const [layer] = await render.layers(req.caller, req.params.id, 'id');
    const thumb = await render.thumbnail(layer as NonNullable<typeof layer>);
    cacheFor(req, res, 3600);
    if (notModified(req, res, thumb.etag)) return;
    res.type('image/png').send(thumb.body);
  });

  router.get('/layers/:id/legend', async (req, res) => {
    parseQuery(req, z.object({}));
    const [layer] = await render.layers(req.caller, req.params.id);
    cacheFor(req, res, 300).json(render.legend(layer as NonNullable<typeof layer>));
  });

  router.get('/layers/:id/legend.png', async (req, res) => {
    const q = parseQuery(req, legendPngQuery);
    const [layer] = await render.layers(req.caller, req.params.id);
    const body = await render.legendImage(layer as NonNullable<typeof layer>, 'png', q.size);
    cacheFor(req, res, 300).type('image/png').send(body);
  });

  return router;
}
