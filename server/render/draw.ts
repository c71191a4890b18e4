import type { SKRSContext2D } from '@napi-rs/canvas';
import type { LabelCandidate } from './labels.js';
import { cssColor, numberOf, textOf, type CompiledLayer, type PaintFeature } from './style-paint.js';

type Position = number[];
export interface PixelGeometry {
  type: string;
  coordinates?: unknown;
  geometries?: PixelGeometry[];
}

/** A feature ready to draw: geometry in image pixels (x right, y down), a label anchor for lines and polygons. */
export interface DrawFeature extends PaintFeature {
  geometry: PixelGeometry;
  anchor: Position | null;
}

function ring(ctx: SKRSContext2D, coords: Position[]): void {
  const first = coords[0];
  if (!first) return;
  ctx.moveTo(first[0] as number, first[1] as number);
  for (let i = 1; i < coords.length; i++) {
    const p = coords[i] as Position;
    ctx.lineTo(p[0] as number, p[1] as number);
  }
}

/** Adds a geometry's outline to the current path; its points are collected instead. */
export function trace(ctx: SKRSContext2D, g: PixelGeometry, points: Position[]): void {
  switch (g.type) {
    case 'Point':
      points.push(g.coordinates as Position);
      return;
    case 'MultiPoint':
      points.push(...(g.coordinates as Position[]));
      return;
    case 'LineString':
      ring(ctx, g.coordinates as Position[]);
      return;
    case 'MultiLineString':
      for (const l of g.coordinates as Position[][]) ring(ctx, l);
      return;
    case 'Polygon':
      for (const r of g.coordinates as Position[][]) {
        ring(ctx, r);
        ctx.closePath();
      }
      return;
    case 'MultiPolygon':
      for (const p of g.coordinates as Position[][][])
        for (const r of p) {
          ring(ctx, r);
          ctx.closePath();
        }
      return;
    case 'GeometryCollection':
      for (const part of g.geometries ?? []) trace(ctx, part, points);
      return;
    default:
      return;
  }
}

function firstPoint(g: PixelGeometry): Position | null {
  if (g.type === 'Point') return g.coordinates as Position;
  if (g.type === 'MultiPoint') return (g.coordinates as Position[])[0] ?? null;
  const part = g.type === 'GeometryCollection' ? g.geometries?.[0] : undefined;
  return part ? firstPoint(part) : null;
}

/**
 * Paint of one feature, evaluated once per image when it does not depend on the feature: the
 * key groups consecutive features of equal paint into one path, stroked or filled once.
 */
function painter(layer: CompiledLayer, zoom: number, names: string[]) {
  const fixed = new Map<string, unknown>();
  const probe: PaintFeature = { type: 1, id: 0, properties: {} };
  for (const n of names) if (layer.constant(n)) fixed.set(n, layer.value(n, zoom, probe));
  return (f: PaintFeature) => names.map((n) => (fixed.has(n) ? fixed.get(n) : layer.value(n, zoom, f)));
}

/**
 * Draws one compiled style layer's features; symbol layers only add label candidates (labels
 * are placed after every layer is drawn). `scale` is the image's pixel ratio, applied to widths,
 * radii and text sizes (CSS pixels in the style).
 */
export function drawStyleLayer(
  ctx: SKRSContext2D,
  layer: CompiledLayer,
  features: DrawFeature[],
  zoom: number,
  scale: number,
  labels: LabelCandidate[],
): void {
  if (zoom < layer.minzoom || zoom >= layer.maxzoom) return;
  const shown = layer.filter ? features.filter((f) => layer.filter?.filter({ zoom }, f as never)) : features;
  ctx.save();
  if (layer.kind === 'fill') drawFills(ctx, layer, shown, zoom);
  else if (layer.kind === 'line') drawLines(ctx, layer, shown, zoom, scale);
  else if (layer.kind === 'circle') drawCircles(ctx, layer, shown, zoom, scale);
  else collectLabels(layer, shown, zoom, scale, labels);
  ctx.restore();
}

function drawFills(ctx: SKRSContext2D, layer: CompiledLayer, features: DrawFeature[], zoom: number): void {
  const paint = painter(layer, zoom, ['fill-color', 'fill-opacity']);
  const none: Position[] = [];
  // Each polygon is filled on its own, so overlapping translucent polygons darken as in the viewer.
  for (const f of features) {
    const [color, opacity] = paint(f);
    const css = cssColor(color);
    if (!css) continue;
    ctx.globalAlpha = Math.min(1, Math.max(0, numberOf(opacity, 1)));
    ctx.fillStyle = css;
    ctx.beginPath();
    trace(ctx, f.geometry, none);
    ctx.fill('evenodd');
  }
}

