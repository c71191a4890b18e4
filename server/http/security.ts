import type { RequestHandler } from 'express';
import helmet from 'helmet';
import { AppError } from './app-error.js';
import type { WindowCounter } from './rate-limit.js';

export interface SecurityOptions {
  /** Origins allowed to frame /embed; ['*'] means any site. */
  embedFrameAncestors: string[];
  /** Extra origins the viewer may fetch from (a configured basemap style and its tiles). */
  connectSources: string[];
}

const EMBED_PAGE = /^\/embed(?:\.html)?\/?$/;

/**
 * Security headers. The viewer, admin and API answers may only be framed by this origin; the
 * embed page may be framed by any site (or the configured list) and so carries no
 * X-Frame-Options. The policy allows exactly what the viewer uses: our own scripts, the MapLibre
 * worker file, inline style attributes MapLibre sets, data:/blob: images.
 */
export function securityHeaders(o: SecurityOptions): RequestHandler {
  const directives = (frameAncestors: string[]) => ({
    'default-src': ["'self'"],
    'script-src': ["'self'"],
    'style-src': ["'self'", "'unsafe-inline'"],
    'img-src': ["'self'", 'data:', 'blob:'],
    'font-src': ["'self'"],
    'worker-src': ["'self'", 'blob:'],
    'connect-src': ["'self'", ...o.connectSources],
    'object-src': ["'none'"],
    'base-uri': ["'self'"],
    'form-action': ["'self'"],
    'frame-ancestors': frameAncestors,
  });
  const common = {
    // HSTS belongs to the TLS-terminating proxy, which knows the real host name and its subdomains.
    strictTransportSecurity: false,
    // Other sites' maps read our tiles, glyphs and GeoJSON.
    crossOriginResourcePolicy: { policy: 'cross-origin' as const },
    crossOriginEmbedderPolicy: false,
  };
  const site = helmet({
    ...common,
    contentSecurityPolicy: { useDefaults: false, directives: directives(["'self'"]) },
    frameguard: { action: 'sameorigin' },
  });
  const embed = helmet({
    ...common,
    contentSecurityPolicy: { useDefaults: false, directives: directives(o.embedFrameAncestors) },
    frameguard: false,
  });
  return (req, res, next) => (EMBED_PAGE.test(req.path) ? embed : site)(req, res, next);
}

const READ_METHODS = new Set(['GET', 'HEAD']);

/**
 * CORS: any origin may read (embeds, other portals' maps, national harvesters), with or without a
 * token; no origin may write from a browser, so a page elsewhere can never use a producer's
 * session to change data. Preflights for writes are refused with a message.
 */
export function cors(): RequestHandler {
  return (req, res, next) => {
    if (req.method === 'OPTIONS' && req.headers['access-control-request-method']) {
      const asked = req.headers['access-control-request-method'].toUpperCase();
      if (!READ_METHODS.has(asked)) {
        throw new AppError(
          403,
          'cors_write_forbidden',
          `Writes are not accepted from pages on other sites (${asked} asked); call the API from a server or the CLI.`,
          { method: asked },
        );
      }
      res
        .set({
          'Access-Control-Allow-Origin': '*',
          'Access-Control-Allow-Methods': 'GET, HEAD',
          'Access-Control-Allow-Headers': 'Authorization, Accept, If-None-Match, Content-Type',
          'Access-Control-Max-Age': '86400',
        })
        .status(204)
        .end();
      return;
    }
    if (READ_METHODS.has(req.method))
      res.set({ 'Access-Control-Allow-Origin': '*', 'Access-Control-Expose-Headers': 'ETag, Link, Retry-After' });
    next();
  };
}

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/**
 * Reads that protocols send as POST (CKAN actions from ckanapi, WFS GetFeature and CSW in XML,
 * ArcGIS REST queries as forms): they change nothing, so they do not count as writes; a
 * harvester POSTing 2,491 package_show calls is not throttled to 120 a minute.
 */
const READ_BY_POST = [/^\/api\/3\/action\//, /^\/wfs$/, /^\/csw$/, /^\/arcgis\/rest\//];

/** Counts writes per token (or address, for calls that will fail authentication anyway); 429 past the limit. */
export function writeRateLimit(writes: WindowCounter): RequestHandler {
  return async (req, res, next) => {
    if (!WRITE_METHODS.has(req.method) || READ_BY_POST.some((re) => re.test(req.path))) {
      next();
      return;
    }
    const key = req.caller.kind === 'token' ? `token:${req.caller.tokenId}` : `ip:${req.ip ?? 'unknown'}`;
    const wait = writes.blockedFor(key) || (await writes.hit(key));
    if (wait > 0) {
      res.set('Retry-After', String(wait));
      throw new AppError(429, 'rate_limited', `Too many changes in a short time; try again in ${wait} s.`, {
        retryAfterSeconds: wait,
      });
    }
    next();
  };
}
