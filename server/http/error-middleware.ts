import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';
import { AppError } from './app-error.js';
import type { ReadRouter } from '../db/read-router.js';
import { isDatabaseUnavailable, RETRY_AFTER_SECONDS } from './database-errors.js';

export interface ErrorBody {
  /** requestId: the answer's X-Request-Id, to quote when reporting the error (it is in the server's log). */
  error: { code: string; message: string; details: Record<string, unknown>; requestId?: string };
}

export function notFoundHandler(): RequestHandler {
  return (req, _res, next) => {
    next(
      new AppError(404, 'not_found', `No endpoint at ${req.method} ${req.path}. See /api for the list.`, {
        path: req.path,
      }),
    );
  };
}

/** How a protocol writes an error: its HTTP status and body (ArcGIS REST has its own shape). */
export type ErrorAnswer = (e: AppError, requestId: string | undefined) => { status: number; body: unknown };

const OUR_ANSWER: ErrorAnswer = (e, requestId) => ({
  status: e.status,
  body: { error: { code: e.code, message: e.message, details: e.details, requestId } } satisfies ErrorBody,
});

/**
 * One JSON shape for every error; never SQL text or a stack trace. Unknown errors are logged and
 * become 500. A read whose replica went away before anything was written is passed on (next) for
 * the handler to answer again from the primary. A protocol with its own error shape mounts
 * another one with its `answer` in front of this one.
 */
export function errorHandler(log: Logger, reads?: ReadRouter | null, answer = OUR_ANSWER): ErrorRequestHandler {
  return (err: unknown, req, res, next) => {
    if (res.headersSent) {
      next(err);
      return;
    }
    if (reads && isDatabaseUnavailable(err) && reads.failedOnReplica()) {
      log.warn({ reqId: req.id, url: req.originalUrl }, 'replica away: answering from the primary');
      next(err);
      return;
    }
    const appError = toAppError(err);
    if (appError.code === 'database_unavailable') {
      log.warn(
        { reqId: req.id, err: { message: (err as Error).message }, url: req.originalUrl },
        'database unavailable',
      );
      res.set('Retry-After', String(RETRY_AFTER_SECONDS));
    } else if (appError.status >= 500)
      log.error({ reqId: req.id, err, method: req.method, url: req.originalUrl }, 'request failed');
    const { status, body } = answer(appError, req.id);
    res.status(status).json(body);
  };
}

function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  const e = err as { type?: string; status?: number; expose?: boolean };
  // Errors from Express's own body and URL handling carry a status and are safe to describe.
  if (e.type === 'entity.too.large')
    return new AppError(413, 'payload_too_large', 'The request body is larger than the server accepts.');
  if (e.type === 'entity.parse.failed') return new AppError(400, 'invalid_json', 'The request body is not valid JSON.');
  if (e.type === 'charset.unsupported' || e.type === 'encoding.unsupported')
    return new AppError(415, 'unsupported_encoding', 'Send the body in UTF-8, uncompressed or gzip.');
  if (e instanceof URIError || (e.status === 400 && e.expose))
    return new AppError(400, 'bad_request', 'The request URL or body could not be read.');
  if (isDatabaseUnavailable(err)) return databaseUnavailable();
  // A file the static handler does not have (e.g. an asset of an older viewer build after a deploy).
  if (e.status === 404)
    return new AppError(404, 'not_found', 'No such file. Reload the page to get the current viewer.');
  return new AppError(500, 'internal_error', 'Something went wrong on our side; it has been logged. Try again later.');
}

export function databaseUnavailable(): AppError {
  return new AppError(
    503,
    'database_unavailable',
    `The database cannot be reached right now (restarting or away). Nothing was changed; try again in ${RETRY_AFTER_SECONDS} seconds.`,
    { retryAfterSeconds: RETRY_AFTER_SECONDS },
  );
}
