import type { Knex } from 'knex';

/**
 * Satu Data's producer → walidata → publication (issue 15): two more roles (`walidata` verifies
 * and publishes, for every agency or the ones in its scope; `pembina` oversees everything,
 * read-only) and three more version states: a producer's upload is a `draft` until it is
 * `submitted`, then published by walidata or `rejected` with a note.
 */
export const name = '015-review';

export async function up(knex: Knex): Promise<void> {
  await knex.raw('alter table api_tokens drop constraint api_tokens_role_check');
  await knex.raw('alter table api_tokens drop constraint api_tokens_check');
  await knex.raw(
    `alter table api_tokens add constraint api_tokens_role_check
       check (role in ('admin', 'walidata', 'pembina', 'editor', 'viewer'))`,
  );
  await knex.raw(
    `alter table api_tokens add constraint api_tokens_check
       check (role in ('admin', 'walidata', 'pembina') or cardinality(agency_codes) >= 1)`,
  );
  await knex.raw('alter table layer_versions drop constraint layer_versions_state_check');
  await knex.raw(
    `alter table layer_versions add constraint layer_versions_state_check
       check (state in ('draft', 'submitted', 'rejected', 'published', 'superseded'))`,
  );
  await knex.raw(`
    alter table layer_versions
      add column review_note text,
      add column reviewed_by text,
      add column reviewed_at timestamptz,
      add column submitted_at timestamptz,
      add column based_on integer`);
  // At most one open draft per layer: a new upload replaces it, approval publishes it.
  await knex.raw(
    `create unique index layer_versions_open_draft on layer_versions (layer_id) where state in ('draft', 'submitted', 'rejected')`,
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`delete from api_tokens where role in ('walidata', 'pembina')`);
  // Version rows first (they reference the storages), then the drafts' storages and features.
  await knex.raw(`
    with gone as (delete from layer_versions where state in ('draft', 'submitted', 'rejected') returning storage_id)
    delete from layer_storages s using gone where s.id = gone.storage_id`);
  await knex.raw('drop index layer_versions_open_draft');
  await knex.raw(
    'alter table layer_versions drop column review_note, drop column reviewed_by, drop column reviewed_at, drop column submitted_at, drop column based_on',
  );
  await knex.raw('alter table layer_versions drop constraint layer_versions_state_check');
  await knex.raw(
    `alter table layer_versions add constraint layer_versions_state_check check (state in ('published', 'superseded'))`,
  );
  await knex.raw('alter table api_tokens drop constraint api_tokens_check');
  await knex.raw('alter table api_tokens drop constraint api_tokens_role_check');
  await knex.raw(
    `alter table api_tokens add constraint api_tokens_role_check check (role in ('admin', 'editor', 'viewer'))`,
  );
  await knex.raw(
    `alter table api_tokens add constraint api_tokens_check check (role = 'admin' or cardinality(agency_codes) >= 1)`,
  );
}
