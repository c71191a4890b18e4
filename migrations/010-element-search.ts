import type { Knex } from 'knex';

/**
 * A narrow copy of what element search reads (visibility, facets, order, the search document),
 * kept in step with `elements` by a trigger. Searching the wide `elements` rows (definitions,
 * notes, caveats and the normalised search texts, with the document out of line) made a short
 * prefix that matches a third of the 5,061 elements cost 7 ms of row reading alone; this table
 * is a fifth of the size and keeps each document inline.
 */
export const name = '010-element-search';

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table element_search (
      id integer primary key references elements(id) on delete cascade,
      slug text not null,
      name text not null,
      classification text not null,
      agency_code text not null,
      theme_code text not null,
      levels text[] not null,
      keywords text[] not null,
      modified_at timestamptz not null,
      search_vector tsvector not null
    )`);
  await knex.raw(`
    create function element_search_sync() returns trigger language plpgsql as $$
    begin
      insert into element_search (id, slug, name, classification, agency_code, theme_code, levels, keywords, modified_at, search_vector)
      values (new.id, new.slug, new.name, new.classification, new.agency_code, new.theme_code, new.levels, new.keywords,
              new.modified_at, new.search_vector)
      on conflict (id) do update set
        slug = excluded.slug, name = excluded.name, classification = excluded.classification,
        agency_code = excluded.agency_code, theme_code = excluded.theme_code, levels = excluded.levels,
        keywords = excluded.keywords, modified_at = excluded.modified_at, search_vector = excluded.search_vector;
      return null;
    end $$`);
  await knex.raw(
    'create trigger elements_search_sync after insert or update on elements for each row execute function element_search_sync()',
  );
  await knex.raw(`
    insert into element_search (id, slug, name, classification, agency_code, theme_code, levels, keywords, modified_at, search_vector)
    select id, slug, name, classification, agency_code, theme_code, levels, keywords, modified_at, search_vector from elements`);
  await knex.raw('create index element_search_vector_idx on element_search using gin (search_vector)');
  await knex.raw('drop index elements_search_idx');
  await knex.raw('analyze element_search');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('create index elements_search_idx on elements using gin (search_vector)');
  await knex.raw('drop trigger elements_search_sync on elements');
  await knex.raw('drop function element_search_sync()');
  await knex.raw('drop table element_search');
}
