import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { buildHandler } from '../../server/app.js';
import { loadConfig } from '../../server/config.js';
import type { Database } from '../../server/db/database.js';
import { openTestDatabase } from './test-db.js';

export interface TestServer {
  db: Database;
  url: string;
  get(path: string, init?: RequestInit): Promise<Response>;
  json<T = Record<string, unknown>>(path: string): Promise<{ status: number; body: T; headers: Headers }>;
  close(): Promise<void>;
}

/** The real app on a real port against the run's real database. */
export async function startTestServer(
  env: Record<string, string> = {},
  options: { writable?: boolean } = {},
): Promise<TestServer> {
  const db = await openTestDatabase(options);
  // Suites that exercise the upload pipeline publish directly, as a deployment that trusts its
  // producers does; tests/api-review.test.ts runs the walidata review (the product's default, on).
  // The hourly retention job is off: a suite that ages drafts on purpose runs it itself (runJob).
  const config = loadConfig({ LOG_LEVEL: 'silent', REVIEW_REQUIRED: 'off', RETENTION_JOB: 'off', ...env });
  const server = createServer(buildHandler({ db, config, log: pino({ level: 'silent' }) }));
  // The server shares this process with the test: while a test parses a big answer the event
  // loop is busy for both, and a keep-alive timer that comes due during that time closes the
  // socket just as the test's next request goes out on it (ECONNRESET, seen once on a loaded CI
  // machine). Real clients run in their own process; here idle sockets may wait a minute.
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const get = (p: string, init?: RequestInit) => fetch(url + p, init);
  return {
    db,
    url,
    get,
    async json<T>(p: string) {
      const res = await get(p);
      return { status: res.status, body: (await res.json()) as T, headers: res.headers };
    },
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await db.close();
    },
  };
}
