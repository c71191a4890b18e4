import type { Knex } from 'knex';

/**
 * Rate-limit windows shared by every server process (write limits per token, wrong-token limits
 * per address): a fixed window per key. Unlogged: a crash may forget the counts, which only
 * lets a client start a fresh window, and no write-ahead log is spent on counting.
 */
export const name = '012-rate-windows';

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create unlogged table rate_windows (
      key text primary key,
      hits integer not null,
      reset_at timestamptz not null
    )`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table rate_windows');
}
