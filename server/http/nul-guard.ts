import type { RequestHandler } from 'express';
import { AppError } from './app-error.js';

/**
 * Refuses a URL with a NUL character (`%00`) in its path or query: no id, code, name or filter of
 * ours can hold one, and PostgreSQL text cannot store it, so it is the client's 400 before any
 * route runs, never a 500 from the database.
 */
export function refuseNul(): RequestHandler {
  return (req, _res, next) => {
    const url = req.originalUrl;
    let decoded = url;
    try {
      decoded = decodeURIComponent(url.replace(/\+/g, ' '));
    } catch {
      // A malformed escape is Express's own 400 further on.
    }
    if (decoded.includes('\u0000')) {
      next(
        new AppError(
          400,
          'bad_request',
          'The URL contains a NUL character (%00), which no id, code or value may hold. Remove it.',
          { path: req.path },
        ),
      );
      return;
    }
    next();
  };
}
