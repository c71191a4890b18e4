import { createHash } from 'node:crypto';
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
 * it is not). Failures are counted per address and per (address, token) pair: the same wrong
 * token sent again past the limit is 429 without a token lookup, and an address past the limit gets 429
 * for further wrong tokens, but a valid token is never refused, whoever else shares the address
 * (an office behind one NAT, every client behind a proxy without TRUST_PROXY). Tokens are 128-bit
 * random secrets, so the limit is about load and noisy clients, not about guessing. The counts are
 * shared by every server process (PostgreSQL, see WindowCounter).
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
    const pair = `${client}|${createHash('sha256').update(header).digest('base64url').slice(0, 22)}`;
    const tooMany = (wait: number) => {
      res.set('Retry-After', String(wait));
      return new AppError(
        429,
        'too_many_auth_failures',
        `Too many requests with a wrong token from this address; try again in ${wait} s. A valid token is still accepted.`,
        { retryAfterSeconds: wait },
      );
    };
    // The same wrong token again after its limit: refused from memory, without a lookup.
    const repeated = failures.blockedFor(pair) || (await failures.retryAfter(pair));
    if (repeated > 0) throw tooMany(repeated);
    const secret = BEARER.exec(header)?.[1];
    const caller = secret ? await tokens.authenticate(secret) : null;
    if (!caller) {
      await failures.hit(pair);
      const wait = await failures.hit(client);
      if (wait > 0) throw tooMany(wait);
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
 * callers get (when PUBLIC_URL fixes the links in it); anything read with a token stays private.
 */
export function cacheFor(req: Request, res: Response, maxAgeSeconds: number): Response {
  const shared = req.caller.kind === 'anonymous' && req.app.locals.sharedCache === true;
  return res.set({
    'Cache-Control': `${shared ? 'public' : 'private'}, max-age=${maxAgeSeconds}`,
    Vary: 'Authorization',
  });
}

/**
 * Every answer varies by Authorization, and one read with a token is `private, no-cache` unless
 * its route says more (cacheFor keeps it private): a shared cache never stores restricted data.
 */
export function privateForTokens(): RequestHandler {
  return (req, res, next) => {
    res.vary('Authorization');
    if (req.caller.kind !== 'anonymous') res.set('Cache-Control', 'private, no-cache');
    next();
  };
}
