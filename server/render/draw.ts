import { Path2D, type SKRSContext2D } from '@napi-rs/canvas';
import type { LabelCandidate } from './labels.js';
import { cssColor, numberOf, textOf, type CompiledLayer, type PaintFeature } from './style-paint.js';

type Position = number[];

/**
 * Features of one layer with equal style properties, ready to draw, in image pixels (x right, y
 * down): lines and polygons as SVG path data (Skia reads it into a path in one call, instead of
 * one call per vertex), points as their positions; where labels go (points: the points).
 */
export interface DrawFeature extends PaintFeature {
  svg: string | null;
  points: Position[];
  anchors: Position[];
}

interface FillPaint {
  key: string;
  css: string;
  alpha: number;
}
interface LinePaint extends FillPaint {
  width: number;
  dash: number[];
}

const clamp01 = (v: number) => Math.min(1, Math.max(0, v));

/**
 * Canvas settings from evaluated paint values, worked out once per distinct result: the painter
 * hands back the same array for features of equal paint, so it serves as the key.
 */
function derived<T>(make: (values: unknown[]) => T | null): (values: unknown[]) => T | null {
  const seen = new Map<unknown[], T | null>();
  return (values) => {
    if (seen.has(values)) return seen.get(values) ?? null;
    const d = make(values);
    if (seen.size < 10_000) seen.set(values, d);
    return d;
  };
}

/**
 * Features grouped by their paint, each group in the order of its first feature: one path, one
 * fill or stroke per colour instead of one per feature (a categorized layer alternates colours
 * feature by feature). Features of one layer rarely overlap; where they do, a colour drawn
 * earlier may end beneath one drawn later than in load order.
 */
function groups<T extends { key: string }>(
  features: DrawFeature[],
  paintOf: (f: DrawFeature) => T | null,
): { paint: T; paths: string[] }[] {
  const byKey = new Map<string, { paint: T; paths: string[] }>();
  for (const f of features) {
    const p = f.svg ? paintOf(f) : null;
    if (!p || !f.svg) continue;
    const group = byKey.get(p.key);
    if (group) group.paths.push(f.svg);
    else byKey.set(p.key, { paint: p, paths: [f.svg] });
  }
  return [...byKey.values()];
}

/**
 * Paint of one feature, evaluated once per image when it does not depend on the feature: the
 * key groups consecutive features of equal paint into one path, stroked or filled once.
 */
function painter(layer: CompiledLayer, zoom: number, names: string[]) {
  const fixed = new Map<string, unknown>();
  const probe: PaintFeature = { type: 1, id: 0, properties: {} };
  for (const n of names) if (layer.constant(n)) fixed.set(n, layer.value(n, zoom, probe));
  const evaluate = (f: PaintFeature) => names.map((n) => (fixed.has(n) ? fixed.get(n) : layer.value(n, zoom, f)));
  if (fixed.size === names.length) {
    const once = evaluate(probe);
    return () => once;
  }
  if (!layer.byProperties) return evaluate;
  // Paint that reads only properties is the same for features with the same values: evaluated once per distinct set.
  const seen = new Map<string, unknown[]>();
  return (f: PaintFeature) => {
    const key = JSON.stringify(f.properties);
    let v = seen.get(key);
    if (!v) seen.set(key, (v = evaluate(f)));
    return v;
  };
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
  // Consecutive polygons of equal paint are filled as one path (nonzero: the database orients
  // outer rings and holes oppositely), so overlapping polygons of one colour draw as their union.
  const derive = derived<FillPaint>(([color, opacity]) => {
    const css = cssColor(color);
    return css ? { key: `${css}|${String(opacity)}`, css, alpha: clamp01(numberOf(opacity, 1)) } : null;
  });
  for (const { paint: p, paths } of groups(features, (f) => derive(paint(f)))) {
    ctx.globalAlpha = p.alpha;
    ctx.fillStyle = p.css;
    ctx.fill(new Path2D(paths.join(' ')), 'nonzero');
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
  const derive = derived<LinePaint>(([color, width, opacity, dash]) => {
    const css = cssColor(color);
    const w = numberOf(width, 1) * scale;
    if (!css || w <= 0) return null;
    return {
      key: `${css}|${w}|${String(opacity)}|${JSON.stringify(dash)}`,
      css,
      width: w,
      alpha: clamp01(numberOf(opacity, 1)),
      // Dashes are in line widths, as MapLibre reads them.
      dash: Array.isArray(dash) ? dash.map((d) => numberOf(d, 0) * w) : [],
    };
  });
  for (const { paint: p, paths } of groups(features, (f) => derive(paint(f)))) {
    ctx.strokeStyle = p.css;
    ctx.lineWidth = p.width;
    ctx.globalAlpha = p.alpha;
    ctx.setLineDash(p.dash);
    ctx.stroke(new Path2D(paths.join(' ')));
  }
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
    const points = f.points;
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
    const px = numberOf(size, 16) * scale;
    const off = Array.isArray(offset) ? (offset as number[]).map((o) => numberOf(o, 0) * px) : [0, 0];
    for (const at of f.type === 1 ? f.points : f.anchors)
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
