import knexFactory, { type Knex } from 'knex';
import { detectCapabilities, type Capabilities } from './capabilities.js';
import { EmbeddedChangeFeed, PostgresChangeFeed, type ChangeFeed } from './change-feed.js';
import { PostgresPing } from './ping.js';
import { ReadRouter, routedKnex } from './read-router.js';
import { openEmbedded } from './embedded.js';
import { migrateLatest } from './migrate.js';

export type Backend = 'postgresql' | 'embedded';

export interface Database {
  knex: Knex;
  backend: Backend;
  capabilities: Capabilities;
  /** Registry change notices from every process sharing this database. */
  changes: ChangeFeed;
  /** With streaming replicas: which database each request reads with (`knex` follows it). */
  reads: ReadRouter | null;
  /** The primary itself, for what must never go to a replica (metrics of its pool). */
  primary: Knex;
  /** Whether the primary answers, on a connection of its own (never queued behind the pool). */
  ping(): Promise<void>;
  /** Runs before the pools close (a background sender stops using them). */
  onClose(hook: () => Promise<void>): void;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** postgres:// URL of a real PostgreSQL with PostGIS; unset means the embedded PGlite. */
  databaseUrl?: string | undefined;
  poolMax: number;
  /** Folder of the embedded database; ignored with databaseUrl. */
  dataDir: string;
  /** Apply pending migrations before detecting capabilities (default true; PostGIS arrives with them). */
  migrate?: boolean;
  /** postgres:// URLs of streaming replicas of databaseUrl that anonymous reads may use. */
  readUrls?: string[];
  /** A replica further behind than this (ms) is not read from. */
  replicaMaxLagMs?: number;
}

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  const { knex, backend, release, changes } = options.databaseUrl
    ? {
        knex: openPostgres(options.databaseUrl, options.poolMax),
        backend: 'postgresql' as const,
        release: () => Promise.resolve(),
        changes: new PostgresChangeFeed(options.databaseUrl),
      }
    : await embedded(options.dataDir);
  const replicas = (options.databaseUrl ? (options.readUrls ?? []) : []).map((url, i) => ({
    name: `replica-${i + 1}`,
    knex: openPostgres(url, options.poolMax, REPLICA_ACQUIRE_MS),
  }));
  const reads = replicas.length ? new ReadRouter(knex, replicas, options.replicaMaxLagMs ?? 5000, changes) : null;
  const pinger = options.databaseUrl ? new PostgresPing(options.databaseUrl, PING_TIMEOUT_MS) : null;
  const ping = async () => {
    if (pinger) await pinger.ping();
    else await knex.raw('select 1');
  };
  const closeHooks: (() => Promise<void>)[] = [];
  const close = async () => {
    await Promise.all(closeHooks.splice(0).map((hook) => hook()));
    reads?.stop();
    await pinger?.close();
    await changes.close();
    await Promise.all(replicas.map((r) => r.knex.destroy()));
    await knex.destroy();
    await release();
  };
  try {
    if (options.migrate !== false) await migrateLatest(knex);
    const capabilities = await detectCapabilities(knex);
    reads?.start();
    return {
      knex: reads ? routedKnex(reads, knex) : knex,
      primary: knex,
      backend,
      capabilities,
      changes,
      reads,
      ping,
      onClose: (hook: () => Promise<void>) => void closeHooks.push(hook),
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}

async function embedded(dataDir: string) {
  const { knex, release, notices } = await openEmbedded(dataDir);
  return { knex, release, backend: 'embedded' as const, changes: new EmbeddedChangeFeed(notices) };
}

/**
 * knex's own warnings, without the two it prints for every failed connection while a database is
 * away: each such request already answers 503 (or is read again from the primary) and the
 * server's log says so once per request.
 */
const CONNECTION_NOISE = /^(Connection Error|Acquire connection error)/;
const KNEX_LOG = {
  warn(message: unknown) {
    if (!(typeof message === 'string' && CONNECTION_NOISE.test(message))) console.warn(message);
  },
};

/** A replica that cannot give a connection this fast is treated as away (the poll then stops using it). */
const REPLICA_ACQUIRE_MS = 2000;
/** The readiness probe's own connection gives up after this (the probe answers 503 past 3 s anyway). */
const PING_TIMEOUT_MS = 3000;

/** Connections whose backend has said FATAL (terminated, shutting down): never handed out again. */
const saidFatal = new WeakSet<object>();

/**
 * Marks a connection as dead the moment its backend reports a FATAL error, not when its socket
 * closes: a terminated backend may take a while to exit on a busy machine, and until the close
 * arrives the pool would hand the dead connection to the next request (which then failed too).
 */
function watchFatal(
  client: {
    connection?: { on(event: 'errorMessage', listener: (msg: { severity?: string; code?: string }) => void): void };
  },
  done: (err: Error | null, client: unknown) => void,
): void {
  client.connection?.on('errorMessage', (msg) => {
    // The severity may be translated (lc_messages); the SQLSTATE of a terminated backend is not.
    if (msg.severity === 'FATAL' || msg.severity === 'PANIC' || /^57P0[123]$/.test(msg.code ?? ''))
      saidFatal.add(client);
  });
  done(null, client);
}

function openPostgres(url: string, poolMax: number, acquireMs = 10_000): Knex {
  return knexFactory({
    client: 'pg',
    // JIT off: the server's statements are short, and a per-feature subquery (GML parts, property
    // picks) inflates cost estimates past jit_above_cost, so PostgreSQL spent ~240 ms compiling a
    // 10,000-feature page that runs in ~230 ms without it (bench/RESULTS.md, WFS).
    connection: { connectionString: url, application_name: 'satupeta', options: '-c jit=off' },
    pool: { min: 0, max: poolMax, afterCreate: watchFatal, validate: (c: object) => !saidFatal.has(c) },
    acquireConnectionTimeout: acquireMs,
    log: KNEX_LOG,
  });
}
