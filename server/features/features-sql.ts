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
  /** Keyset paging: features with fid greater than this. */
  afterFid: number;
  limit: number;
}

/** A feature as GeoJSON text pieces, spliced into the response without re-parsing. */
export interface FeatureText { fid: number; geometry: string; properties: string }

function featureSelect(knex: Knex, properties: string[] | null, geomExpr: string): Knex.Raw {
  // geomExpr is one of two constants below, never request text.
  const props = properties
    ? `(select coalesce(jsonb_object_agg(e.key, e.value), '{}'::jsonb) from jsonb_each(f.properties) e
         where e.key in (select jsonb_array_elements_text(?::jsonb)))::text`
    : 'f.properties::text';
  // RFC 7946: counter-clockwise exterior rings, at most 7 decimals (about 1 cm).
  return knex.raw(`f.fid, ST_AsGeoJSON(ST_ForcePolygonCCW(${geomExpr}), 7) as geometry, ${props} as properties`,
    properties ? [JSON.stringify(properties)] : []);
}

const PLAIN_GEOM = 'f.geom';
const CLIPPED_GEOM = 'ST_Intersection(f.geom, d.geom)';

export async function selectFeaturePage(knex: Knex, q: FeaturePageQuery): Promise<FeatureText[]> {
  const qb = knex('features as f')
    .select(featureSelect(knex, q.properties, q.district && q.clip ? CLIPPED_GEOM : PLAIN_GEOM))
    .where('f.layer_id', q.layerId)
    .andWhere('f.fid', '>', q.afterFid)
    .orderBy('f.fid')
    .limit(q.limit);
  if (q.bbox) qb.whereRaw('f.geom && ST_MakeEnvelope(?, ?, ?, ?, 4326)', q.bbox);
  if (q.district) {
    qb.join('districts as d', (j) => j.on(knex.raw('ST_Intersects(f.geom, d.geom)'))).andWhere('d.code', q.district);
  }
  return (await qb) as FeatureText[];
}

export async function selectFeature(knex: Knex, layerId: number, fid: number): Promise<FeatureText | null> {
  const row = (await knex('features as f').select(featureSelect(knex, null, PLAIN_GEOM))
    .where({ 'f.layer_id': layerId, 'f.fid': fid }).first()) as FeatureText | undefined;
  return row ?? null;
}