function drawLines(
  ctx: SKRSContext2D,
  layer: CompiledLayer,
  features: DrawFeature[],
  zoom: number,
  scale: number,
): void {
  const paint = painter(layer, zoom, ['line-color', 'line-width', 'line-opacity', 'line-dasharray']);
  const probe: PaintFeature = { type: 2, id: 0, properties: {} };
  const cap = layer.value('line-cap', zoom, probe);
  const join = layer.value('line-join', zoom, probe);
  ctx.lineCap = cap === 'round' || cap === 'square' ? cap : 'butt';
  ctx.lineJoin = join === 'round' || join === 'bevel' ? join : 'miter';
  const none: Position[] = [];
  let key = '';
  const flush = () => {
    if (key !== '') ctx.stroke();
    key = '';
  };
  for (const f of features) {
    const [color, width, opacity, dash] = paint(f);
    const css = cssColor(color);
    const w = numberOf(width, 1) * scale;
    if (!css || w <= 0) continue;
    const next = `${css}|${w}|${String(opacity)}|${JSON.stringify(dash)}`;
    if (next !== key) {
      flush();
      key = next;
      ctx.strokeStyle = css;
      ctx.lineWidth = w;
      ctx.globalAlpha = Math.min(1, Math.max(0, numberOf(opacity, 1)));
      // Dashes are in line widths, as MapLibre reads them.
      ctx.setLineDash(Array.isArray(dash) ? dash.map((d) => numberOf(d, 0) * w) : []);
      ctx.beginPath();
    }
    trace(ctx, f.geometry, none);
  }
  flush();
}

function drawCircles(
  ctx: SKRSContext2D,
  layer: CompiledLayer,
  features: DrawFeature[],
  zoom: number,
  scale: number,
): void {
  const paint = painter(layer, zoom, [
    'circle-color',
    'circle-radius',
    'circle-opacity',
    'circle-stroke-color',
    'circle-stroke-width',
  ]);
  for (const f of features) {
    const [color, radius, opacity, strokeColor, strokeWidth] = paint(f);
    const points: Position[] = [];
    ctx.beginPath();
    trace(ctx, f.geometry, points);
    const r = numberOf(radius, 5) * scale;
    const fill = cssColor(color);
    const stroke = cssColor(strokeColor);
    const sw = numberOf(strokeWidth, 0) * scale;
    ctx.globalAlpha = Math.min(1, Math.max(0, numberOf(opacity, 1)));
    ctx.beginPath();
    for (const p of points) {
      ctx.moveTo((p[0] as number) + r, p[1] as number);
      ctx.arc(p[0] as number, p[1] as number, r, 0, 2 * Math.PI);
    }
    if (fill) {
      ctx.fillStyle = fill;
      ctx.fill();
    }
    if (stroke && sw > 0) {
      ctx.strokeStyle = stroke;
      ctx.lineWidth = sw;
      ctx.stroke();
    }
  }
}

function collectLabels(
  layer: CompiledLayer,
  features: DrawFeature[],
  zoom: number,
  scale: number,
  labels: LabelCandidate[],
): void {
  const paint = painter(layer, zoom, [
    'text-field',
    'text-size',
    'text-color',
    'text-halo-color',
    'text-halo-width',
    'text-anchor',
    'text-offset',
  ]);
  for (const f of features) {
    const [field, size, color, halo, haloWidth, anchor, offset] = paint(f);
    const text = textOf(field).trim();
    if (text === '') continue;
    const at = f.type === 1 ? firstPoint(f.geometry) : f.anchor;
    if (!at) continue;
    const px = numberOf(size, 16) * scale;
    const off = Array.isArray(offset) ? (offset as number[]).map((o) => numberOf(o, 0) * px) : [0, 0];
    labels.push({
      text,
      x: (at[0] as number) + (off[0] ?? 0),
      y: (at[1] as number) + (off[1] ?? 0),
      size: px,
      color: cssColor(color) ?? '#000000',
      halo: cssColor(halo),
      haloWidth: numberOf(haloWidth, 0) * scale,
      anchor: anchor === 'top' ? 'top' : 'center',
    });
  }
}
