import type { Logger } from 'pino';
import { isSeeded, seedDatabase } from '../../fixtures/seed.js';
import type { SeedScale } from '../../fixtures/seed.js';
import type { Database } from './database.js';

/** Loads the fixtures into a migrated database when it is empty and that is allowed. */
export async function prepareDatabase(db: Database, opts: { autoSeed: boolean; scale: SeedScale }, log: Logger): Promise<void> {
  if (!opts.autoSeed || (await isSeeded(db.knex))) return;
  log.info({ scale: opts.scale }, 'empty database: loading Tangerang boundaries and the sample catalog (first start only)');
  const summary = await seedDatabase(db.knex, opts.scale, (msg) => log.info(msg));
  log.info(summary, 'fixtures loaded');
}
