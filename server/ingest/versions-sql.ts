import type { Knex } from 'knex';
import type { FieldDef } from '../catalog/layer-types.js';

/**
 * Statements over layer versions and their storages (migrations/014-layer-versions.ts). A storage
 * holds one version's features (`features.layer_id` = storage id); `layers.storage_id` is the one
 * the current version reads. Storages of versions that are not current are never written.
 */

export type VersionState = 'draft' | 'submitted' | 'rejected' | 'published' | 'superseded' | 'discarded';
/**
 * States of a version never published: seen only by who writes, reviews or oversees the layer
 * (`discarded`: a draft retention removed, kept as a record).
 */
export const UNPUBLISHED: readonly VersionState[] = ['draft', 'submitted', 'rejected', 'discarded'];
export type VersionAction = 'created' | 'replace' | 'append' | 'restore';

export interface VersionRow {
  version: number;
  storage_id: number | null;
  state: VersionState;
  action: VersionAction;
  restored_from: number | null;
  created_by: string | null;
  created_at: string;
  data_version: number;
  feature_count: number;
  fields: FieldDef[];
  stats: VersionStats;
  xmin: number | null;
  ymin: number | null;
  xmax: number | null;
  ymax: number | null;
  data_removed_at: string | null;
  data_removed_by: string | null;
  submitted_at: string | null;
  reviewed_by: string | null;
  reviewed_at: string | null;
  review_note: string | null;
  /** For a draft: the published version it was made from (an append's copy is of that version). */
  based_on: number | null;
}

/** The layer's derived columns as they were for a version: what a restore puts back. */
export interface VersionStats {
  timeMin: string | null;
  timeMax: string | null;
  invalidGeometryCount: number | null;
  outsideCityCount: number | null;
  /** Features per kecamatan/kelurahan code. */
  districts: Record<string, number>;
}

/** A fresh, empty storage for a layer, its id drawn from the layers' id sequence (never a layer's id). */
export async function newStorage(trx: Knex.Transaction, layerId: number): Promise<number> {
  const {
    rows: [row],
  } = await trx.raw<{ rows: { id: number }[] }>(
    `insert into layer_storages (id, layer_id)
     values (nextval(pg_get_serial_sequence('layers', 'id')), ?) returning id`,
    [layerId],
  );
  if (!row) throw new Error('no storage id returned');
  return row.id;
}

/** Copies every feature of one storage into another (fids kept); the copy's EPSG:3857 column is generated again. */
export async function copyStorage(trx: Knex.Transaction, from: number, to: number): Promise<number> {
  const res = await trx.raw<{ rowCount: number }>(
    'insert into features (layer_id, fid, properties, geom) select ?, fid, properties, geom from features where layer_id = ? order by fid',
    [to, from],
  );
  return res.rowCount ?? 0;
}

/**
 * Points the layer at a storage and moves its data version on (every cache key and ETag with
 * it). Feature statements on that storage later in the transaction move it on again by trigger.
 */
export async function switchStorage(trx: Knex.Transaction, layerId: number, storageId: number): Promise<void> {
  await trx.raw(
    `update layers set storage_id = ?, data_version = nextval('layer_version_seq'), data_updated_at = now()
      where id = ?`,
    [storageId, layerId],
  );
}

/** The stats a version row keeps, read from the layer row `l` (and its district coverage). */
const LAYER_STATS = `jsonb_build_object('timeMin', l.time_min, 'timeMax', l.time_max,
  'invalidGeometryCount', l.invalid_geometry_count, 'outsideCityCount', l.outside_city_count,
  'districts', coalesce((select jsonb_object_agg(d.district_code, d.feature_count)
                           from layer_districts d where d.layer_id = l.id), '{}'::jsonb))`;

/**
 * Brings the published version rows of the given layers in step with their layer rows: for
 * features written straight into a layer's storage (the seed), not through an upload.
 */
export async function snapshotPublished(knex: Knex, layerIds: number[]): Promise<void> {
  await knex.raw(
    `update layer_versions v
        set data_version = l.data_version, feature_count = l.feature_count, extent = l.extent, fields = l.fields,
            stats = ${LAYER_STATS}
       from layers l
      where l.id = v.layer_id and v.state = 'published' and l.id in (select (jsonb_array_elements_text(?::jsonb))::int)`,
    [JSON.stringify(layerIds)],
  );
}

/**
 * Writes the version the layer now is (its storage and the derived columns just refreshed) as
 * the published one, the previous published one becoming superseded. Returns its number.
 */
