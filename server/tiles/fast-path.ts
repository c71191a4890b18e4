import type { IncomingMessage, ServerResponse } from 'node:http';
import { ANONYMOUS } from '../auth/access.js';
import { parseTileCoord } from './tile-coords.js';
import { writeTile } from './tile-response.js';
import type { TilesService } from './tiles-service.js';

const TILE_URL =
  /^\/tiles\/([a-z0-9][a-z0-9,-]*)\/(\d{1,2})\/(\d{1,8})\/(\d{1,8})\.mvt(?:\?v=(\d{1,10}(?:\.[0-9a-z]{1,8})?(?:-\d{1,10}(?:\.[0-9a-z]{1,8})?)*))?$/;

/**
 * Answers a tile request straight from memory, before Express, when the request is an anonymous
 * GET of a well-formed tile URL whose layers and tile are already cached. Anything else (a miss,
 * credentials, odd query strings, errors) returns false and goes through the Express route,
 * which decides and answers exactly as it always does.
 */
export function tileFastPath(service: TilesService): (req: IncomingMessage, res: ServerResponse) => boolean {
  return (req, res) => {
    if (req.method !== 'GET' || req.headers.authorization !== undefined) return false;
    const m = TILE_URL.exec(req.url ?? '');
    if (!m) return false;
    let coord;
    try {
      coord = parseTileCoord(m[2] ?? '', m[3] ?? '', m[4] ?? '');
    } catch {
      return false;
    }
    const acceptGzip = /\bgzip\b/.test(req.headers['accept-encoding'] ?? '');
    const answer = service.fromMemory(ANONYMOUS, m[1] ?? '', coord, m[5], acceptGzip, req.headers['if-none-match']);
    if (!answer) return false;
    writeTile(res, answer, m[5]);
    return true;
  };
}
