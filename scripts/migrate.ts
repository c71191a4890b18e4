import { pino } from 'pino';
import { loadConfig } from '../server/config.js';
import { openDatabase } from '../server/db/database.js';
import { migrateDownAll, migrateLatest } from '../server/db/migrate.js';

/** npm run migrate [-- down]: apply all migrations, or roll every one back. */
const config = loadConfig();
const log = pino({ level: config.logLevel });
const db = await openDatabase({ databaseUrl: config.databaseUrl, poolMax: 2, dataDir: config.dataDir, migrate: false });
try {
  const down = process.argv.includes('down');
  const ran = down ? await migrateDownAll(db.knex) : await migrateLatest(db.knex);
  log.info({ ran }, down ? 'rolled back' : ran.length ? 'migrated' : 'already up to date');
} finally {
  await db.close();
}
