import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Knex } from 'knex';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { TileCache } from '../tiles/tile-cache.js';

/** A knex pool as tarn.js keeps it: what the gauges read at scrape time. */
interface TarnPool {
  numUsed(): number;
  numFree(): number;
  numPendingAcquires(): number;
}

function poolOf(knex: Knex): TarnPool | null {
  const pool = (knex.client as { pool?: Partial<TarnPool> } | undefined)?.pool;
  return pool && typeof pool.numUsed === 'function' ? (pool as TarnPool) : null;
}

/** Seconds buckets from a cached tile (~0.5 ms) to a big upload (minutes). */
const REQUEST_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 120];
const PHASE_BUCKETS = [0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300];

export interface PoolSource {
  name: string;
  knex: Knex;
}

/**
 * Prometheus metrics of one server process (`GET /metrics`, prom-client): requests by route
 * pattern (never the raw URL, so ids do not explode the label set), method and status; database
 * pools in use and waiting; the tile cache; upload phases; change-notice and replica state. Each
 * app has its own registry, so tests can build many.
 */
export class Metrics {
  readonly registry = new Registry();
  private readonly requests: Counter<'route' | 'method' | 'status'>;
  private readonly duration: Histogram<'route' | 'method' | 'status'>;
  private readonly phases: Histogram<'kind' | 'phase'>;
  private readonly gauges = new Set<string>();

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'satupeta_' });
    this.requests = new Counter({
      name: 'satupeta_http_requests_total',
      help: 'HTTP requests answered, by route pattern, method and status',
      labelNames: ['route', 'method', 'status'],
      registers: [this.registry],
    });
    this.duration = new Histogram({
      name: 'satupeta_http_request_duration_seconds',
      help: 'Time from request to the last byte written, by route pattern, method and status',
      labelNames: ['route', 'method', 'status'],
      buckets: REQUEST_BUCKETS,
      registers: [this.registry],
    });
    this.phases = new Histogram({
      name: 'satupeta_upload_phase_seconds',
      help: 'Seconds each phase of an accepted upload took (kind: features or values)',
      labelNames: ['kind', 'phase'],
      buckets: PHASE_BUCKETS,
      registers: [this.registry],
    });
  }

  /** Times a request until its answer is written; `route` is read when it ends. */
  track(req: IncomingMessage, res: ServerResponse, route: () => string): void {
    const started = process.hrtime.bigint();
    res.once('finish', () => {
      const labels = { route: route(), method: req.method ?? 'GET', status: String(res.statusCode) };
      this.requests.inc(labels);
      this.duration.observe(labels, Number(process.hrtime.bigint() - started) / 1e9);
    });
  }

  /** Records the phases of an accepted upload (seconds by phase name; `total` included). */
  upload(kind: 'features' | 'values', seconds: Record<string, number>): void {
    for (const [phase, s] of Object.entries(seconds)) this.phases.observe({ kind, phase }, s);
  }

  /** Gauges of the database pools, read at scrape time. */
  pools(sources: () => PoolSource[]): void {
    const read = (pick: (p: TarnPool) => number) =>
      function (this: Gauge<'pool'>) {
        for (const s of sources()) {
          const pool = poolOf(s.knex);
          if (pool) this.set({ pool: s.name }, pick(pool));
        }
      };
    new Gauge({
      name: 'satupeta_db_pool_in_use',
      help: 'Database connections in use, by pool (primary, replica-N)',
      labelNames: ['pool'],
      registers: [this.registry],
      collect: read((p) => p.numUsed()),
    });
    new Gauge({
      name: 'satupeta_db_pool_idle',
      help: 'Open database connections not in use, by pool',
      labelNames: ['pool'],
      registers: [this.registry],
      collect: read((p) => p.numFree()),
    });
    new Gauge({
      name: 'satupeta_db_pool_waiting',
      help: 'Queries waiting for a database connection, by pool',
      labelNames: ['pool'],
      registers: [this.registry],
      collect: read((p) => p.numPendingAcquires()),
    });
  }

  /** Tile cache counters and size, read at scrape time. */
  tileCache(stats: () => ReturnType<TileCache['stats']>): void {
    const value = (pick: (s: ReturnType<TileCache['stats']>) => number) =>
      function (this: Gauge) {
        this.set(pick(stats()));
      };
    this.gauge(
      'satupeta_tile_cache_hits',
      'Tile cache hits since start',
      value((s) => s.hits),
    );
    this.gauge(
      'satupeta_tile_cache_misses',
      'Tile cache misses since start',
      value((s) => s.misses),
    );
    this.gauge(
      'satupeta_tile_cache_bytes',
      'Bytes held by the tile cache',
      value((s) => s.bytes),
    );
    this.gauge(
      'satupeta_tile_cache_entries',
      'Tiles held by the tile cache',
      value((s) => s.entries),
    );
  }

  /** A gauge whose value is read from `collect` at scrape time. */
  gauge(name: string, help: string, collect: (this: Gauge) => void, labelNames: string[] = []): void {
    if (this.gauges.has(name)) return;
    this.gauges.add(name);
    new Gauge({ name, help, labelNames, registers: [this.registry], collect });
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
