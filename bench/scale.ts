import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { seedDatabase } from '../fixtures/seed.js';
import { openDatabase } from '../server/db/database.js';
import { tileOf } from '../tests/support/mvt.js';
import { startNginx } from '../tests/support/nginx.js';
import { PgCluster } from '../tests/support/pg-cluster.js';
import { freePort } from '../tests/support/ports.js';
import { fmt, percentile, sleep, startServer, type ServerProcess } from './support.js';
import { ROTATION_LUA, WRK } from './wrk.js';

/**
 * npm run bench:scale — issue 16's deployment under load: wrk with 500 connections against
 *   A  1 server process, direct
 *   B  1 process behind nginx with its cache off (what the proxy alone costs)
 *   C  2 processes behind nginx, cache off
 *   D  2 processes reading from a streaming replica, behind nginx, cache off
 *   E  D behind the shipped nginx configuration with its cache on
 *   F  WORKERS=2: two processes on one port (node:cluster), no proxy
 * on two mixes (cache-friendly: versioned tiles, catalog pages, TileJSON; database-bound: bbox
 * feature pages, OGC items, district layer lists, element values), rounds rotated, all in one
 * run on one primary and one replica this script makes (initdb + pg_basebackup, demo scale). A
 * readiness probe hits a loaded process directly (as a load balancer does) every 100 ms
 * throughout; CPU seconds per component say where the time goes.
 */
const run = promisify(execFile);
const CONNECTIONS = Number(process.env.SCALE_CONNECTIONS ?? 500);
const SECONDS = Number(process.env.SCALE_SECONDS ?? 20);
const ROUNDS = Number(process.env.SCALE_ROUNDS ?? 2);
const CLK_TCK = 100;

interface Result {
  requests: number;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
  healthP99: number;
  cpu: Record<string, number>;
}

/** wrk's Lua: the shared URL rotation (gzip asked, as browsers do); `done` prints one JSON line. */
const LUA = `${ROTATION_LUA}
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('{"requests":%d,"duration_us":%d,"p50_us":%d,"p99_us":%d,' ..
    '"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.connect, e.read, e.write, e.status, e.timeout))
end
`;

/** CPU seconds (user + system) of each process so far. */
async function cpuSeconds(pids: number[]): Promise<Map<number, number>> {
  const out = new Map<number, number>();
  for (const pid of pids) {
    const stat = await fs.readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
    if (stat === '') continue;
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    out.set(pid, (Number(f[11] ?? 0) + Number(f[12] ?? 0)) / CLK_TCK);
  }
  return out;
}

/** CPU seconds spent between two readings by the processes present in both. */
function spent(before: Map<number, number>, after: Map<number, number>): number {
  let sum = 0;
  for (const [pid, t] of after) if (before.has(pid)) sum += t - (before.get(pid) ?? 0);
  return sum;
}

/** A process and its children (PostgreSQL's backends are children of the postmaster). */
async function family(root: number): Promise<number[]> {
  const out = [root];
  for (const name of await fs.readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = await fs.readFile(`/proc/${name}/stat`, 'utf8').catch(() => '');
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (ppid === root) out.push(Number(name));
  }
  return out;
}

async function postmaster(cluster: PgCluster): Promise<number> {
  return Number((await fs.readFile(path.join(cluster.dir, 'postmaster.pid'), 'utf8')).split('\n')[0]);
}

/** Probes `url` every 100 ms until stopped; the latencies in ms. */
function probe(url: string): { stop: () => Promise<number[]> } {
  const times: number[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const t = performance.now();
      try {
        const res = await fetch(url, { signal: AbortSignal.timeout(30_000) });
        await res.arrayBuffer();
        times.push(performance.now() - t);
      } catch {
        times.push(30_000);
      }
      await sleep(100);
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return times;
    },
  };
}

/** What main() started, stopped last-in first-out whether it finished or failed. */
const cleanups: Array<() => Promise<unknown>> = [];

