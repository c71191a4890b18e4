import type { ServerResponse } from 'node:http';

/**
 * Where the process is in its life: serving, or draining after SIGTERM (readiness answers 503 so
 * a load balancer sends new requests elsewhere, and every answer closes its connection so
 * keep-alive clients reconnect to another process).
 */
export class Lifecycle {
  draining = false;

  /** Marks an answer of a draining process to close its connection. */
  closeIfDraining(res: ServerResponse): void {
    if (this.draining && !res.headersSent) res.setHeader('Connection', 'close');
  }
}
