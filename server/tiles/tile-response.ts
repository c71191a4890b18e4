import type { ServerResponse } from 'node:http';
import type { TileAnswer } from './tiles-service.js';

const MVT = 'application/vnd.mapbox-vector-tile';
export const IMMUTABLE = 'public, max-age=31536000, immutable';
/** Unversioned or stale-versioned: current content, briefly cacheable, revalidated by ETag. */
export const SHORT = 'public, max-age=60';
/** Set when the tile byte budget (TILES_MAX_BYTES) dropped features from a tile. */
export const TRIMMED_HEADER = 'X-Tile-Trimmed';

/**
 * Writes a tile answer: headers once, the body as is. Shared by the Express route and the in-memory
 * fast path. A tile read with a token is `private`: shared caches keep only what anyone may see.
 */
export function writeTile(
  res: ServerResponse,
  answer: TileAnswer | 'not-modified',
  askedVersion: string | undefined,
  shared = true,
  /** Replaces the Cache-Control the answer would get (a draft's tiles: private, no-cache). */
  cacheControl?: string,
): void {
  const scope = (v: string) => cacheControl ?? (shared ? v : v.replace('public', 'private'));
  if (answer === 'not-modified') {
    res
      .writeHead(304, {
        'Cache-Control': scope(askedVersion ? IMMUTABLE : SHORT),
        Vary: 'Accept-Encoding, Authorization',
      })
      .end();
    return;
  }
  const headers: Record<string, string | number> = {
    'Cache-Control': scope(answer.immutable ? IMMUTABLE : SHORT),
    ETag: answer.etag,
    Vary: 'Accept-Encoding, Authorization',
    'Access-Control-Allow-Origin': '*',
  };
  if (answer.body.byteLength === 0) {
    res.writeHead(204, headers).end();
    return;
  }
  if (answer.trimmedCap !== undefined) {
    // Said in a header: the tile is complete as drawn, but each layer kept only its largest features.
    headers[TRIMMED_HEADER] = `max-features-per-layer=${answer.trimmedCap}`;
    headers['Access-Control-Expose-Headers'] = TRIMMED_HEADER;
  }
  if (answer.gzipped) headers['Content-Encoding'] = 'gzip';
  headers['Content-Type'] = MVT;
  headers['Content-Length'] = answer.body.byteLength;
  res.writeHead(200, headers).end(answer.body);
}