async function main(): Promise<void> {
  const work = await fs.mkdtemp(path.join(os.tmpdir(), 'satupeta-scale-'));
  cleanups.push(() => fs.rm(work, { recursive: true, force: true }));
  const luaFile = path.join(work, 'rotate.lua');
  await fs.writeFile(luaFile, LUA);
  console.log('making a primary (demo scale) and a streaming replica…');
  const primary = await PgCluster.primary(['shared_buffers = 512MB', 'max_connections = 200', 'jit = off']);
  cleanups.push(() => primary.remove());
  await primary.start();
  const setup = await openDatabase({ databaseUrl: primary.url, poolMax: 4, dataDir: '' });
  await seedDatabase(setup.knex, 'demo');
  await setup.knex.raw('analyze');
  await setup.close();
  const replica = await PgCluster.replicaOf(primary);
  cleanups.push(() => replica.remove());
  await replica.start();

  // PUBLIC_URL set, as in production: JSON with links is then cacheable by a shared cache.
  const base = {
    DATABASE_URL: primary.url,
    AUTO_SEED: 'false',
    DATABASE_POOL_MAX: '10',
    PUBLIC_URL: 'http://peta.example.go.id',
  };
  const withReplica = { ...base, DATABASE_READ_URLS: replica.url };
  const ports = await Promise.all(Array.from({ length: 4 }, () => freePort()));
  const procs: ServerProcess[] = [];
  for (const [i, port] of ports.entries()) {
    const p = await startServer(i < 2 ? base : withReplica, port);
    cleanups.push(() => p.stop());
    procs.push(p);
  }
  const [p1, p2, p3, p4] = procs as [ServerProcess, ServerProcess, ServerProcess, ServerProcess];
  // The same two processes on one port without a proxy: WORKERS=2 (node:cluster).
  const pc = await startServer({ ...base, WORKERS: '2' }, await freePort());
  cleanups.push(() => pc.stop());
  const host = (p: ServerProcess) => new URL(p.url).host;
  const nginxOne = await startNginx([host(p1)], { cache: false, connections: 4096, workers: 2 });
  const nginxTwo = await startNginx([host(p1), host(p2)], { cache: false, connections: 4096, workers: 2 });
  const nginxReplica = await startNginx([host(p3), host(p4)], { cache: false, connections: 4096, workers: 2 });
  const nginxCache = await startNginx([host(p3), host(p4)], { cache: true, connections: 4096, workers: 2 });
  for (const n of [nginxOne, nginxTwo, nginxReplica, nginxCache]) cleanups.push(() => n.stop());

  const configs = [
    { name: 'A 1 process', url: p1.url, nodes: [p1], nginx: false, replica: false },
    { name: 'B 1 process + nginx', url: nginxOne.url, nodes: [p1], nginx: true, replica: false },
    { name: 'F WORKERS=2, direct', url: pc.url, nodes: [pc], nginx: false, replica: false },
    { name: 'C 2 processes + nginx', url: nginxTwo.url, nodes: [p1, p2], nginx: true, replica: false },
    { name: 'D 2 processes + replica + nginx', url: nginxReplica.url, nodes: [p3, p4], nginx: true, replica: true },
    { name: 'E D + nginx cache', url: nginxCache.url, nodes: [p3, p4], nginx: true, replica: true },
  ];

  const mixes = await buildMixes(p1.url, work);
  // Warm every process and cache with every URL, so rounds measure steady state.
  for (const c of configs)
    for (const target of [c.url, ...c.nodes.map((n) => n.url)])
      for (const file of Object.values(mixes))
        for (const u of (await fs.readFile(file, 'utf8')).split('\n').filter(Boolean))
          await (await fetch(target + u)).arrayBuffer();

  const results = new Map<string, Result[]>();
  const primaryPid = await postmaster(primary);
  const replicaPid = await postmaster(replica);
  for (let round = 0; round < ROUNDS; round++) {
    const order = configs.map((_, i) => configs[(i + round) % configs.length] as (typeof configs)[number]);
    for (const c of order) {
      for (const [mix, file] of Object.entries(mixes)) {
        const groups: Record<string, number[]> = {
          node: (await Promise.all(c.nodes.map((n) => family(n.child.pid ?? 0)))).flat(),
          primary: await family(primaryPid),
          replica: await family(replicaPid),
        };
        const before = Object.fromEntries(
          await Promise.all(Object.entries(groups).map(async ([k, v]) => [k, await cpuSeconds(v)] as const)),
        );
        const health = probe(`${c.nodes[0]?.url ?? c.url}/api/health/ready`);
        const { stdout } = await run(
          WRK,
          ['-t', '2', '-c', String(CONNECTIONS), '-d', `${SECONDS}s`, '--timeout', '10s', '-s', luaFile, c.url],
          { env: { ...process.env, WRK_URLS: file, WRK_HEADER: 'Accept-Encoding: gzip' }, maxBuffer: 1 << 20 },
        );
        const healthTimes = (await health.stop()).sort((a, b) => a - b);
        const after = Object.fromEntries(
          await Promise.all(Object.entries(groups).map(async ([k, v]) => [k, await cpuSeconds(v)] as const)),
        );
        const json = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as Record<string, number>;
        const seconds = (json.duration_us ?? 1) / 1e6;
        const r: Result = {
          requests: json.requests ?? 0,
          rps: (json.requests ?? 0) / seconds,
          p50: (json.p50_us ?? 0) / 1000,
          p99: (json.p99_us ?? 0) / 1000,
          errors: (json.connect ?? 0) + (json.read ?? 0) + (json.write ?? 0) + (json.timeout ?? 0),
          non2xx: json.status ?? 0,
          healthP99: percentile(healthTimes, 99),
          cpu: Object.fromEntries(
            Object.keys(groups).map((k) => [
              k,
              spent(before[k] ?? new Map<number, number>(), after[k] ?? new Map<number, number>()) / seconds,
            ]),
          ),
        };
        const kinds = `connect ${json.connect ?? 0}, read ${json.read ?? 0}, write ${json.write ?? 0}, timeout ${json.timeout ?? 0}`;
        const key = `${c.name}|${mix}`;
        results.set(key, [...(results.get(key) ?? []), r]);
        console.log(
          `round ${round + 1} ${c.name.padEnd(34)} ${mix.padEnd(14)} ${fmt(r.rps, 0).padStart(7)} req/s  p99 ${fmt(r.p99, 0)} ms  errors ${r.errors} (${kinds})/${r.non2xx}  health p99 ${fmt(r.healthP99, 0)} ms`,
        );
      }
    }
  }

  console.log('\nmedian of rounds (req/s; ratio to A on the same mix; CPU cores busy per component):');
  console.log(
    '| configuration | mix | req/s | × A | p99 ms | errors (socket/non-2xx) | health p99 ms | node cores | primary cores | replica cores |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|');
  const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
  for (const mix of Object.keys(mixes)) {
    const a = median((results.get(`${configs[0]?.name}|${mix}`) ?? []).map((r) => r.rps));
    for (const c of configs) {
      const rs = results.get(`${c.name}|${mix}`) ?? [];
      const rps = median(rs.map((r) => r.rps));
      console.log(
        `| ${c.name} | ${mix} | ${fmt(rps, 0)} | ${fmt(rps / a)} | ${fmt(median(rs.map((r) => r.p99)), 0)} | ` +
          `${rs.reduce((s, r) => s + r.errors, 0)}/${rs.reduce((s, r) => s + r.non2xx, 0)} | ` +
          `${fmt(Math.max(...rs.map((r) => r.healthP99)), 0)} | ${fmt(median(rs.map((r) => r.cpu.node ?? 0)))} | ` +
          `${fmt(median(rs.map((r) => r.cpu.primary ?? 0)))} | ${fmt(median(rs.map((r) => r.cpu.replica ?? 0)))} |`,
      );
    }
  }
}

