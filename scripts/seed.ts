import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { seedIfEmpty } from '../fixtures/seed.js';
import { loadConfig } from '../server/config.js';
import { openDatabase } from '../server/db/database.js';
import { migrateDownAll, migrateLatest } from '../server/db/migrate.js';

/** npm run seed -- [--scale demo|full|reference] [--reset]: load the fixtures into the configured database. */
const { values } = parseArgs({
  options: { scale: { type: 'string', default: 'demo' }, reset: { type: 'boolean', default: false } },
});
if (values.scale !== 'demo' && values.scale !== 'full' && values.scale !== 'reference') {
  console.error(`--scale must be demo, full or reference, not "${values.scale}"`);
  process.exit(2);
}
const config = loadConfig();
const log = pino({ level: config.logLevel });
const db = await openDatabase({ databaseUrl: config.databaseUrl, poolMax: 4, dataDir: config.dataDir, migrate: false });
try {
  if (values.reset) await migrateDownAll(db.knex);
  await migrateLatest(db.knex);
  const summary = await seedIfEmpty(db.knex, values.scale, (msg) => log.info(msg));
  if (summary) log.info(summary, 'seeded');
  else {
    log.error('the database already holds a catalog; pass --reset to drop and reload it');
    process.exitCode = 1;
  }
} finally {
  await db.close();
}
