import type { RequestHandler } from 'express';
import { ANONYMOUS, type Caller } from '../auth/access.js';

declare module 'express-serve-static-core' {
  interface Request {
    /** Who is asking; set for every request before any route runs. */
    caller: Caller;
  }
}

/** Tokens come later; until then every caller is anonymous (the tile fast path assumes the same). */
export function attachCaller(): RequestHandler {
  return (req, _res, next) => {
    req.caller = ANONYMOUS;
    next();
  };
}
