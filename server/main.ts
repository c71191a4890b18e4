import cluster from 'node:cluster';
import { createServer } from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { pino } from 'pino';
import type { Logger } from 'pino';
import { buildHandler } from './app.js';
import { supervise } from './cluster.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { openDatabase } from './db/database.js';
import { seedIfEmpty } from '../fixtures/seed.js';
import { Lifecycle } from './http/lifecycle.js';
import { sweepSpool } from './ingest/spool-sweep.js';

/** After SIGTERM, how long idle keep-alive sockets are left to their clients (above nginx's 2 s). */
const IDLE_GRACE_MS = 5000;
/**
 * Idle keep-alive sockets are closed by the client first: a proxy that pools connections (nginx
 * 2 s in deploy/nginx, load balancers usually 60 s) never writes a request into a socket the
 * server is closing at that moment (Node's default of 5 s raced nginx on a busy machine: a POST
 * answered 502). Headers must arrive within a little more.
 */
const KEEP_ALIVE_MS = 65_000;

/** Spool files older than this are a crashed process's leftovers (no upload runs that long). */
const SPOOL_MAX_AGE_MS = 6 * 3600_000;

async function main(): Promise<void> {
  const config = loadConfig();
  const log = pino({ level: config.logLevel });
  if (cluster.isPrimary && config.workers > 1) {
    // Migrations, the first seed and the spool sweep happen once, here, before any worker starts.
    const db = await open(config, log, true);
    await sweep(config, log);
    await db.close();
    supervise(config, log, IDLE_GRACE_MS + 5000);
    return;
  }
  await serve(config, log);
}

async function open(config: Config, log: Logger, prepare: boolean) {
  log.info(
    config.databaseUrl ? 'database: PostgreSQL (DATABASE_URL)' : `database: embedded PostGIS in ${config.dataDir}`,
  );
  const db = await openDatabase({
    databaseUrl: config.databaseUrl,
    poolMax: config.databasePoolMax,
    dataDir: config.dataDir,
    readUrls: config.databaseReadUrls,
    replicaMaxLagMs: config.replicaMaxLagMs,
    migrate: prepare,
  });
  log.info({ backend: db.backend, ...db.capabilities }, 'database ready');
  if (prepare && config.autoSeed) {
    // Seeding is the fixtures module's job, shared with `npm run seed`; the server only asks for it.
    const summary = await seedIfEmpty(db.knex, config.seedScale, (msg) => log.info(msg));
    if (summary)
      log.info(summary, 'empty database: loaded the Tangerang boundaries and the sample catalog (first start only)');
  }
  return db;
}

async function sweep(config: Config, log: Logger): Promise<void> {
  const removed = await sweepSpool(config.upload.tempDir, SPOOL_MAX_AGE_MS);
  if (removed > 0) log.info({ removed, dir: config.upload.tempDir }, 'removed upload spool files left by a crash');
}

/** One server process: its own pool and change-notice connection; a worker of WORKERS > 1 or the only one. */
async function serve(config: Config, log: Logger): Promise<void> {
  const db = await open(config, log, cluster.isPrimary);
  if (cluster.isPrimary) await sweep(config, log);
  setInterval(() => void sweep(config, log), 3600_000).unref();

  const lifecycle = new Lifecycle();
  const server = createServer(buildHandler({ db, config, log, lifecycle }));
  server.keepAliveTimeout = KEEP_ALIVE_MS;
  server.headersTimeout = KEEP_ALIVE_MS + 1000;
  server.listen(config.port, config.host, () => {
    const { port } = server.address() as AddressInfo;
    log.info({ port }, `satupeta listening on http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${port}`);
  });

  // SIGTERM: readiness turns 503 and every answer closes its connection (a proxy moves on); open
  // requests finish; then the pool closes. Past SHUTDOWN_TIMEOUT_MS the process exits anyway, with 1.
  // The listening socket closes at once, so a proxy's next connect is refused and it sends the
  // request to another process (even a POST: nothing was sent). It must close while the proxy is
  // not connecting: while draining, every answer closes its connection, so a proxy opens a new
  // one for each request it still sends here, and a listener closed later resets the connections
  // waiting in its accept queue, with the request in them (a POST then answers 502). Idle
  // keep-alive sockets stay open for IDLE_GRACE_MS (http.Server's close() would drop them at once,
  // and a proxy may be writing a request into one right now; nginx closes its own after 2 s idle);
  // then each socket is closed as soon as it is idle.
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    lifecycle.draining = true;
    log.info({ signal }, 'shutting down: finishing open requests');
    // net.Server's close: the listener only, keep-alive sockets untouched; called back when the last one ends.
    net.Server.prototype.close.call(server, () => {
      db.close().then(
        () => {
          log.info('stopped');
          process.exit(0);
        },
        (err: unknown) => {
          log.error({ err }, 'closing the database failed');
          process.exit(1);
        },
      );
    });
    setTimeout(
      () => {
        server.closeIdleConnections();
        setInterval(() => server.closeIdleConnections(), 250).unref();
      },
      Math.min(IDLE_GRACE_MS, config.shutdownTimeoutMs / 2),
    ).unref();
    setTimeout(() => {
      log.warn('open requests did not finish within SHUTDOWN_TIMEOUT_MS; exiting');
      process.exit(1);
    }, config.shutdownTimeoutMs).unref();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError) console.error(err.message);
  else console.error(err);
  process.exit(1);
});
