import type { Knex } from 'knex';

/**
 * A narrow copy of what catalog search reads (visibility, facets, order, the search document),
 * kept in step with `layers` by a trigger, as `element_search` is for elements. The `layers` rows
 * carry fields, styles and extents (17 MB for 2,491 layers at full scale), so a broad query such
 * as "tangerang" (1,448 matches, a sequential scan) spent its time reading rows it did not need.
 */
export const name = '013-layer-search';

const COLUMNS =
  'id, slug, title, classification, agency_code, theme_code, geometry_type, keywords, data_updated_at, search_vector';

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table layer_search (
      id integer primary key references layers(id) on delete cascade,
      slug text not null,
      title text not null,
      classification text not null,
      agency_code text not null,
      theme_code text not null,
      geometry_type text not null,
      keywords text[] not null,
      data_updated_at timestamptz not null,
      search_vector tsvector not null
    )`);
  await knex.raw(`
    create function layer_search_sync() returns trigger language plpgsql as $$
    begin
      insert into layer_search (${COLUMNS})
      values (new.id, new.slug, new.title, new.classification, new.agency_code, new.theme_code, new.geometry_type,
              new.keywords, new.data_updated_at, new.search_vector)
      on conflict (id) do update set
        slug = excluded.slug, title = excluded.title, classification = excluded.classification,
        agency_code = excluded.agency_code, theme_code = excluded.theme_code, geometry_type = excluded.geometry_type,
        keywords = excluded.keywords, data_updated_at = excluded.data_updated_at, search_vector = excluded.search_vector;
      return null;
    end $$`);
  await knex.raw(
    'create trigger layers_search_sync after insert or update on layers for each row execute function layer_search_sync()',
  );
  await knex.raw(`insert into layer_search (${COLUMNS}) select ${COLUMNS} from layers`);
  await knex.raw('create index layer_search_vector_idx on layer_search using gin (search_vector)');
  await knex.raw('create index layer_search_agency_idx on layer_search (agency_code)');
  await knex.raw('drop index layers_search_idx');
  await knex.raw('analyze layer_search');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('create index layers_search_idx on layers using gin (search_vector)');
  await knex.raw('drop trigger layers_search_sync on layers');
  await knex.raw('drop function layer_search_sync()');
  await knex.raw('drop table layer_search');
}
