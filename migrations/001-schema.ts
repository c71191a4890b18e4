import type { Knex } from 'knex';

/**
 * Core schema: agencies, themes, administrative districts, the layer registry and one
 * features table keyed by layer (Citus-compatible: distribution key layer_id).
 * Geometry is stored in EPSG:4326 (GeoJSON/OGC) and, kept in step by the database,
 * in EPSG:3857 (tiles), so no request reprojects.
 */
export const name = '001-schema';

export async function up(knex: Knex): Promise<void> {
  await knex.raw('create extension if not exists postgis');
  await knex.raw('create extension if not exists btree_gist');
  await knex.raw(`
    create table agencies (
      code text primary key check (code ~ '^[a-z0-9][a-z0-9-]*$'),
      name text not null,
      short_name text not null,
      kind text not null check (kind in ('sekretariat','inspektorat','badan','dinas','satpol','kecamatan','bumd')),
      district_code text,
      source text not null
    )`);
  await knex.raw(`
    create table themes (
      code text primary key check (code ~ '^[a-z0-9][a-z0-9-]*$'),
      name text not null,
      kugi_code text not null,
      kugi_category text not null,
      description text not null
    )`);
  await knex.raw(`
    create table districts (
      code text primary key,
      code_compact text not null unique,
      name text not null,
      level text not null check (level in ('kota','kecamatan','kelurahan')),
      parent_code text references districts(code),
      area_km2 double precision not null,
      geom geometry(MultiPolygon, 4326) not null,
      geom_3857 geometry(MultiPolygon, 3857) generated always as (ST_Transform(geom, 3857)) stored
    )`);
  await knex.raw('create index districts_geom_idx on districts using gist (geom)');
  await knex.raw('create index districts_level_idx on districts (level, code)');

  // Versions come from one sequence so a version is never reused, even across a deleted and
  // re-created slug: a cached tile or page keyed by (slug, version) can never be stale.
  await knex.raw('create sequence layer_version_seq as integer');
  await knex.raw(`
    create table layers (
      id integer generated always as identity primary key,
      slug text not null unique check (slug ~ '^[a-z0-9][a-z0-9-]{1,119}$'),
      title text not null,
      description text not null,
      agency_code text not null references agencies(code),
      theme_code text not null references themes(code),
      geometry_type text not null check (geometry_type in ('Point','LineString','Polygon')),
      classification text not null default 'publik' check (classification in ('publik','terbatas')),
      fields jsonb not null default '[]',
      style jsonb not null default '{}',
      min_zoom integer not null default 10 check (min_zoom between 0 and 22),
      max_zoom integer not null default 20 check (max_zoom between 0 and 22),
      producer text,
      custodian text,
      contact_email text,
      source text,
      scale_denominator integer,
      update_frequency text,
      last_update date,
      license text,
      keywords text[] not null default '{}',
      lineage text,
      reference_system text default 'EPSG:4326',
      is_sample boolean not null default false,
      extent geometry(Geometry, 4326),
      feature_count integer not null default 0,
      data_version integer not null default nextval('layer_version_seq'),
      data_updated_at timestamptz not null default now(),
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
  await knex.raw('create index layers_search_idx on layers using gin (search_vector)');
  await knex.raw('create index layers_agency_idx on layers (agency_code)');
  await knex.raw('create index layers_theme_idx on layers (theme_code)');

  await knex.raw(`
    create table features (
      layer_id integer not null references layers(id) on delete cascade,
      fid integer not null check (fid > 0),
      properties jsonb not null default '{}',
      geom geometry(Geometry, 4326) not null,
      geom_3857 geometry(Geometry, 3857) generated always as (ST_Transform(geom, 3857)) stored,
      primary key (layer_id, fid)
    )`);
  // (layer_id, geom) in one GiST index: a bbox query for one layer walks only that layer's entries.
  await knex.raw('create index features_layer_geom_idx on features using gist (layer_id, geom)');
  await knex.raw('create index features_layer_geom_3857_idx on features using gist (layer_id, geom_3857)');

  // Which districts each layer has features in, with counts; refreshed with the layer's stats.
  await knex.raw(`
    create table layer_districts (
      layer_id integer not null references layers(id) on delete cascade,
      district_code text not null references districts(code),
      feature_count integer not null,
      primary key (layer_id, district_code)
    )`);
  await knex.raw('create index layer_districts_district_idx on layer_districts (district_code)');

  // Any change to a layer's features gives it a new data version, whoever made the change.
  await knex.raw(`
    create function bump_layer_version() returns trigger language plpgsql as $$
    begin
      if tg_op in ('INSERT', 'UPDATE') then
        update layers set data_version = nextval('layer_version_seq'), data_updated_at = now()
         where id in (select distinct layer_id from changed_new);
      end if;
      if tg_op in ('DELETE', 'UPDATE') then
        update layers set data_version = nextval('layer_version_seq'), data_updated_at = now()
         where id in (select distinct layer_id from changed_old);
      end if;
      return null;
    end $$`);
  await knex.raw(`create trigger features_version_ins after insert on features
    referencing new table as changed_new for each statement execute function bump_layer_version()`);
  await knex.raw(`create trigger features_version_upd after update on features
    referencing old table as changed_old new table as changed_new for each statement execute function bump_layer_version()`);
  await knex.raw(`create trigger features_version_del after delete on features
    referencing old table as changed_old for each statement execute function bump_layer_version()`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table if exists layer_districts');
  await knex.raw('drop table if exists features');
  await knex.raw('drop function if exists bump_layer_version()');
  await knex.raw('drop table if exists layers');
  await knex.raw('drop sequence if exists layer_version_seq');
  await knex.raw('drop table if exists districts');
  await knex.raw('drop table if exists themes');
  await knex.raw('drop table if exists agencies');
}
