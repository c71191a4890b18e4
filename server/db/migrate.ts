import type { Knex } from 'knex';
import { migrations, type Migration } from '../../migrations/index.js';

const source: Knex.MigrationSource<Migration> = {
  getMigrations: () => Promise.resolve(migrations),
  getMigrationName: (m) => m.name,
  getMigration: (m) => Promise.resolve(m),
};

const config: Knex.MigratorConfig = { migrationSource: source, tableName: 'knex_migrations' };

/** Applies pending migrations; returns the names it ran. */
export async function migrateLatest(knex: Knex): Promise<string[]> {
  const [, ran] = (await knex.migrate.latest(config)) as [number, string[]];
  return ran;
}

/** Rolls back every applied migration (used by tests and `npm run migrate -- down`). */
export async function migrateDownAll(knex: Knex): Promise<string[]> {
  const [, ran] = (await knex.migrate.rollback(config, true)) as [number, string[]];
  return ran;
}
