import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { hasNginx, startNginx, type Nginx } from './support/nginx.js';
import { freePort } from './support/ports.js';
import { createTestDatabase, dropTestDatabase, serverUrl } from './support/postgres-admin.js';
import { spawnServer, type ServerProcess } from './support/server-process.js';

// Two server processes on one PostgreSQL behind the shipped nginx configuration, restarted one
// after the other under load, as a deployment rolls out a new version. PostgreSQL only: the
// embedded database is one process per data folder. nginx comes from Debian (CI installs it).
const server = serverUrl();

async function ready(url: string): Promise<void> {
  for (;;) {
    const res = await fetch(`${url}/api/health/ready`).catch(() => null);
    if (res?.status === 200) return;
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe.skipIf(!server || !hasNginx)('a rolling restart behind nginx', () => {
  let url = '';
  let nginx: Nginx;
  const ports: number[] = [];
  const processes: ServerProcess[] = [];

  const start = async (i: number) => {
    const p = await spawnServer({
      DATABASE_URL: url,
      DATABASE_POOL_MAX: '3',
      PORT: String(ports[i]),
      PUBLIC_URL: nginx.url,
      TRUST_PROXY: 'true',
    });
    processes[i] = p;
    await ready(p.url);
  };

  beforeAll(async () => {
    url = await createTestDatabase(server ?? '', 'write', inject('templateDatabaseUrl'));
    ports.push(await freePort(), await freePort());
    nginx = await startNginx(ports.map((p) => `127.0.0.1:${p}`));
    await Promise.all([start(0), start(1)]);
  }, 120_000);

  afterAll(async () => {
    await Promise.all(processes.map((p) => p.stop()));
    await nginx?.stop();
    if (url) await dropTestDatabase(server ?? '', url);
  });

  it('fails no request while each process in turn drains, exits and starts again', async () => {
    const failures: string[] = [];
    let answered = 0;
    let n = 0;
    let running = true;
    // POSTs too: nginx never sends one to a second process once it reached the first.
    const post = async () => {
      while (running) {
        try {
          const res = await fetch(`${nginx.url}/api/3/action/package_search`, {
            method: 'POST',
            headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify({ q: 'jalan', rows: 1, start: n++ % 500 }),
          });
          await res.arrayBuffer();
          if (res.status === 200) answered++;
          else failures.push(`POST ${res.status}`);
        } catch (err) {
          failures.push(`POST ${String(err)}`);
        }
      }
    };
    const posts = [post(), post()];
    const loops = Array.from({ length: 4 }, async () => {
      while (running) {
        // Distinct URLs, so each one reaches a server process instead of the cache.
        const path = `/api/layers?limit=2&offset=${n++ % 2400}&q=${n % 2 ? 'jalan' : 'sekolah'}`;
        try {
          const res = await fetch(nginx.url + path);
          await res.arrayBuffer();
          if (res.status === 200) answered++;
          else failures.push(`${res.status} ${path}`);
        } catch (err) {
          failures.push(`${String(err)} ${path}`);
        }
      }
    });
    const exitCodes: (number | null | undefined)[] = [];
    for (const i of [0, 1]) {
      await new Promise((r) => setTimeout(r, 1000));
      exitCodes.push(await processes[i]?.stop('SIGTERM'));
      await start(i);
      // Past nginx's fail_timeout, so the restarted process is back in rotation before the next stops.
      await new Promise((r) => setTimeout(r, 2500));
    }
    running = false;
    await Promise.all([...loops, ...posts]);
    expect(exitCodes).toEqual([0, 0]);
    expect(failures).toEqual([]);
    expect(answered).toBeGreaterThan(20);
    // Two process starts under load: on a busy 2-core CI machine that can take well over 30 s.
  }, 180_000);

  it('answers a request sent on a keep-alive socket that was idle when SIGTERM came', async () => {
    // What nginx does: it reuses an upstream socket it holds idle. Node's server.close() alone
    // would reset that socket at SIGTERM, and nginx answers 502 to the POST it was writing.
    const p = processes[1] as ServerProcess;
    const socket = net.connect(Number(new URL(p.url).port), '127.0.0.1');
    let received = '';
    socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    const answers = async (count: number) => {
      while ((received.match(/HTTP\/1\.1 \d{3}/g) ?? []).length < count) {
        if (socket.destroyed) throw new Error(`socket closed after ${received.length} bytes`);
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    socket.write('GET /api/health/live HTTP/1.1\r\nHost: x\r\n\r\n');
    await answers(1);
    const exit = p.stop('SIGTERM');
    await new Promise((r) => setTimeout(r, 1000));
    const body = JSON.stringify({ q: 'jalan', rows: 1 });
    socket.write(
      `POST /api/3/action/package_search HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
    );
    await answers(2);
    const second = received.slice(received.lastIndexOf('HTTP/1.1 '));
    expect(second.slice(0, 12)).toBe('HTTP/1.1 200');
    expect(second.toLowerCase()).toContain('connection: close');
    await closed;
    expect(await exit).toBe(0);
  });
});
