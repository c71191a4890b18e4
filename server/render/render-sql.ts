import type { Knex } from 'knex';
import type { GeometryType } from '../catalog/layer-types.js';
import type { MapFrame } from './map-frame.js';

/**
 * The map image query, in this one module: one statement for every layer of an image, each
 * layer's geometries moved into pixel space (x right, y down, in pixels of the image) and written
 * as SVG path data by the database, so the renderer only draws. The layer id, the box and every size travel as bound
 * values; the column is chosen from two fixed names by the frame's CRS (EPSG:3857: the stored
 * Web Mercator copy, EPSG:4326: the lon/lat one), so no request reprojects.
 *
 * Generalisation to the output pixel (the tile query's rules, at the image's resolution):
 * - lines and polygons are simplified with a tolerance of half a pixel and clipped to the box
 *   grown by BUFFER pixels (so outlines do not end at the edge);
 * - polygons smaller than a quarter of a pixel and lines shorter than half a pixel are dropped;
 * - at most `cap` features per layer, in load order (fid).
 * Features are grouped by the properties their style reads (names bound as values); labelled
 * lines and polygons get a point on the stored geometry (valid, unlike a simplified one) each, to
 * write the label at.
 */
export const BUFFER = 8;

export interface RenderLayerSpec {
  /** The layer version's storage (`features.layer_id`), not the layer id. */
  id: number;
  geometryType: GeometryType;
  /** Properties the layer's style reads (bound as values, read with ->). */
  properties: string[];
  /** The style writes labels: each line and polygon gets an anchor point on its geometry. */
  labels: boolean;
  /**
   * A filter over `features f` from the one feature query (WMS TIME, CQL_FILTER): constant SQL
   * text with its values bound, as buildFeatureQuery makes it.
   */
  where?: { sql: string; bindings: (string | number | boolean)[] } | null;
}

/**
 * The features of one layer with equal style properties, in image pixels: the database groups
 * them, so the renderer evaluates a style once per group and draws a group in one call.
 */
export interface RenderRow {
  layer: number;
  /** The group's first feature id (groups are drawn in this order). */
  fid: number;
  /** The properties the style reads, equal for every feature of the group. */
  props: Record<string, unknown>;
  /**
   * Lines and polygons: SVG path data of every feature ("M x y L x y … Z …", read by Skia in one
   * call). Points: GeoJSON of their collection.
   */
  geometry: string;
  /** Labelled lines and polygons: a JSON array of GeoJSON points, one per feature; else null. */
  anchors: string | null;
}

function fragment(spec: RenderLayerSpec, column: 'geom' | 'geom_3857'): string {
  const type = spec.geometryType;
  const g = `f.${column}`;
  const clipped = `ST_ClipByBox2D(ST_Simplify(${g}, t.px / 2, true), ST_Expand(t.e, t.px * ${BUFFER}))`;
  // Rings oriented one way for outer, the other for holes: the renderer fills many polygons as one
  // path with the nonzero rule, and holes stay holes.
  const drawn = type === 'Point' ? g : type === 'Polygon' ? `ST_ForcePolygonCCW(${clipped})` : clipped;
  const size =
    type === 'Polygon'
      ? ` and ST_Area(${g}) >= t.px * t.px / 4`
      : type === 'LineString'
        ? ` and ST_Length(${g}) >= t.px / 2`
        : '';
  const pixels = (geom: string) => `ST_TransScale(${geom}, -ST_XMin(t.e), -ST_YMax(t.e), t.sx, -t.sy)`;
  // ST_AsSVG negates y (SVG's y runs down), so its geometry is scaled with y up: the output is pixels.
  const svg = (geom: string) => `ST_AsSVG(ST_TransScale(${geom}, -ST_XMin(t.e), -ST_YMax(t.e), t.sx, t.sy), 0, 1)`;
  const props = spec.properties.length
    ? `jsonb_build_object(${spec.properties.map(() => '?::text, f.properties -> ?').join(', ')})`
    : `'{}'::jsonb`;
  const labelled = spec.labels && type !== 'Point';
  const anchor = labelled ? `ST_AsGeoJSON(${pixels(`ST_PointOnSurface(${g})`)}, 1)` : 'null::text';
  return `(select ?::int as layer, min(x.fid) as fid, x.props,
      ${type === 'Point' ? 'ST_AsGeoJSON(ST_Collect(x.geometry order by x.fid), 1)' : "string_agg(x.geometry, ' ' order by x.fid)"} as geometry,
      ${labelled ? "'[' || string_agg(x.anchor, ',' order by x.fid) || ']'" : 'null::text'} as anchors
    from (select f.fid, ${props} as props, ${type === 'Point' ? pixels(drawn) : svg(drawn)} as geometry, ${anchor} as anchor
      from features f, t
      where f.layer_id = ? and ${g} && ST_Expand(t.e, t.px * ${BUFFER})${size}${spec.where ? ` and (${spec.where.sql})` : ''}
      order by f.fid
      limit ?) x
    group by x.props)`;
}

/** Rows of every layer (index into `layers`) inside the frame, ready to draw. */
export async function selectRenderRows(
  knex: Knex,
  layers: RenderLayerSpec[],
  frame: MapFrame,
  cap: number,
): Promise<RenderRow[]> {
  if (layers.length === 0) return [];
  const column = frame.srid === 3857 ? 'geom_3857' : 'geom';
  const [x0, y0, x1, y1] = frame.bbox;
  const sx = frame.width / (x1 - x0);
  const sy = frame.height / (y1 - y0);
  // px: map units of one pixel (the larger axis, when a client stretches the image).
  const px = Math.max(1 / sx, 1 / sy);
  const sql = `with t as (select ST_MakeEnvelope(?, ?, ?, ?, ${frame.srid}) as e, ?::float8 as px, ?::float8 as sx, ?::float8 as sy)
    ${layers.map((l) => fragment(l, column)).join(' union all ')}`;
  const bindings = [
    x0,
    y0,
    x1,
    y1,
    px,
    sx,
    sy,
    ...layers.flatMap((l, index) => [
      index,
      ...l.properties.flatMap((p) => [p, p]),
      l.id,
      ...(l.where?.bindings ?? []),
      cap,
    ]),
  ];
  const { rows } = await knex.raw<{ rows: RenderRow[] }>(sql, bindings);
  return rows;
}
