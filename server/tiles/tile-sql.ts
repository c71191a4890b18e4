import type { Knex } from 'knex';
import type { GeometryType } from '../catalog/layer-types.js';

/**
 * The tile query, in this one module. Each layer's fragment is built once per layer shape and
 * reused; z/x/y, the layer id, its name and every threshold travel as bound values. Geometry is
 * the stored EPSG:3857 copy, so no request reprojects.
 *
 * Generalisation per zoom (values come from tileParams):
 * - lines and polygons are simplified with a tolerance of one tile unit (1/4096 of the tile);
 * - features smaller than one screen pixel (1/512 of the tile) are dropped: polygons by area,
 *   lines by length;
 * - at most `cap` features per layer per tile, the largest first (polygons by area, lines by
 *   length); points keep load order (fid). Zooming in shows the rest.
 */
export const BUFFER = 64;

export interface TileLayerSpec {
  /** The layer version's storage (`features.layer_id`), not the layer id. */
  id: number;
  name: string;
  geometryType: GeometryType;
  /** Layer draws nothing below this zoom. */
  minZoom: number;
  /** Properties to carry; null = all. Names come from the registry and travel as a bound value. */
  fields: string[] | null;
}

export interface TileParams {
  z: number;
  x: number;
  y: number;
  cap: number;
}

const WORLD = 40075016.68557849;

/** Tile unit and pixel size in EPSG:3857 metres at zoom z. */
export function tileParams(z: number): { unit: number; pixel: number } {
  const width = WORLD / 2 ** z;
  return { unit: width / 4096, pixel: width / 512 };
}

// t: the tile envelope e, the envelope grown by the buffer eb, the tile unit and the pixel size.
const ENVELOPE_CTE = `with t as (
  select s.e, ST_Expand(s.e, (ST_XMax(s.e) - ST_XMin(s.e)) * ${BUFFER} / 4096.0) as eb, ?::float8 as unit, ?::float8 as px
    from (select ST_TileEnvelope(?, ?, ?) as e) s)`;

function geometryExpr(type: GeometryType): string {
  return type === 'Point' ? 'f.geom_3857' : 'ST_Simplify(f.geom_3857, t.unit, true)';
}

function candidateClause(type: GeometryType): string {
  const size = type === 'Polygon' ? 'ST_Area(f.geom_3857)' : type === 'LineString' ? 'ST_Length(f.geom_3857)' : null;
  const threshold = type === 'Polygon' ? 't.px * t.px' : 't.px';
  return `from features f, t
     where f.layer_id = ? and f.geom_3857 && t.eb${size ? ` and ${size} >= ${threshold}` : ''}
     order by ${size ? `${size} desc, ` : ''}f.fid
     limit ?`;
}

/** Pairs per jsonb_build_object call (PostgreSQL passes at most 100 arguments to a function). */
const PAIRS_PER_CALL = 40;

/**
 * The tile's properties: all of them, or the listed fields picked by key (no per-row subquery).
 * Binds the field names, each twice (key, lookup); a field a feature lacks comes out as JSON
 * null, which ST_AsMVT and the JS encoder both leave out, as MVT has no null.
 */
function propertiesExpr(fieldCount: number | null): string {
  if (fieldCount === null) return 'f.properties';
  if (fieldCount === 0) return `'{}'::jsonb`;
  const calls: string[] = [];
  for (let start = 0; start < fieldCount; start += PAIRS_PER_CALL) {
    const pairs = Math.min(PAIRS_PER_CALL, fieldCount - start);
    calls.push(
      `jsonb_build_object(${Array.from({ length: pairs }, () => '?::text, f.properties -> ?::text').join(', ')})`,
    );
  }
  return calls.join(' || ');
}

const mvtFragments = new Map<string, string>();
const jsFragments = new Map<string, string>();

/** ST_AsMVT of one layer; binds: name, [fields twice each], layer id, cap. */
function mvtFragment(type: GeometryType, fieldCount: number | null): string {
  const key = `${type}|${fieldCount}`;
  let sql = mvtFragments.get(key);
  if (!sql) {
    sql = `(select coalesce(ST_AsMVT(q, ?, 4096, 'geom', 'fid'), ''::bytea) from (
       select f.fid, ST_AsMVTGeom(${geometryExpr(type)}, t.e, 4096, ${BUFFER}, true) as geom, ${propertiesExpr(fieldCount)} as properties
       ${candidateClause(type)}) q where q.geom is not null)`;
    mvtFragments.set(key, sql);
  }
  return sql;
}

