import { afterAll, beforeAll } from 'vitest';
import { firstSlug } from './queries.js';
import { startTestServer, type TestServer } from './test-server.js';

export interface SharedTestServer extends TestServer {
  /** A terbatas layer of the fixtures: what anonymous callers must never see. */
  readonly terbatas: string;
}

/**
 * The real app on a real port for one test file: started before its tests, closed after. The
 * returned handle reads through to the running server, so tests use it like a TestServer.
 */
export function useTestServer(options: { env?: Record<string, string>; writable?: boolean } = {}): SharedTestServer {
  let server: TestServer | undefined;
  let terbatas = '';
  beforeAll(async () => {
    server = await startTestServer(options.env, { writable: options.writable ?? false });
    terbatas = await firstSlug(server.db.knex, 'terbatas');
  });
  afterAll(() => server?.close());
  const live = (): TestServer => {
    if (!server) throw new Error('the test server has not started');
    return server;
  };
  return {
    get db() {
      return live().db;
    },
    get url() {
      return live().url;
    },
    get terbatas() {
      return terbatas;
    },
    get: (path, init) => live().get(path, init),
    json: <T>(path: string) => live().json<T>(path),
    close: () => live().close(),
  };
}
