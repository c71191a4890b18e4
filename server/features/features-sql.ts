import type { Knex } from 'knex';
import type { Bbox } from '../http/coordinates.js';

export interface FeaturePageQuery {
  layerId: number;
  /** EPSG:4326 lon/lat. */
  bbox: Bbox | null;
  /** Kemendagri code of a kecamatan/kelurahan to filter by (intersects). */
  district: string | null;
  /** Cut geometries to the district's boundary instead of only filtering. */
  clip: boolean;
  /** Property names to keep; null keeps all. Values only: names are checked against the registry first. */
  properties: string[] | null;
  /** Property equality filters [name, value]; names are checked against the registry first, both travel bound. */
  equals?: [string, string][];
  /** A WHERE fragment over `features f` from the CQL2 translator: constant SQL, bound values. */
  where?: { sql: string; bindings: (string | number | boolean)[] };
  /** Keyset paging: features with fid greater than this. */
  afterFid: number;
  limit: number;
}

/** A page as the database wrote it: GeoJSON Feature texts joined by commas, ready to splice. */
export interface FeaturePageText {
  /** Rows found, up to limit + 1: one more than asked tells whether a next page exists. */
  found: number;
  lastFid: number | null;
  features: string;
}

const PLAIN_GEOM = 'f.geom';
const CLIPPED_GEOM = 'ST_Intersection(f.geom, d.geom)';

/**
 * One Feature as JSON text, built by the database. geomExpr is one of the two constants above,
 * never request text. RFC 7946: counter-clockwise exterior rings, at most 7 decimals (about 1 cm).
 */
function featureText(knex: Knex, properties: string[] | null, geomExpr: string): Knex.Raw {
  const props = properties
    ? `(select coalesce(jsonb_object_agg(e.key, e.value), '{}'::jsonb) from jsonb_each(f.properties) e
         where e.key in (select jsonb_array_elements_text(?::jsonb)))::text`
    : 'f.properties::text';
  return knex.raw(
    `'{"type":"Feature","id":' || f.fid || ',"geometry":' || ST_AsGeoJSON(ST_ForcePolygonCCW(${geomExpr}), 7)
       || ',"properties":' || ${props} || '}' as feature`,
    properties ? [JSON.stringify(properties)] : [],
  );
}

/** The layer's features that pass the filters (bbox, district, property equality). */
function filtered(knex: Knex, q: Omit<FeaturePageQuery, 'afterFid' | 'limit' | 'properties' | 'clip'>): Knex.QueryBuilder {
  const rows = knex('features as f').where('f.layer_id', q.layerId);
  if (q.bbox) rows.whereRaw('f.geom && ST_MakeEnvelope(?, ?, ?, ?, 4326)', q.bbox);
  if (q.district) {
    rows.join('districts as d', (j) => j.on(knex.raw('ST_Intersects(f.geom, d.geom)'))).andWhere('d.code', q.district);
  }
  // Containment on the text or the number the value spells, so the GIN index on properties serves it.
  for (const [name, value] of q.equals ?? []) {
    rows.whereRaw('(f.properties @> jsonb_build_object(?::text, ?::text) or f.properties @> jsonb_build_object(?::text, ?::jsonb))',
      [name, value, name, /^-?\d+(\.\d+)?$/.test(value) ? value : JSON.stringify(value)]);
  }
  if (q.where) rows.whereRaw(q.where.sql, q.where.bindings);
  return rows;
}

/** Exact number of features passing the filters (OGC numberMatched). */
export async function countFeatures(knex: Knex, q: Omit<FeaturePageQuery, 'afterFid' | 'limit' | 'properties' | 'clip'>): Promise<number> {
  const rows: { n: number }[] = await filtered(knex, q).select(knex.raw('count(*)::int as n'));
  return rows[0]?.n ?? 0;
}

/**
 * The cursor of the page before the one starting after `afterFid`: the fid just before that
 * page's first feature, or 0 when it starts at the beginning.
 */
export async function previousCursor(knex: Knex, q: Omit<FeaturePageQuery, 'properties' | 'clip'>): Promise<number> {
  const rows = (await filtered(knex, q).select('f.fid').andWhere('f.fid', '<=', q.afterFid)
    .orderBy('f.fid', 'desc').offset(q.limit).limit(1)) as { fid: number }[];
  return rows[0]?.fid ?? 0;
}

/** Asks for limit + 1 rows and aggregates the first `limit` into one text in the database. */
export async function selectFeaturePage(knex: Knex, q: FeaturePageQuery): Promise<FeaturePageText> {
  const rows = filtered(knex, q)
    .select('f.fid', featureText(knex, q.properties, q.district && q.clip ? CLIPPED_GEOM : PLAIN_GEOM))
    .select(knex.raw('row_number() over (order by f.fid) as rn'))
    .andWhere('f.fid', '>', q.afterFid)
    .orderBy('f.fid')
    .limit(q.limit + 1);
  const pages: { found: number; last_fid: number | null; features: string }[] = await knex.from(rows.as('p')).select(
    knex.raw('count(*)::int as found'),
    knex.raw('max(p.fid) filter (where p.rn <= ?) as last_fid', [q.limit]),
    knex.raw(`coalesce(string_agg(p.feature, ',' order by p.fid) filter (where p.rn <= ?), '') as features`, [q.limit]),
  );
  const page = pages[0] ?? { found: 0, last_fid: null, features: '' };
  return { found: page.found, lastFid: page.last_fid, features: page.features };
}

export async function selectFeature(knex: Knex, layerId: number, fid: number): Promise<string | null> {
  const row = (await knex('features as f').first(featureText(knex, null, PLAIN_GEOM))
    .where({ 'f.layer_id': layerId, 'f.fid': fid })) as { feature: string } | undefined;
  return row?.feature ?? null;
}
