import type { Knex } from 'knex';
import type { FieldDef, GeometryType } from '../catalog/layer-types.js';
import type { Backend } from '../db/database.js';

/** Upload statements over the staged rows (`ingest_rows`, see staging.ts) and the layer they go into. */

const LOCK_SPACE = 7411;
export const MAX_LISTED = 100;

export interface LockedLayer {
  id: number;
  storage_id: number;
  geometry_type: GeometryType;
  fields: FieldDef[];
  data_version: number;
  feature_count: number;
}

/** One write of a layer's data at a time (an upload, a restore): false when another holds the layer. */
export async function tryLockUploads(trx: Knex.Transaction, layerId: number): Promise<boolean> {
  const {
    rows: [locked],
  } = await trx.raw<{ rows: { ok: boolean }[] }>('select pg_try_advisory_xact_lock(?, ?) as ok', [LOCK_SPACE, layerId]);
  return locked?.ok ?? false;
}

/** The layer's row, locked for the rest of the upload's transaction. */
export async function lockLayerRow(trx: Knex.Transaction, layerId: number): Promise<LockedLayer | null> {
  const {
    rows: [layer],
  } = await trx.raw<{ rows: LockedLayer[] }>(
    'select id, storage_id, geometry_type, fields, data_version, feature_count from layers where id = ? for update',
    [layerId],
  );
  return layer ?? null;
}

/** Repairs invalid staged geometries (ST_MakeValid, kept to the layer's dimension); returns how many, and the first emptied one. */
export async function repairStaged(
  trx: Knex.Transaction,
  type: GeometryType,
): Promise<{ repaired: number; firstEmpty: number | null }> {
  const dim = { Point: 1, LineString: 2, Polygon: 3 }[type];
  const res = await trx.raw<{ rowCount: number }>(
    'update ingest_rows set geom = ST_Multi(ST_CollectionExtract(ST_MakeValid(geom), ?)) where not ST_IsValid(geom)',
    [dim],
  );
  const {
    rows: [empty],
  } = await trx.raw<{ rows: { idx: number }[] }>(
    'select idx from ingest_rows where ST_IsEmpty(geom) order by idx limit 1',
  );
  return { repaired: res.rowCount ?? 0, firstEmpty: empty?.idx ?? null };
}

/** The first invalid staged geometries (up to MAX_LISTED + 1) with GEOS's reason, and how many there are. */
export async function invalidStaged(
  trx: Knex.Transaction,
): Promise<{ listed: { idx: number; reason: string }[]; total: number }> {
  const { rows } = await trx.raw<{ rows: { idx: number; reason: string }[] }>(
    'select idx, ST_IsValidReason(geom) as reason from ingest_rows where not ST_IsValid(geom) order by idx limit ?',
    [MAX_LISTED + 1],
  );
  if (rows.length === 0) return { listed: [], total: 0 };
  const {
    rows: [count],
  } = await trx.raw<{ rows: { n: number }[] }>('select count(*)::int as n from ingest_rows where not ST_IsValid(geom)');
  return { listed: rows, total: count?.n ?? rows.length };
}

/**
 * Moves the staged rows into a storage (the layer's new version, see versions-service.ts) after
 * the rows it already holds (an append's copy), in spatial (Z-order) order so neighbours share
 * index and heap pages. The GIN index on properties takes new entries into its pending list and
 * merges them later.
 */
export async function writeStaged(trx: Knex.Transaction, backend: Backend, storageId: number): Promise<void> {
  if (backend === 'postgresql')
    await trx.raw(`set local gin_pending_list_limit = '256MB'; set local work_mem = '256MB'`);
  const {
    rows: [base],
  } = await trx.raw<{ rows: { max: number }[] }>(
    'select coalesce(max(fid), 0)::int as max from features where layer_id = ?',
    [storageId],
  );
  await trx.raw(
    'insert into features (layer_id, fid, properties, geom) select ?, ? + idx + 1, properties, geom from ingest_rows order by sort_key',
    [storageId, base?.max ?? 0],
  );
}

export async function setLayerFields(trx: Knex.Transaction, layerId: number, fields: FieldDef[]): Promise<void> {
  await trx.raw('update layers set fields = ?::jsonb, last_update = current_date where id = ?', [
    JSON.stringify(fields),
    layerId,
  ]);
}

export async function layerAfterUpload(
  trx: Knex.Transaction,
  layerId: number,
): Promise<{ data_version: number; feature_count: number; outside_city_count: number } | null> {
  const {
    rows: [after],
  } = await trx.raw<{ rows: { data_version: number; feature_count: number; outside_city_count: number }[] }>(
    'select data_version, feature_count, coalesce(outside_city_count, 0) as outside_city_count from layers where id = ?',
    [layerId],
  );
  return after ?? null;
}
