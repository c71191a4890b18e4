import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

declare module 'http' {
  interface IncomingMessage {
    /** This request's id: the caller's `X-Request-Id` when it is a plain token, else a new UUID. */
    id?: string;
  }
}

/** What a proxy's or client's request id may look like to be kept (anything else is replaced). */
const GIVEN = /^[A-Za-z0-9._:-]{1,64}$/;

/**
 * Gives every request an id, answered in `X-Request-Id` and written in its log lines and error
 * bodies, so a person's report of an error and the server's log meet. A proxy's id (nginx
 * `$request_id`) is kept, so one id follows the request through both.
 */
export function assignRequestId(req: IncomingMessage, res: ServerResponse): string {
  const given = req.headers['x-request-id'];
  const id = typeof given === 'string' && GIVEN.test(given) ? given : randomUUID();
  req.id = id;
  res.setHeader('X-Request-Id', id);
  return id;
}
