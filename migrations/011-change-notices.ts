import type { Knex } from 'knex';

/**
 * Every process that shares the database hears of registry changes at once: a statement that
 * changes layers, data elements or tokens sends one notice on `satupeta_changes` (delivered at
 * commit; PostgreSQL folds repeats within a transaction into one). The payload is the table's
 * topic, so a process drops only what that table's change makes stale.
 */
export const name = '011-change-notices';

const TABLES: [table: string, topic: string][] = [
  ['layers', 'layers'],
  ['elements', 'elements'],
  ['api_tokens', 'tokens'],
];

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create function notify_change() returns trigger language plpgsql as $$
    begin
      perform pg_notify('satupeta_changes', tg_argv[0]);
      return null;
    end $$`);
  for (const [table, topic] of TABLES)
    await knex.raw(
      `create trigger ?? after insert or update or delete on ?? for each statement execute function notify_change(${quoteTopic(topic)})`,
      [`${table}_notify_change`, table],
    );
}

export async function down(knex: Knex): Promise<void> {
  for (const [table] of TABLES) await knex.raw('drop trigger ?? on ??', [`${table}_notify_change`, table]);
  await knex.raw('drop function notify_change()');
}

/** Trigger arguments are literals in the DDL (they cannot be bound); topics are the constants above. */
function quoteTopic(topic: string): string {
  if (!/^[a-z]+$/.test(topic)) throw new Error(`topic ${topic} is not a plain word`);
  return `'${topic}'`;
}