/** The two URL lists, written to files for wrk: what a viewer re-reads, and what asks the database. */
async function buildMixes(origin: string, dir: string): Promise<Record<string, string>> {
  const layers = (
    (await (await fetch(`${origin}/api/layers?limit=200`)).json()) as { items: { id: string; featureCount: number }[] }
  ).items.filter((l) => l.featureCount > 0);
  const friendly: string[] = [];
  const tileLayers = ['batas-kelurahan-kota-tangerang', ...layers.slice(0, 5).map((l) => l.id)];
  for (const id of tileLayers) {
    const tj = (await (await fetch(`${origin}/tiles/${id}.json`)).json()) as { tiles: string[] };
    const template = new URL(tj.tiles[0] ?? '').pathname + new URL(tj.tiles[0] ?? '').search;
    for (const z of [12, 13, 14]) {
      const a = tileOf(106.58, -6.13, z);
      const b = tileOf(106.72, -6.26, z);
      for (let x = a.x; x <= b.x; x++)
        for (let y = a.y; y <= b.y; y++)
          friendly.push(
            decodeURIComponent(template).replace('{z}', String(z)).replace('{x}', String(x)).replace('{y}', String(y)),
          );
      friendly.push(`/tiles/${id}.json`);
    }
  }
  for (let offset = 0; offset < 100; offset += 20) friendly.push(`/api/layers?limit=20&offset=${offset}`);
  friendly.push('/api/layers?theme=fasilitas-kesehatan', '/api/agencies', '/api/themes');

  const database: string[] = [];
  const districts = (
    (await (await fetch(`${origin}/api/districts?level=kelurahan`)).json()) as { items: { code: string }[] }
  ).items;
  const elements = (
    (await (await fetch(`${origin}/api/elements?limit=20&level=kelurahan`)).json()) as { items: { id: string }[] }
  ).items;
  let k = 0;
  for (const l of layers.slice(0, 40)) {
    for (let i = 0; i < 5; i++, k++) {
      const x = 106.58 + ((k * 37) % 100) * 0.0013;
      const y = -6.26 + ((k * 53) % 100) * 0.0012;
      database.push(
        `/api/layers/${l.id}/features?bbox=${x.toFixed(4)},${y.toFixed(4)},${(x + 0.02).toFixed(4)},${(y + 0.02).toFixed(4)}&limit=50`,
      );
    }
    database.push(`/ogc/collections/${l.id}/items?limit=20&offset=${k % 40}`);
  }
  for (const d of districts.slice(0, 60)) database.push(`/api/districts/${d.code}/layers`);
  for (const e of elements) database.push(`/api/elements/${e.id}/values?level=kelurahan`);
  // Interleave so every stretch of a run mixes the kinds of request.
  const shuffle = (xs: string[]) =>
    xs
      .map((u, i) => [(i * 7919) % xs.length, u] as const)
      .sort((a, b) => a[0] - b[0])
      .map((p) => p[1]);
  const files: Record<string, string> = {};
  for (const [name, list] of Object.entries({ 'cache-friendly': friendly, 'database-bound': database })) {
    const file = path.join(dir, `${name}.txt`);
    await fs.writeFile(file, `${shuffle(list).join('\n')}\n`);
    files[name] = file;
    console.log(`${name}: ${list.length} URLs`);
  }
  return files;
}

try {
  await main();
} finally {
  for (const stop of cleanups.reverse()) await stop().catch((err: unknown) => console.error(err));
}
