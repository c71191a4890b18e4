import type { Knex } from 'knex';
import { propertyValueSql } from './cql2-sql.js';
import { ID_PROPERTY, type FeatureQuery } from './feature-query.js';

/** A page as the database wrote it: GeoJSON Feature texts joined by commas, ready to splice. */
export interface FeaturePageText {
  /** Rows found, up to limit + 1: one more than asked tells whether a next page exists. */
  found: number;
  lastFid: number | null;
  /**
   * Id order with a cursor only: the cursor of the page before (the id just before that page's
   * first feature, 0 at the start); null otherwise.
   */
  prevAfter: number | null;
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

type Filters = Pick<FeatureQuery, 'layer' | 'bbox' | 'district' | 'where'>;

/** The layer's features that pass the filters: true bbox intersection, district, CQL2 tree. */
function filtered(knex: Knex, q: Filters): Knex.QueryBuilder {
  const rows = knex('features as f').where('f.layer_id', q.layer.id);
  // ST_Intersects uses the (layer_id, geom) GiST index for the box test, then checks exactly.
  if (q.bbox) rows.whereRaw('ST_Intersects(f.geom, ST_MakeEnvelope(?, ?, ?, ?, 4326))', q.bbox);
  if (q.district) {
    rows.join('districts as d', (j) => j.on(knex.raw('ST_Intersects(f.geom, d.geom)'))).andWhere('d.code', q.district);
  }
  if (q.where) rows.whereRaw(q.where.sql, q.where.bindings);
  return rows;
}

/** ORDER BY of a query: its sort keys, then the feature id so every order is total. */
function orderBy(knex: Knex, q: Pick<FeatureQuery, 'layer' | 'sortby'>): Knex.Raw {
  const parts: string[] = [];
  const bindings: string[] = [];
  for (const key of q.sortby) {
    const dir = key.descending ? 'desc nulls last' : 'asc nulls last';
    if (key.property === ID_PROPERTY) {
      parts.push(`f.fid ${key.descending ? 'desc' : 'asc'}`);
      continue;
    }
    const type = q.layer.fields.find((f) => f.name === key.property)?.type ?? 'string';
    const v = propertyValueSql(key.property, type);
    parts.push(`${v.sql} ${dir}`);
    bindings.push(...v.bindings);
  }
  if (!q.sortby.some((k) => k.property === ID_PROPERTY)) parts.push('f.fid');
  return knex.raw(parts.join(', '), bindings);
}

/** Exact number of features passing the filters (numberMatched). */
export async function countFeatures(knex: Knex, q: Filters): Promise<number> {
  const rows: { n: number }[] = await filtered(knex, q).select(knex.raw('count(*)::int as n'));
  return rows[0]?.n ?? 0;
}

/**
 * Asks for limit + 1 rows in the query's order and aggregates the first `limit` into one text in
 * the database; in id order after a cursor, the previous page's cursor comes in the same statement.
 */
export async function selectFeaturePage(knex: Knex, q: FeatureQuery): Promise<FeaturePageText> {
  const order = orderBy(knex, q);
  const rows = filtered(knex, q)
    .select('f.fid', featureText(knex, q.properties, q.district && q.clip ? CLIPPED_GEOM : PLAIN_GEOM))
    // Window rows are numbered before OFFSET skips any: number the page from 1.
    .select(knex.raw('row_number() over (order by ?) - ? as rn', [order, q.offset]))
    .orderByRaw('?', [order])
    .limit(q.limit + 1);
  if (q.after > 0) rows.andWhere('f.fid', '>', q.after);
  if (q.offset > 0) rows.offset(q.offset);
  const byCursor = q.after > 0 && q.offset === 0 && q.sortby.length === 0;
  const prev = byCursor
    ? knex.raw('(select coalesce((?), 0)) as prev_after', [
        filtered(knex, q)
          .select('f.fid')
          .andWhere('f.fid', '<=', q.after)
          .orderBy('f.fid', 'desc')
          .offset(q.limit)
          .limit(1),
      ])
    : knex.raw('null::int as prev_after');
  const pages: { found: number; last_fid: number | null; prev_after: number | null; features: string }[] = await knex
    .from(rows.as('p'))
    .select(
      knex.raw('count(*)::int as found'),
      prev,
      knex.raw('max(p.fid) filter (where p.rn = ?) as last_fid', [q.limit]),
      knex.raw(`coalesce(string_agg(p.feature, ',' order by p.rn) filter (where p.rn <= ?), '') as features`, [
        q.limit,
      ]),
    );
  const page = pages[0] ?? { found: 0, last_fid: null, prev_after: null, features: '' };
  return { found: page.found, lastFid: page.last_fid, prevAfter: page.prev_after, features: page.features };
}

export async function selectFeature(knex: Knex, layerId: number, fid: number): Promise<string | null> {
  const row = (await knex('features as f')
    .first(featureText(knex, null, PLAIN_GEOM))
    .where({ 'f.layer_id': layerId, 'f.fid': fid })) as { feature: string } | undefined;
  return row?.feature ?? null;
}