export async function recordVersion(
  trx: Knex.Transaction,
  layerId: number,
  v: { action: VersionAction; actor: string; restoredFrom?: number },
): Promise<number> {
  await trx.raw(`update layer_versions set state = 'superseded' where layer_id = ? and state = 'published'`, [layerId]);
  const {
    rows: [row],
  } = await trx.raw<{ rows: { version: number }[] }>(
    `insert into layer_versions (layer_id, version, storage_id, state, action, restored_from, created_by, data_version,
                                 feature_count, extent, fields, stats)
     select l.id, (select coalesce(max(version), 0) + 1 from layer_versions where layer_id = l.id), l.storage_id,
            'published', ?, ?, ?, l.data_version, l.feature_count, l.extent, l.fields, ${LAYER_STATS}
       from layers l where l.id = ?
     returning version`,
    [v.action, v.restoredFrom ?? null, v.actor, layerId],
  );
  if (!row) throw new Error('layer vanished while its version was recorded');
  return row.version;
}

const VERSION_COLUMNS = `version, storage_id, state, action, restored_from, created_by,
  to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as created_at,
  data_version, feature_count, fields, stats,
  ST_XMin(extent) as xmin, ST_YMin(extent) as ymin, ST_XMax(extent) as xmax, ST_YMax(extent) as ymax,
  to_char(data_removed_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as data_removed_at, data_removed_by,
  to_char(submitted_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as submitted_at, reviewed_by,
  to_char(reviewed_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as reviewed_at, review_note, based_on`;

/** A layer's versions, newest first, paged by version number; unpublished ones only when asked. */
export async function listVersions(
  knex: Knex,
  layerId: number,
  limit: number,
  before: number | null,
  withUnpublished: boolean,
): Promise<VersionRow[]> {
  const { rows } = await knex.raw<{ rows: VersionRow[] }>(
    `select ${VERSION_COLUMNS} from layer_versions
      where layer_id = ? and version < ? and (? or state in ('published', 'superseded'))
      order by version desc limit ?`,
    [layerId, before ?? 2_147_483_647, withUnpublished, limit],
  );
  return rows;
}

export async function getVersion(knex: Knex, layerId: number, version: number): Promise<VersionRow | null> {
  const { rows } = await knex.raw<{ rows: VersionRow[] }>(
    `select ${VERSION_COLUMNS} from layer_versions where layer_id = ? and version = ?`,
    [layerId, version],
  );
  return rows[0] ?? null;
}

/**
 * Makes a version's storage current again and puts its derived columns back on the layer (count,
 * extent, schema, time extent, geometry checks, per-district counts): no feature is copied.
 */
export async function restoreStorage(trx: Knex.Transaction, layerId: number, v: VersionRow): Promise<void> {
  if (v.storage_id === null) throw new Error('restoring a version whose data was removed');
  await switchStorage(trx, layerId, v.storage_id);
  await trx.raw(
    `update layers l
        set feature_count = v.feature_count, extent = v.extent, fields = v.fields,
            time_min = v.stats ->> 'timeMin', time_max = v.stats ->> 'timeMax',
            invalid_geometry_count = (v.stats ->> 'invalidGeometryCount')::int,
            outside_city_count = (v.stats ->> 'outsideCityCount')::int
       from layer_versions v
      where l.id = ? and v.layer_id = l.id and v.version = ?`,
    [layerId, v.version],
  );
  await trx.raw('delete from layer_districts where layer_id = ?', [layerId]);
  await trx.raw(
    `insert into layer_districts (layer_id, district_code, feature_count)
     select ?, d.key, d.value::int from jsonb_each_text(?::jsonb) d`,
    [layerId, JSON.stringify(v.stats.districts ?? {})],
  );
}

/**
 * Deletes the features of a version that is not current (an admin's audited action): the
 * version row stays, marked as removed. The storage goes only when no other version shares it
 * (a restore shares the storage of the version it restored). Returns the features deleted.
 */
export async function removeVersionData(
  trx: Knex.Transaction,
  layerId: number,
  version: number,
  actor: string,
): Promise<number> {
  const {
    rows: [v],
  } = await trx.raw<{ rows: { storage_id: number | null }[] }>(
    'select storage_id from layer_versions where layer_id = ? and version = ? for update',
    [layerId, version],
  );
  await trx.raw(
    `update layer_versions set storage_id = null, data_removed_at = now(), data_removed_by = ?
      where layer_id = ? and version = ?`,
    [actor, layerId, version],
  );
  const storage = v?.storage_id ?? null;
  if (storage === null) return 0;
  const {
    rows: [shared],
  } = await trx.raw<{ rows: { n: number }[] }>(
    `select (select count(*) from layer_versions where storage_id = ?)::int
          + (select count(*) from layers where storage_id = ?)::int as n`,
    [storage, storage],
  );
  if ((shared?.n ?? 0) > 0) return 0;
  const res = await trx.raw<{ rowCount: number }>('delete from features where layer_id = ?', [storage]);
  await trx.raw('delete from layer_storages where id = ?', [storage]);
  return res.rowCount ?? 0;
}