/**
 * The same candidates clipped to the buffered tile and moved into tile units (y down) for the
 * JS encoder; exteriors are forced clockwise on the map so they come out positive in tile
 * coordinates. Binds: layer index, [fields twice each], layer id, cap.
 */
function jsFragment(type: GeometryType, fieldCount: number | null): string {
  const key = `${type}|${fieldCount}`;
  let sql = jsFragments.get(key);
  if (!sql) {
    const clipped =
      type === 'Point' ? geometryExpr(type) : `ST_ClipByBox2D(ST_ForcePolygonCW(${geometryExpr(type)}), t.eb)`;
    sql = `(select ?::int as layer, f.fid, ${propertiesExpr(fieldCount)}::text as properties,
       ST_AsGeoJSON(ST_TransScale(${clipped}, -ST_XMin(t.e), -ST_YMax(t.e),
         4096.0 / (ST_XMax(t.e) - ST_XMin(t.e)), -4096.0 / (ST_YMax(t.e) - ST_YMin(t.e))), 0) as geometry
       ${candidateClause(type)})`;
    jsFragments.set(key, sql);
  }
  return sql;
}

export interface BuiltQuery {
  sql: string;
  bindings: (string | number)[];
}

function envelopeBindings(p: TileParams): number[] {
  const { unit, pixel } = tileParams(p.z);
  return [unit, pixel, p.z, p.x, p.y];
}

/** One statement for the whole composite tile: per-layer MVTs concatenated in the given order. */
export function mvtQuery(layers: TileLayerSpec[], p: TileParams): BuiltQuery | null {
  const active = layers.filter((l) => p.z >= l.minZoom);
  if (active.length === 0) return null;
  const sql = `${ENVELOPE_CTE} select ${active.map((l) => mvtFragment(l.geometryType, l.fields?.length ?? null)).join(' || ')} as tile`;
  return {
    sql,
    bindings: [...envelopeBindings(p), ...active.flatMap((l) => [l.name, ...fieldBinding(l), l.id, p.cap])],
  };
}

/** One statement returning every layer's features as tile-unit GeoJSON rows, for the JS encoder. */
export function featureRowsQuery(layers: TileLayerSpec[], p: TileParams): BuiltQuery | null {
  const active = layers.map((l, index) => ({ l, index })).filter(({ l }) => p.z >= l.minZoom);
  if (active.length === 0) return null;
  const sql = `${ENVELOPE_CTE} ${active.map(({ l }) => jsFragment(l.geometryType, l.fields?.length ?? null)).join(' union all ')}`;
  return {
    sql,
    bindings: [...envelopeBindings(p), ...active.flatMap(({ l, index }) => [index, ...fieldBinding(l), l.id, p.cap])],
  };
}

function fieldBinding(l: TileLayerSpec): string[] {
  return (l.fields ?? []).flatMap((name) => [name, name]);
}

// Read in the same statement (one snapshot) as the features, to detect a change during rendering.
const VERSION_SUM = `(select coalesce(sum(data_version), 0)::float8 from layers where id in (select (jsonb_array_elements_text(?::jsonb))::int))`;

/** Runs an mvtQuery; `versions` is the sum of the layers' data versions in the same snapshot. */
export async function runMvtQuery(
  knex: Knex,
  q: BuiltQuery,
  layerIds: number[],
): Promise<{ tile: Uint8Array; versions: number } | undefined> {
  const { rows } = await knex.raw<{ rows: { tile: Uint8Array; versions: number }[] }>(
    `${q.sql}, ${VERSION_SUM} as versions`,
    [...q.bindings, JSON.stringify(layerIds)],
  );
  return rows[0];
}

export interface TileFeatureRow {
  layer: number;
  fid: number;
  properties: string;
  geometry: string;
  versions: number;
}

/** Runs a featureRowsQuery (for the JS encoder), each row with the layers' version sum of the same snapshot. */
export async function runFeatureRowsQuery(knex: Knex, q: BuiltQuery, layerIds: number[]): Promise<TileFeatureRow[]> {
  const { rows } = await knex.raw<{ rows: TileFeatureRow[] }>(
    `select r.*, v.versions from (${q.sql}) r, (select ${VERSION_SUM} as versions) v`,
    [...q.bindings, JSON.stringify(layerIds)],
  );
  return rows;
}
