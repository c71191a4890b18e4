import { createServer } from 'node:http';
import { pino } from 'pino';
import { buildHandler } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { openDatabase } from './db/database.js';
import { seedIfEmpty } from '../fixtures/seed.js';
import { sweepSpool } from './ingest/spool-sweep.js';

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

  const server = createServer(buildHandler({ db, config, log }));
  server.listen(config.port, config.host, () => {
    log.info(`satupeta listening on http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${config.port}`);
  });

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down: finishing open requests');
    server.close(() => {
      db.close().then(
        () => process.exit(0),
        (err: unknown) => {
          log.error({ err }, 'closing the database failed');
          process.exit(1);
        },
      );
    });
    setTimeout(() => process.exit(1), 10_000).unref();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError) console.error(err.message);
  else console.error(err);
  process.exit(1);
});
