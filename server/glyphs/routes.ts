import { Router } from 'express';
import { z } from 'zod';
import { badRequest } from '../http/app-error.js';
import { parseQuery } from '../http/query.js';
import type { GlyphsService } from './glyphs-service.js';

/** GET /glyphs/{fontstack}/{start}-{end}.pbf, as MapLibre's `glyphs` URL template asks. */
export function glyphRoutes(glyphs: GlyphsService): Router {
  const router = Router();
  router.get('/glyphs/:fontstack/:range.pbf', (req, res) => {
    parseQuery(req, z.object({}));
    const m = /^(\d{1,5})-(\d{1,5})$/.exec(req.params.range);
    const start = Number(m?.[1]);
    if (!m || start % 256 !== 0 || Number(m[2]) !== start + 255 || start > 65280) {
      throw badRequest(
        'invalid_glyph_range',
        'Glyph ranges are 256 code points: /glyphs/{fontstack}/0-255.pbf, 256-511.pbf, …',
        { parameter: 'range', value: req.params.range },
      );
    }
    res
      .set({ 'Cache-Control': 'public, max-age=604800', 'Access-Control-Allow-Origin': '*' })
      .type('application/x-protobuf')
      .send(Buffer.from(glyphs.range(req.params.fontstack, start)));
  });
  return router;
}
