import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { buildHandler } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { openDatabase } from './db/database.js';
import { seedIfEmpty } from '../fixtures/seed.js';
import { Lifecycle } from './http/lifecycle.js';
import { sweepSpool } from './ingest/spool-sweep.js';

/** After SIGTERM, how long idle keep-alive sockets are left to their clients (above nginx's 4 s). */
const IDLE_GRACE_MS = 5000;

/** Spool files older than this are a crashed process's leftovers (no upload runs that long). */
const SPOOL_MAX_AGE_MS = 6 * 3600_000;

async function main(): Promise<void> {
  const config = loadConfig();
  const log = pino({ level: config.logLevel });
  log.info(
    config.databaseUrl ? 'database: PostgreSQL (DATABASE_URL)' : `database: embedded PostGIS in ${config.dataDir}`,
  );
  const db = await openDatabase({
    databaseUrl: config.databaseUrl,
    poolMax: config.databasePoolMax,
    dataDir: config.dataDir,
    readUrls: config.databaseReadUrls,
    replicaMaxLagMs: config.replicaMaxLagMs,
  });
  log.info({ backend: db.backend, ...db.capabilities }, 'database ready');
  if (config.autoSeed) {
    // Seeding is the fixtures module's job, shared with `npm run seed`; the server only asks for it.
    const summary = await seedIfEmpty(db.knex, config.seedScale, (msg) => log.info(msg));
    if (summary)
      log.info(summary, 'empty database: loaded the Tangerang boundaries and the sample catalog (first start only)');
  }

  const sweep = async () => {
    const removed = await sweepSpool(config.upload.tempDir, SPOOL_MAX_AGE_MS);
    if (removed > 0) log.info({ removed, dir: config.upload.tempDir }, 'removed upload spool files left by a crash');
  };
  await sweep();
  setInterval(() => void sweep(), 3600_000).unref();

  const lifecycle = new Lifecycle();
  const server = createServer(buildHandler({ db, config, log, lifecycle }));
  server.listen(config.port, config.host, () => {
    const { port } = server.address() as AddressInfo;
    log.info({ port }, `satupeta listening on http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${port}`);
  });

  // SIGTERM: readiness turns 503 and answers close their connections (a proxy moves on), no new
  // connection is accepted, idle keep-alive sockets close, open requests finish; then the pool
  // closes. Past SHUTDOWN_TIMEOUT_MS the process exits anyway, with 1.
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    lifecycle.draining = true;
    log.info({ signal }, 'shutting down: finishing open requests');
    server.close(() => {
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
    // Idle keep-alive sockets are left to their client for a moment: a proxy (nginx closes its
    // upstream sockets after 4 s idle, deploy/nginx) may be writing a request into one right now,
    // and a POST it has sent is never retried elsewhere. Each answer meanwhile says
    // Connection: close. Then whatever is still idle is closed, and so is each socket that goes idle.
    setTimeout(() => {
      server.closeIdleConnections();
      setInterval(() => server.closeIdleConnections(), 250).unref();
    }, IDLE_GRACE_MS).unref();
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
