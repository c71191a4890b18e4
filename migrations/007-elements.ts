import type { Knex } from 'knex';

/**
 * Data elements (Satu Data Indonesia): statistics about an administrative unit over time, and
 * their values by district and period. An element has the same access rule as a layer
 * (classification + producing agency). Periods are text: 'YYYY', 'YYYY-MM' (monthly), 'YYYY-YYYY'
 * (a span, e.g. growth 2000–2010) or '' when the source gives no reference date. A value is a
 * number, or null with the reason it is missing (never 0 for missing).
 */
export const name = '007-elements';

export async function up(knex: Knex): Promise<void> {
  await knex.raw('create sequence element_version_seq as integer');
  await knex.raw(`
    create table elements (
      id integer generated always as identity primary key,
      slug text not null unique check (slug ~ '^[a-z0-9][a-z0-9-]{1,119}$'),
      name text not null,
      definition text not null default '',
      unit text not null,
      measure_type text not null check (measure_type in ('count','quantity','ratio','percentage','currency','index','category')),
      frequency text not null check (frequency in ('tahunan','semesteran','bulanan','tidak_tentu')),
      agency_code text not null references agencies(code),
      theme_code text not null references themes(code),
      custodian text,
      source text,
      classification text not null default 'publik' check (classification in ('publik','terbatas')),
      license text,
      keywords text[] not null default '{}',
      notes text,
      caveats text[] not null default '{}',
      is_sample boolean not null default false,
      levels text[] not null default '{}',
      first_period text,
      last_period text,
      value_count integer not null default 0,
      data_version integer not null default nextval('element_version_seq'),
      created_at timestamptz not null default now(),
      search_a text not null default '',
      search_b text not null default '',
      search_c text not null default '',
      search_vector tsvector generated always as (
        setweight(to_tsvector('simple'::regconfig, search_a), 'A') ||
        setweight(to_tsvector('simple'::regconfig, search_b), 'B') ||
        setweight(to_tsvector('simple'::regconfig, search_c), 'C')
      ) stored
    )`);
  await knex.raw('create index elements_search_idx on elements using gin (search_vector)');
  await knex.raw('create index elements_agency_idx on elements (agency_code)');
  await knex.raw('create index elements_theme_idx on elements (theme_code)');
  await knex.raw(`
    create table element_values (
      element_id integer not null references elements(id) on delete cascade,
      level text not null check (level in ('kota','kecamatan','kelurahan')),
      period text not null check (period ~ '^([0-9]{4}(-[0-9]{2}|-[0-9]{4}){0,1}){0,1}$'),
      district_code text not null references districts(code),
      value double precision,
      missing_reason text check (missing_reason in ('tidak_dilaporkan','tidak_dikumpulkan','rahasia','tidak_berlaku')),
      status text not null default 'tetap' check (status in ('sementara','tetap')),
      footnote text,
      primary key (element_id, level, period, district_code),
      check ((value is null) = (missing_reason is not null))
    )`);
  // "One district, all elements, latest period" (district profiles) besides the primary key's
  // "one element, one level, one period".
  await knex.raw('create index element_values_district_idx on element_values (district_code, element_id, period)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table element_values');
  await knex.raw('drop table elements');
  await knex.raw('drop sequence element_version_seq');
}
