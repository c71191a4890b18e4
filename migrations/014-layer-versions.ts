import type { Knex } from 'knex';

/**
 * Every layer keeps its versions (issue 15). A layer's features live in a *storage*: the
 * `features.layer_id` column now names a storage, and `layers.storage_id` the one its current
 * version reads. An upload writes a new storage (a replace loads it fresh, an append copies the
 * current one first) and switches the layer to it; the old storage stays, immutable, with its
 * version row. Restoring a version is a switch back to its storage: a metadata change, not a copy.
 * Storage ids are drawn from the layers' own id sequence, so they never collide with a layer id
 * and an existing layer's first storage is its own id (every statement that read
 * `features.layer_id = layers.id` stays true until the layer's first upload).
 */
export const name = '014-layer-versions';

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table layer_storages (
      id integer primary key,
      layer_id integer not null references layers(id) on delete cascade
    )`);
  await knex.raw('create index layer_storages_layer_idx on layer_storages (layer_id)');
  await knex.raw('insert into layer_storages (id, layer_id) select id, id from layers');
  await knex.raw('alter table features drop constraint features_layer_id_fkey');
  await knex.raw(
    'alter table features add constraint features_storage_fkey foreign key (layer_id) references layer_storages(id) on delete cascade',
  );

  await knex.raw('alter table layers add column storage_id integer');
  await knex.raw('update layers set storage_id = id');
  await knex.raw('alter table layers alter column storage_id set not null');
  await knex.raw('create unique index layers_storage_idx on layers (storage_id)');

  // What a version's data looked like when it was made: restoring it puts these back on the layer.
  await knex.raw(`
    create table layer_versions (
      layer_id integer not null references layers(id) on delete cascade,
      version integer not null check (version > 0),
      storage_id integer references layer_storages(id),
      state text not null check (state in ('published', 'superseded')),
      action text not null check (action in ('created', 'replace', 'append', 'restore')),
      restored_from integer,
      created_by text,
      created_at timestamptz not null default now(),
      data_version integer not null,
      feature_count integer not null default 0,
      extent geometry(Geometry, 4326),
      fields jsonb not null default '[]',
      stats jsonb not null default '{}',
      data_removed_at timestamptz,
      data_removed_by text,
      primary key (layer_id, version)
    )`);
  await knex.raw('create index layer_versions_storage_idx on layer_versions (storage_id)');
  await knex.raw(`
    insert into layer_versions (layer_id, version, storage_id, state, action, created_at, data_version,
                                feature_count, extent, fields, stats)
    select l.id, 1, l.id, 'published', 'created', l.data_updated_at, l.data_version, l.feature_count, l.extent, l.fields,
           jsonb_build_object('timeMin', l.time_min, 'timeMax', l.time_max,
                              'invalidGeometryCount', l.invalid_geometry_count, 'outsideCityCount', l.outside_city_count,
                              'districts', coalesce((select jsonb_object_agg(d.district_code, d.feature_count)
                                                       from layer_districts d where d.layer_id = l.id), '{}'::jsonb))
      from layers l`);

  // A new layer starts on a storage of its own id, with an empty version 1.
  await knex.raw(`
    create function layer_storage_default() returns trigger language plpgsql as $$
    begin
      new.storage_id := coalesce(new.storage_id, new.id);
      return new;
    end $$`);
  await knex.raw(
    'create trigger layers_storage_default before insert on layers for each row execute function layer_storage_default()',
  );
  await knex.raw(`
    create function layer_first_version() returns trigger language plpgsql as $$
    begin
      insert into layer_storages (id, layer_id) values (new.storage_id, new.id) on conflict do nothing;
      insert into layer_versions (layer_id, version, storage_id, state, action, data_version, fields)
      values (new.id, 1, new.storage_id, 'published', 'created', new.data_version, new.fields);
      return null;
    end $$`);
  await knex.raw(
    'create trigger layers_first_version after insert on layers for each row execute function layer_first_version()',
  );

  // Feature writes move the data version of the layer whose *current* storage they touch; a
  // storage no layer reads (an old version) moves nothing.
  await knex.raw(`
    create or replace function bump_layer_version() returns trigger language plpgsql as $$
    begin
      if tg_op in ('INSERT', 'UPDATE') then
        update layers set data_version = nextval('layer_version_seq'), data_updated_at = now()
         where storage_id in (select distinct layer_id from changed_new);
      end if;
      if tg_op in ('DELETE', 'UPDATE') then
        update layers set data_version = nextval('layer_version_seq'), data_updated_at = now()
         where storage_id in (select distinct layer_id from changed_old);
      end if;
      return null;
    end $$`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    create or replace function bump_layer_version() returns trigger language plpgsql as $$
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
  await knex.raw('drop trigger layers_first_version on layers');
  await knex.raw('drop function layer_first_version()');
  await knex.raw('drop trigger layers_storage_default on layers');
  await knex.raw('drop function layer_storage_default()');
  await knex.raw('drop table layer_versions');
  // Only the current versions' features can go back to the one-storage-per-layer shape.
  // The storage key goes first: the features move to layer ids that may no longer be storages.
  await knex.raw('alter table features drop constraint features_storage_fkey');
  await knex.raw('delete from features f where not exists (select 1 from layers l where l.storage_id = f.layer_id)');
  await knex.raw(
    'update features f set layer_id = l.id from layers l where l.storage_id = f.layer_id and l.id <> l.storage_id',
  );
  await knex.raw('drop index layers_storage_idx');
  await knex.raw('alter table layers drop column storage_id');
  await knex.raw('drop table layer_storages');
  await knex.raw(
    'alter table features add constraint features_layer_id_fkey foreign key (layer_id) references layers(id) on delete cascade',
  );
}
