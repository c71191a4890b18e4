import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { createTestDatabase, dropTestDatabase, serverUrl } from './support/postgres-admin.js';
import { spawnServer, type ServerProcess } from './support/server-process.js';

// WORKERS=2: one port, two server processes (node:cluster), each with its own pool. Needs
// PostgreSQL: the embedded database is one process by design (WORKERS > 1 refuses to start there).
const server = serverUrl();

/** A GET on a connection of its own (so the cluster may hand it to either worker); its status. */
function getOnce(url: string, requestId: string): Promise<number> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent: false, headers: { 'X-Request-Id': requestId } }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      })
      .on('error', reject);
  });
}

/** Which process answered each request id, from the JSON request log lines. */
function answeredBy(p: ServerProcess, prefix: string): Set<number> {
  const pids = new Set<number>();
  for (const line of p.logs) {
    if (!line.includes(`"reqId":"${prefix}`)) continue;
    const pid = /"pid":(\d+)/.exec(line)?.[1];
    if (pid) pids.add(Number(pid));
  }
  return pids;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.skipIf(!server)('WORKERS=2 on one port', () => {
  let url = '';
  let p: ServerProcess;

  beforeAll(async () => {
    url = await createTestDatabase(server ?? '', 'cluster', inject('templateDatabaseUrl'));
    p = await spawnServer({ DATABASE_URL: url, DATABASE_POOL_MAX: '2', WORKERS: '2' });
  });
  afterAll(async () => {
    await p?.stop();
    if (url) await dropTestDatabase(server ?? '', url);
  });

  it(
    'answers from two processes, replaces one that dies, and stops them all on SIGTERM',
    { timeout: 120_000 },
    async () => {
      // Both workers listen (each logs it) before connections are spread over them.
      for (let i = 0; i < 200 && p.logs.filter((l) => l.includes('satupeta listening')).length < 2; i++)
        await sleep(100);
      const statuses = await Promise.all(
        Array.from({ length: 40 }, (_, i) => getOnce(`${p.url}/api/layers?limit=1`, `spread-${i}`)),
      );
      expect(statuses).toEqual(Array(40).fill(200));
      const first = answeredBy(p, 'spread-');
      expect(first.size).toBe(2);
      expect(first.has(p.child.pid ?? 0)).toBe(false); // the supervisor serves nothing itself

      // A worker killed outright is replaced, and the port answers from the other one meanwhile.
      // (A connection node:cluster handed to the worker at the instant it died is lost with it,
      // like a request in flight in any process that crashes; so requests start once its death is seen.)
      const [victim = 0] = [...first];
      process.kill(victim, 'SIGKILL');
      for (let i = 0; i < 200 && !p.logs.some((l) => l.includes('a server process exited')); i++) await sleep(50);
      let replaced = new Set<number>();
      for (let round = 0; round < 100; round++) {
        const st = await Promise.all(
          Array.from({ length: 10 }, (_, i) => getOnce(`${p.url}/api/layers?limit=1`, `after-${round}-${i}`)),
        );
        expect(st).toEqual(Array(10).fill(200));
        replaced = answeredBy(p, 'after-');
        if ([...replaced].some((pid) => !first.has(pid))) break;
        await sleep(200);
      }
      expect([...replaced].filter((pid) => !first.has(pid)).length).toBe(1);

      // SIGTERM to the supervisor drains every worker and exits 0.
      const workers = [...replaced];
      expect(await p.stop('SIGTERM')).toBe(0);
      for (const pid of workers) expect(() => process.kill(pid, 0)).toThrow();
    },
  );

  it('refuses to start on the embedded database with more than one worker', async () => {
    await expect(spawnServer({ WORKERS: '2', DATA_DIR: '/tmp/satupeta-never-made' })).rejects.toThrow(
      /WORKERS: more than one process needs DATABASE_URL/,
    );
  });
});
