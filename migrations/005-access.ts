import type { Knex } from 'knex';

/**
 * API tokens (stored only as SHA-256 hashes of high-entropy secrets) and the audit trail of
 * layer changes. Roles and agency scope are what server/auth/access.ts decides with.
 */
export const name = '005-access';

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table api_tokens (
      id serial primary key,
      name text not null,
      role text not null check (role in ('admin', 'editor', 'viewer')),
      agency_codes text[] not null default '{}',
      token_hash text not null unique,
      prefix text not null,
      created_at timestamptz not null default now(),
      created_by text not null,
      revoked_at timestamptz,
      last_used_at timestamptz,
      check (role = 'admin' or cardinality(agency_codes) >= 1),
      check (role <> 'editor' or cardinality(agency_codes) = 1)
    )`);
  await knex.raw(`
    create table layer_history (
      id bigserial primary key,
      layer_id integer not null references layers(id) on delete cascade,
      at timestamptz not null default now(),
      actor text not null,
      action text not null,
      details jsonb not null default '{}',
      previous_version bigint,
      new_version bigint
    )`);
  await knex.raw('create index layer_history_layer on layer_history (layer_id, id desc)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table layer_history');
  await knex.raw('drop table api_tokens');
}
