import type { Knex } from 'knex';

/**
 * The audit of data elements, like layer_history: who created an element or loaded values into
 * it, when, with what (file, rows inserted/updated/deleted, warnings) and which data versions
 * came before and after. `modified_at` says when an element's values last changed (CKAN's
 * metadata_modified, DCAT's dct:modified).
 */
export const name = '009-element-history';

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table element_history (
      id bigint generated always as identity primary key,
      element_id integer not null references elements(id) on delete cascade,
      at timestamptz not null default now(),
      actor text not null,
      action text not null check (action in ('create', 'load_values')),
      details jsonb not null default '{}',
      previous_version integer,
      new_version integer
    )`);
  await knex.raw('create index element_history_element_idx on element_history (element_id, id desc)');
  await knex.raw('alter table elements add column modified_at timestamptz not null default now()');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('alter table elements drop column modified_at');
  await knex.raw('drop table element_history');
}
