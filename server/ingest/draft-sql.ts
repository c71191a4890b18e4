import type { Knex } from 'knex';
import type { FieldDef } from '../catalog/layer-types.js';
import type { VersionAction, VersionRow } from './versions-sql.js';

/**
 * Drafts (issue 15): a produsen's upload waiting for walidata. A draft is a version row whose
 * storage no layer reads; its count, extent, time extent, checks and district coverage are worked
 * out from that storage, so approving it is the same switch as a restore. A layer has at most
 * one open draft (draft, submitted or rejected); a new upload replaces it and its storage.
 */

/** A stored value that starts with a plausible ISO date (the temporal extent counts only these). */
const ISO_DATE = '^\\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])';

/** A storage's stats (`s`, `o`, `d`) as the version row keeps them; bindings: dateField ×2, ISO ×2, storage ×3. */
const STATS = `with city as materialized (select ST_Buffer(geom, 0.001) as g from districts where level = 'kota'),
  s as (select count(*)::int as n, ST_SetSRID(ST_Extent(f.geom)::geometry, 4326) as ext,
               min(left(f.properties ->> ?, 10) collate "C") filter (where (f.properties ->> ?) ~ ?) as lo,
               max(left(f.properties ->> ?, 10) collate "C") filter (where (f.properties ->> ?) ~ ?) as hi
          from features f where f.layer_id = ?),
  o as (select count(*)::int as n from features f, city where f.layer_id = ? and not ST_Intersects(city.g, f.geom)),
  d as (select coalesce(jsonb_object_agg(x.code, x.n), '{}'::jsonb) as m
          from (select d.code, count(*)::int as n from features f join districts d on ST_Intersects(d.geom, f.geom)
                 where f.layer_id = ? group by d.code) x)`;

/** Binding: the invalid geometries carried from the version an append copied (0 for a replace: all checked). */
const STATS_JSON = `jsonb_build_object('timeMin', s.lo, 'timeMax', s.hi, 'invalidGeometryCount', ?::int,
                                       'outsideCityCount', o.n, 'districts', d.m)`;
/** Binding: the layer id. */
const PUBLISHED = `(select version from layer_versions where layer_id = ? and state = 'published')`;

function statsBindings(storageId: number, fields: FieldDef[]): (string | number | null)[] {
  const dateField = fields.find((f) => f.type === 'date')?.name ?? null;
  return [dateField, dateField, ISO_DATE, dateField, dateField, ISO_DATE, storageId, storageId, storageId];
}

/** The layer's open draft (draft, submitted or rejected), or null. */
export async function openDraft(
  knex: Knex,
  layerId: number,
): Promise<Pick<VersionRow, 'version' | 'storage_id' | 'state' | 'fields'> | null> {
  const { rows } = await knex.raw<{ rows: Pick<VersionRow, 'version' | 'storage_id' | 'state' | 'fields'>[] }>(
    `select version, storage_id, state, fields from layer_versions
      where layer_id = ? and state in ('draft', 'submitted', 'rejected')`,
    [layerId],
  );
  return rows[0] ?? null;
}

/**
 * Records a storage as the layer's draft: replacing the open one (whose storage is deleted: a
 * draft's storage is its own) or as a new version. Returns the draft's version number.
 */
