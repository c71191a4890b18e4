import type { Knex } from 'knex';

/**
 * Feature-level differences between two versions' storages, matched by feature id: an append
 * keeps every id, and a replace numbers the file's features 1…n, so the same file uploaded again
 * with edits lines up feature by feature. Properties compare as jsonb (key order never matters),
 * geometries exactly (same coordinates in the same order).
 */

export type Change = 'added' | 'removed' | 'changed';

export interface DiffSummary {
  added: number;
  removed: number;
  changed: number;
  unchanged: number;
}

export interface DiffRow {
  fid: number;
  change: Change;
  /** The feature as it is in the later version (the earlier one for `removed`), GeoJSON text. */
  feature: string;
  /** For `changed`: the feature as it was, GeoJSON text. */
  before: string | null;
}

const PAIRS = `a as (select fid, properties, geom from features where layer_id = ?),
       b as (select fid, properties, geom from features where layer_id = ?),
       pairs as (
         select coalesce(b.fid, a.fid) as fid,
                case when a.fid is null then 'added' when b.fid is null then 'removed'
                     when a.properties = b.properties and a.geom = b.geom then 'unchanged'
                     else 'changed' end as change,
                a.properties as a_props, a.geom as a_geom, b.properties as b_props, b.geom as b_geom
           from a full join b on a.fid = b.fid)`;

const featureJson = (props: string, geom: string) =>
  `json_build_object('type', 'Feature', 'id', fid, 'properties', ${props}, 'geometry', ST_AsGeoJSON(${geom}, 9)::json)::text`;

export async function diffSummary(knex: Knex, from: number, to: number): Promise<DiffSummary> {
  const {
    rows: [r],
  } = await knex.raw<{ rows: DiffSummary[] }>(
    `with ${PAIRS}
     select count(*) filter (where change = 'added')::int as added,
            count(*) filter (where change = 'removed')::int as removed,
            count(*) filter (where change = 'changed')::int as changed,
            count(*) filter (where change = 'unchanged')::int as unchanged
       from pairs`,
    [from, to],
  );
  return r ?? { added: 0, removed: 0, changed: 0, unchanged: 0 };
}

/** Up to `limit` differing features with ids above `after`, in id order. */
export async function diffPage(knex: Knex, from: number, to: number, after: number, limit: number): Promise<DiffRow[]> {
  const { rows } = await knex.raw<{ rows: DiffRow[] }>(
    `with ${PAIRS}
     select fid, change,
            case when change = 'removed' then ${featureJson('a_props', 'a_geom')} else ${featureJson('b_props', 'b_geom')} end as feature,
            case when change = 'changed' then ${featureJson('a_props', 'a_geom')} end as before
       from pairs
      where change <> 'unchanged' and fid > ?
      order by fid
      limit ?`,
    [from, to, after, limit],
  );
  return rows;
}
