import type { Knex } from 'knex';
import type { GeometryType } from '../catalog/layer-types.js';
import type { MapFrame } from './map-frame.js';

/**
 * The map image query, in this one module: one statement for every layer of an image, each
 * layer's geometries moved into pixel space (x right, y down, in pixels of the image) by the
 * database, so the renderer only draws. The layer id, the box and every size travel as bound
 * values; the column is chosen from two fixed names by the frame's CRS (EPSG:3857: the stored
 * Web Mercator copy, EPSG:4326: the lon/lat one), so no request reprojects.
 *
 * Generalisation to the output pixel (the tile query's rules, at the image's resolution):
 * - lines and polygons are simplified with a tolerance of half a pixel and clipped to the box
 *   grown by BUFFER pixels (so outlines do not end at the edge);
 * - polygons smaller than a quarter of a pixel and lines shorter than half a pixel are dropped;
 * - at most `cap` features per layer, in load order (fid).
 * Each row carries the properties its style reads (names bound as values) and, for labelled
 * lines and polygons, a point on the stored geometry (valid, unlike a simplified one) to write
 * the label at.
 */
export const BUFFER = 8;

export interface RenderLayerSpec {
  id: number;
  geometryType: GeometryType;
  /** Properties the layer's style reads (bound as values, read with ->). */
  properties: string[];
  /** The style writes labels: each line and polygon gets an anchor point on its geometry. */
  labels: boolean;
}

export interface RenderRow {
  layer: number;
  fid: number;
  /** GeoJSON geometry text in image pixels, one decimal. */
  geometry: string;
  /** The properties the style reads. */
  props: Record<string, unknown>;
  /** GeoJSON Point text in image pixels, or null. */
  anchor: string | null;
}

function fragment(spec: RenderLayerSpec, column: 'geom' | 'geom_3857'): string {
  const type = spec.geometryType;
  const g = `f.${column}`;
  const drawn =
    type === 'Point' ? g : `ST_ClipByBox2D(ST_Simplify(${g}, t.px / 2, true), ST_Expand(t.e, t.px * ${BUFFER}))`;
  const size =
    type === 'Polygon'
      ? ` and ST_Area(${g}) >= t.px * t.px / 4`
      : type === 'LineString'
        ? ` and ST_Length(${g}) >= t.px / 2`
        : '';
  const pixels = (geom: string) => `ST_TransScale(${geom}, -ST_XMin(t.e), -ST_YMax(t.e), t.sx, -t.sy)`;
  const props = spec.properties.length
    ? `jsonb_build_object(${spec.properties.map(() => '?::text, f.properties -> ?').join(', ')})`
    : `'{}'::jsonb`;
  const anchor =
    spec.labels && type !== 'Point' ? `ST_AsGeoJSON(${pixels(`ST_PointOnSurface(${g})`)}, 1)` : 'null::text';
  return `(select ?::int as layer, f.fid,
      ST_AsGeoJSON(${pixels(drawn)}, 1) as geometry, ${props} as props, ${anchor} as anchor
    from features f, t
    where f.layer_id = ? and ${g} && ST_Expand(t.e, t.px * ${BUFFER})${size}
    order by f.fid
    limit ?)`;
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
    ...layers.flatMap((l, index) => [index, ...l.properties.flatMap((p) => [p, p]), l.id, cap]),
  ];
  const { rows } = await knex.raw<{ rows: RenderRow[] }>(sql, bindings);
  return rows;
}
