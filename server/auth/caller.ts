import type { Request, RequestHandler, Response } from 'express';
import { ANONYMOUS, type Caller } from './access.js';
import type { TokenStore } from './token-store.js';
import { AppError } from '../http/app-error.js';
import type { WindowCounter } from '../http/rate-limit.js';

declare module 'express-serve-static-core' {
  interface Request {
    /** Who is asking; set for every request before any route runs. */
    caller: Caller;
  }
}

// The scheme is case-insensitive (RFC 7235); spaces or tabs may separate it from the token.
const BEARER = /^bearer[ \t]+([A-Za-z0-9_-]{1,100})[ \t]*$/i;

/**
 * Reads `Authorization: Bearer <token>`. No header: anonymous. A header that is malformed, names an
 * unknown or revoked token is 401 on every route (a client that thinks it is signed in must learn
 * it is not), and counts as a failure for the client's address; too many failures are 429.
 */
export function attachCaller(tokens: TokenStore, failures: WindowCounter): RequestHandler {
  return async (req, res, next) => {
    const header = req.headers.authorization;
    if (header === undefined) {
      req.caller = ANONYMOUS;
      next();
      return;
    }
    const client = req.ip ?? 'unknown';
    const wait = failures.retryAfter(client);
    if (wait > 0) {
      res.set('Retry-After', String(wait));
      throw new AppError(
        429,
        'too_many_auth_failures',
        `Too many requests with a wrong token from this address; try again in ${wait} s.`,
        { retryAfterSeconds: wait },
      );
    }
    const secret = BEARER.exec(header)?.[1];
    const caller = secret ? await tokens.authenticate(secret) : null;
    if (!caller) {
      failures.hit(client);
      res.set('WWW-Authenticate', 'Bearer realm="satupeta", error="invalid_token"');
      throw secret
        ? new AppError(
            401,
            'invalid_token',
            'The token is unknown or has been revoked. Ask an administrator for a new one.',
          )
        : new AppError(401, 'invalid_authorization', 'The Authorization header must be "Bearer <token>".');
    }
    req.caller = caller;
    next();
  };
}

/**
 * Cache-Control for a response that depends on who asks: shared caches may keep what anonymous
 * callers get; anything read with a token stays private to that client.
 */
export function cacheFor(req: Request, res: Response, maxAgeSeconds: number): Response {
  return res.set({
    'Cache-Control': `${req.caller.kind === 'anonymous' ? 'public' : 'private'}, max-age=${maxAgeSeconds}`,
    Vary: 'Authorization',
  });
}
