import type { Knex } from 'knex';
import { whereLayerVisible, type Caller } from '../auth/access.js';

export type DistrictLevel = 'kota' | 'kecamatan' | 'kelurahan';

export interface District {
  code: string;
  codeCompact: string;
  name: string;
  level: DistrictLevel;
  parentCode: string | null;
  parentName: string | null;
  areaKm2: number;
}

interface DistrictRow {
  code: string;
  code_compact: string;
  name: string;
  level: DistrictLevel;
  parent_code: string | null;
  parent_name: string | null;
  area_km2: number;
  geometry?: string;
}

function toDistrict(r: DistrictRow): District {
  return {
    code: r.code,
    codeCompact: r.code_compact,
    name: r.name,
    level: r.level,
    parentCode: r.parent_code,
    parentName: r.parent_name,
    areaKm2: r.area_km2,
  };
}

/** boundary: the polygon; label: one point inside it (ST_PointOnSurface), for map labels. */
export type DistrictGeometry = 'none' | 'boundary' | 'label';

function districtQuery(knex: Knex, geometry: DistrictGeometry): Knex.QueryBuilder {
  const qb = knex('districts as d')
    .leftJoin('districts as p', 'p.code', 'd.parent_code')
    .select('d.code', 'd.code_compact', 'd.name', 'd.level', 'd.parent_code', 'p.name as parent_name', 'd.area_km2');
  // RFC 7946: lon/lat, counter-clockwise exterior rings, 7 decimals at most.
  if (geometry === 'boundary') qb.select(knex.raw('ST_AsGeoJSON(ST_ForcePolygonCCW(d.geom), 7) as geometry'));
  if (geometry === 'label') qb.select(knex.raw('ST_AsGeoJSON(ST_PointOnSurface(d.geom), 7) as geometry'));
  return qb;
}

export async function listDistricts(
  knex: Knex,
  filter: { level?: DistrictLevel | undefined; parent?: string | undefined },
  geometry: DistrictGeometry,
): Promise<{ district: District; geometry?: string }[]> {
  const qb = districtQuery(knex, geometry);
  if (filter.level) qb.where('d.level', filter.level);
  if (filter.parent) qb.where('d.parent_code', filter.parent);
  const rows = (await qb.orderBy('d.code')) as DistrictRow[];
  return rows.map((r) => ({ district: toDistrict(r), ...(r.geometry ? { geometry: r.geometry } : {}) }));
}

/** By Kemendagri code, dotted (36.71.01) or compact (367101). */
export async function findDistrict(knex: Knex, code: string): Promise<{ district: District; geometry: string } | null> {
  const row = (await districtQuery(knex, 'boundary').where('d.code', code).orWhere('d.code_compact', code).first()) as
    DistrictRow | undefined;
  return row?.geometry ? { district: toDistrict(row), geometry: row.geometry } : null;
}

export async function districtExists(knex: Knex, code: string): Promise<boolean> {
  return (await knex('districts').where({ code }).first('code')) !== undefined;
}

/**
 * Districts containing a point (lon/lat, EPSG:4326). The source polygons were simplified one by
 * one, so near a shared edge a point can fall in two kelurahan: all are returned, ordered by code.
 */
export async function districtsAt(knex: Knex, lon: number, lat: number): Promise<District[]> {
  const rows = (await districtQuery(knex, 'none')
    .whereRaw('ST_Intersects(d.geom, ST_SetSRID(ST_Point(?, ?), 4326))', [lon, lat])
    .orderBy('d.code')) as DistrictRow[];
  return rows.map(toDistrict);
}

/** Visible layers with features in a district, with their feature counts there. */
export async function layersInDistrict(
  knex: Knex,
  caller: Caller,
  code: string,
): Promise<{ slug: string; title: string; agencyCode: string; themeCode: string; featureCount: number }[]> {
  const qb = knex('layer_districts as ld')
    .join('layers as l', 'l.id', 'ld.layer_id')
    .where('ld.district_code', code)
    .select('l.slug', 'l.title', 'l.agency_code', 'l.theme_code', 'ld.feature_count')
    .orderBy('ld.feature_count', 'desc')
    .orderBy('l.slug');
  const rows = (await whereLayerVisible(qb, caller)) as {
    slug: string;
    title: string;
    agency_code: string;
    theme_code: string;
    feature_count: number;
  }[];
  return rows.map((r) => ({
    slug: r.slug,
    title: r.title,
    agencyCode: r.agency_code,
    themeCode: r.theme_code,
    featureCount: r.feature_count,
  }));
}

/** The city's extent (EPSG:4326), or null before the boundaries are loaded. */
export async function cityExtent(knex: Knex): Promise<[number, number, number, number] | null> {
  const {
    rows: [r],
  } = await knex.raw<{ rows: { x0: number | null; y0: number; x1: number; y1: number }[] }>(
    `select ST_XMin(e) as x0, ST_YMin(e) as y0, ST_XMax(e) as x1, ST_YMax(e) as y1 from (select ST_Extent(geom)::geometry as e from districts where level = 'kota') s`,
  );
  return !r || r.x0 === null ? null : [r.x0, r.y0, r.x1, r.y1];
}
