import type { Knex } from 'knex';

/**
 * Review notifications (issue 15): a transactional outbox. Submitting, approving or rejecting a
 * draft writes one delivery per matching webhook in the same transaction as the state change, so
 * a notice is sent if and only if the change committed. A webhook belongs to one agency, or to
 * all of them (walidata's); its secret signs every POST (HMAC-SHA256). Deliveries are retried with
 * backoff until a 2xx or the attempt limit; a crashed process's claims expire with their lease.
 * Also: a version state `discarded` for a draft the retention job removed (never published).
 */
export const name = '016-webhooks';

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table webhooks (
      id serial primary key,
      agency_code text references agencies (code),
      url text not null check (url ~ '^(http|https)://'),
      secret text not null,
      events text[] not null,
      created_by text not null,
      created_at timestamptz not null default now()
    )`);
  await knex.raw(`
    create table webhook_deliveries (
      id bigserial primary key,
      webhook_id integer not null references webhooks (id) on delete cascade,
      event text not null,
      payload jsonb not null,
      created_at timestamptz not null default now(),
      attempts integer not null default 0,
      next_attempt_at timestamptz not null default now(),
      delivered_at timestamptz,
      failed_at timestamptz,
      last_status integer,
      last_error text
    )`);
  await knex.raw(
    `create index webhook_deliveries_due on webhook_deliveries (next_attempt_at) where delivered_at is null and failed_at is null`,
  );
  await knex.raw('create index webhook_deliveries_hook on webhook_deliveries (webhook_id, id desc)');
  await knex.raw('alter table layer_versions drop constraint layer_versions_state_check');
  await knex.raw(
    `alter table layer_versions add constraint layer_versions_state_check
       check (state in ('draft', 'submitted', 'rejected', 'published', 'superseded', 'discarded'))`,
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`delete from layer_versions where state = 'discarded'`);
  await knex.raw('alter table layer_versions drop constraint layer_versions_state_check');
  await knex.raw(
    `alter table layer_versions add constraint layer_versions_state_check
       check (state in ('draft', 'submitted', 'rejected', 'published', 'superseded'))`,
  );
  await knex.raw('drop table webhook_deliveries');
  await knex.raw('drop table webhooks');
}
