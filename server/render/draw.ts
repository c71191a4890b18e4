import type { SKRSContext2D } from '@napi-rs/canvas';
import type { Symbolizer } from './layer-style.js';

type Position = number[];
interface PixelGeometry {
  type: string;
  coordinates?: unknown;
  geometries?: PixelGeometry[];
}

/** #rrggbb and an opacity as a CSS colour. */
export function rgba(hex: string, alpha: number): string {
  const n = Number.parseInt(hex.slice(1), 16);
  return `rgba(${(n >> 16) & 255},${(n >> 8) & 255},${n & 255},${alpha})`;
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

/** Adds a pixel-space geometry's outline to the current path; points are collected instead. */
function trace(ctx: SKRSContext2D, g: PixelGeometry, points: Position[]): void {
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

/**
 * Draws one layer's geometries (GeoJSON texts in image pixels) with its symbolizer; `scale` is
 * the image's pixel ratio (2 for a 192 dpi image), applied to widths and radii.
 */
export function drawLayer(ctx: SKRSContext2D, geometries: string[], sym: Symbolizer, scale: number): void {
  ctx.lineJoin = 'round';
  ctx.lineCap = 'round';
  ctx.strokeStyle = sym.color;
  ctx.lineWidth = Math.max(sym.width * scale, 0.5);
  const points: Position[] = [];
  if (sym.kind === 'fill') {
    // Each polygon is filled on its own, so overlapping translucent polygons darken as they do
    // on the viewer's map; outlines are one path, stroked once.
    ctx.fillStyle = rgba(sym.color, sym.fillOpacity);
    const outline: PixelGeometry[] = [];
    for (const text of geometries) {
      const g = JSON.parse(text) as PixelGeometry;
      outline.push(g);
      if (sym.fillOpacity <= 0) continue;
      ctx.beginPath();
      trace(ctx, g, points);
      ctx.fill('evenodd');
    }
    if (sym.width > 0) {
      ctx.beginPath();
      for (const g of outline) trace(ctx, g, points);
      ctx.stroke();
    }
    return;
  }
  ctx.beginPath();
  for (const text of geometries) trace(ctx, JSON.parse(text) as PixelGeometry, points);
  if (sym.kind === 'line') {
    ctx.stroke();
    return;
  }
  const r = sym.radius * scale;
  ctx.fillStyle = rgba(sym.color, 0.9);
  ctx.strokeStyle = '#ffffff';
  ctx.lineWidth = Math.max(scale, 0.5);
  ctx.beginPath();
  for (const p of points) {
    ctx.moveTo((p[0] as number) + r, p[1] as number);
    ctx.arc(p[0] as number, p[1] as number, r, 0, 2 * Math.PI);
  }
  ctx.fill();
  ctx.stroke();
}
