import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Knex } from 'knex';
import pg from 'pg';
import { insertLayers } from '../server/catalog/catalog-write-sql.js';
import type { LayerInput } from '../server/catalog/layer-types.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  rssMb(): number;
  stop(): Promise<void>;
}

/** Starts the real server (built JS, as in production) in its own process. */
export async function startServer(env: Record<string, string>, port: number): Promise<ServerProcess> {
  const child = spawn(process.execPath, [path.join(ROOT, 'dist/server/main.js')], {
    env: { PATH: process.env.PATH ?? '', ...env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 600; i++) {
    try {
      if ((await fetch(`${url}/api/health`)).ok) break;
    } catch {
      // not listening yet
    }
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    await sleep(250);
  }
  return {
    url,
    child,
    rssMb: () => {
      const status = fs.readFileSync(`/proc/${child.pid}/status`, 'utf8');
      return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
    },
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs `task` from `workers` concurrent loops until `items` is drained; returns seconds taken. */
export async function runConcurrent<T>(items: T[], workers: number, task: (item: T) => Promise<void>): Promise<number> {
  const queue = [...items];
  const started = performance.now();
  await Promise.all(
    Array.from({ length: workers }, async () => {
      for (let item = queue.shift(); item !== undefined; item = queue.shift()) await task(item);
    }),
  );
  return (performance.now() - started) / 1000;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

export const fmt = (n: number, digits = 2) =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

/**
 * A publik polygon layer of generated sample building footprints (Disperkimtan, permukiman), as a
 * benchmark inserts it before loading its rows; its id.
 */
export async function insertBenchLayer(
  knex: Knex,
  slug: string,
  purpose: string,
  fields: LayerInput['fields'],
): Promise<number> {
  const ids = await insertLayers(knex, [
    {
      slug,
      title: 'Bench: tapak bangunan (data sampel)',
      description: `Generated sample data for the ${purpose} benchmark.`,
      agencyCode: 'disperkimtan',
      themeCode: 'permukiman',
      geometryType: 'Polygon',
      classification: 'publik',
      fields,
      style: {},
      minZoom: 14,
      maxZoom: 22,
      producer: null,
      custodian: null,
      contactEmail: null,
      source: null,
      scaleDenominator: null,
      updateFrequency: null,
      lastUpdate: null,
      license: null,
      keywords: [],
      lineage: null,
      referenceSystem: 'EPSG:4326',
      isSample: true,
      tileFields: null,
    },
  ]);
  return ids.get(slug) as number;
}

/** Runs one statement on its own connection to `server` (create and drop a bench database). */
export async function adminQuery(server: string, sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: server });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}