export async function saveDraft(
  trx: Knex.Transaction,
  layerId: number,
  d: {
    storageId: number;
    action: VersionAction;
    actor: string;
    fields: FieldDef[];
    /** The open draft being replaced; keepBase: the new draft is a copy of it (an append), so it keeps its base. */
    replaces: { version: number; storageId: number | null; keepBase: boolean } | null;
    invalidBase: number;
  },
): Promise<number> {
  const fields = JSON.stringify(d.fields);
  if (d.replaces) {
    await trx.raw(
      `${STATS}
       update layer_versions v
          set storage_id = ?, state = 'draft', action = ?, created_by = ?, created_at = now(),
              data_version = nextval('layer_version_seq'), feature_count = s.n, extent = s.ext, fields = ?::jsonb,
              stats = ${STATS_JSON}, review_note = null, reviewed_by = null, reviewed_at = null, submitted_at = null,
              based_on = case when ?::boolean then v.based_on else ${PUBLISHED} end
         from s, o, d
        where v.layer_id = ? and v.version = ?`,
      [
        ...statsBindings(d.storageId, d.fields),
        d.storageId,
        d.action,
        d.actor,
        fields,
        d.invalidBase,
        d.replaces.keepBase,
        layerId,
        layerId,
        d.replaces.version,
      ],
    );
    if (d.replaces.storageId !== null && d.replaces.storageId !== d.storageId) {
      await trx.raw('delete from features where layer_id = ?', [d.replaces.storageId]);
      await trx.raw('delete from layer_storages where id = ?', [d.replaces.storageId]);
    }
    return d.replaces.version;
  }
  const {
    rows: [row],
  } = await trx.raw<{ rows: { version: number }[] }>(
    `${STATS}
     insert into layer_versions (layer_id, version, storage_id, state, action, created_by, data_version,
                                 feature_count, extent, fields, stats, based_on)
     select ?, (select coalesce(max(version), 0) + 1 from layer_versions where layer_id = ?), ?, 'draft', ?, ?,
            nextval('layer_version_seq'), s.n, s.ext, ?::jsonb, ${STATS_JSON}, ${PUBLISHED}
       from s, o, d
     returning version`,
    [
      ...statsBindings(d.storageId, d.fields),
      layerId,
      layerId,
      d.storageId,
      d.action,
      d.actor,
      fields,
      d.invalidBase,
      layerId,
    ],
  );
  if (!row) throw new Error('no draft version returned');
  return row.version;
}

/** Moves a draft on: submitted (by its produsen) or rejected with a note (by walidata). */
export async function markDraft(
  trx: Knex.Transaction,
  layerId: number,
  version: number,
  to: 'submitted' | 'rejected',
  review: { by: string; note: string } | null,
): Promise<void> {
  await trx.raw(
    `update layer_versions
        set state = ?,
            submitted_at = case when ? = 'submitted' then now() else submitted_at end,
            reviewed_by = ?, reviewed_at = case when ? = 'rejected' then now() end, review_note = ?
      where layer_id = ? and version = ?`,
    [to, to, review?.by ?? null, to, review?.note ?? null, layerId, version],
  );
}

/** After the switch to its storage (restoreStorage): the draft is the published version, the one before superseded. */
export async function markPublished(
  trx: Knex.Transaction,
  layerId: number,
  version: number,
  by: string,
): Promise<void> {
  await trx.raw(`update layer_versions set state = 'superseded' where layer_id = ? and state = 'published'`, [layerId]);
  await trx.raw(
    `update layer_versions v
        set state = 'published', data_version = l.data_version, reviewed_by = ?, reviewed_at = now(), review_note = null
       from layers l
      where l.id = v.layer_id and v.layer_id = ? and v.version = ?`,
    [by, layerId, version],
  );
  // Published today: the catalogue's modified date and the update-frequency clock move on.
  await trx.raw('update layers set last_update = current_date where id = ?', [layerId]);
}

/** The invalid geometries of what an append copies: the open draft's, else the published layer's. */
export async function invalidCount(knex: Knex, layerId: number, draftVersion: number | null): Promise<number> {
  const { rows } = await knex.raw<{ rows: { n: number | null }[] }>(
    draftVersion === null
      ? 'select invalid_geometry_count as n from layers where id = ?'
      : `select (stats ->> 'invalidGeometryCount')::int as n from layer_versions where layer_id = ? and version = ?`,
    draftVersion === null ? [layerId] : [layerId, draftVersion],
  );
  return rows[0]?.n ?? 0;
}

/** The number of the layer's published version. */
export async function openPublished(knex: Knex, layerId: number): Promise<number | undefined> {
  const { rows } = await knex.raw<{ rows: { version: number }[] }>(
    `select version from layer_versions where layer_id = ? and state = 'published'`,
    [layerId],
  );
  return rows[0]?.version;
}
