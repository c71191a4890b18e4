import {
  Color,
  featureFilter,
  latest,
  normalizePropertyExpression,
  type FeatureFilter,
  type StylePropertyExpression,
  type StylePropertySpecification,
} from '@maplibre/maplibre-gl-style-spec';
import type { StyleLayer } from './style-layers.js';

/**
 * MapLibre style layers made ready for the server renderer: filters and paint/layout properties
 * compiled once with MapLibre's own expression engine, so a feature gets the colour, width or
 * label it gets in the viewer. Only what our styles use is drawn: fill, line, circle and symbol
 * (text) layers.
 */
export type PaintKind = 'fill' | 'line' | 'circle' | 'symbol';

export interface PaintFeature {
  /** 1 point, 2 line, 3 polygon: as MapLibre filters see a feature. */
  type: 1 | 2 | 3;
  id: number;
  properties: Record<string, unknown>;
}

export interface CompiledLayer {
  kind: PaintKind;
  minzoom: number;
  maxzoom: number;
  filter: FeatureFilter | null;
  /** A paint or layout property's value for a feature at a zoom. */
  value(name: string, zoom: number, feature: PaintFeature): unknown;
  /** True when the property does not depend on the feature (evaluate it once per image). */
  constant(name: string): boolean;
  /** Its expressions read feature properties only (not the feature's id or geometry type). */
  byProperties: boolean;
}

const KINDS = new Set<string>(['fill', 'line', 'circle', 'symbol']);

function compile(layer: StyleLayer): CompiledLayer | null {
  if (!KINDS.has(layer.type)) return null;
  const kind = layer.type as PaintKind;
  const paint = (layer.paint ?? {}) as Record<string, unknown>;
  const layout = (layer.layout ?? {}) as Record<string, unknown>;
  const specs = {
    ...(latest[`layout_${kind}` as keyof typeof latest] as Record<string, StylePropertySpecification>),
    ...(latest[`paint_${kind}` as keyof typeof latest] as Record<string, StylePropertySpecification>),
  };
  const compiled = new Map<string, StylePropertyExpression>();
  const expression = (name: string): StylePropertyExpression | null => {
    const known = compiled.get(name);
    if (known) return known;
    const spec = specs[name];
    if (!spec) return null;
    const raw = paint[name] ?? layout[name] ?? (spec as { default?: unknown }).default;
    if (raw === undefined) return null;
    const e = normalizePropertyExpression(raw as never, name, spec);
    compiled.set(name, e);
    return e;
  };
  const text = JSON.stringify([layer.filter, paint, layout]);
  return {
    kind,
    byProperties: !text.includes('["id"]') && !text.includes('["geometry-type"]'),
    minzoom: typeof layer.minzoom === 'number' ? layer.minzoom : 0,
    maxzoom: typeof layer.maxzoom === 'number' ? layer.maxzoom : 24,
    filter: layer.filter === undefined ? null : featureFilter(layer.filter as never, 'filter'),
    value(name, zoom, feature) {
      const e = expression(name);
      return e ? (e.evaluate({ zoom }, feature) as unknown) : undefined;
    },
    constant(name) {
      const e = expression(name);
      return !e || e.kind === 'constant' || e.kind === 'camera';
    },
  };
}

/** Compiled layers of a style, remembered by the style's text (a style changes rarely; images are drawn often). */
const cache = new Map<string, CompiledLayer[]>();
const CACHE_MAX = 500;

export function compileStyle(layers: StyleLayer[]): CompiledLayer[] {
  const key = JSON.stringify(layers);
  const hit = cache.get(key);
  if (hit) return hit;
  const out = layers.map(compile).filter((c): c is CompiledLayer => c !== null);
  if (cache.size >= CACHE_MAX) cache.delete(cache.keys().next().value as string);
  cache.set(key, out);
  return out;
}

/** The names of the feature properties a style reads (`["get", name]` anywhere in it). */
export function propertiesRead(layers: StyleLayer[]): string[] {
  const names = new Set<string>();
  const walk = (v: unknown): void => {
    if (!Array.isArray(v)) {
      if (v && typeof v === 'object') for (const x of Object.values(v)) walk(x);
      return;
    }
    if (v[0] === 'get' && typeof v[1] === 'string' && v.length === 2) names.add(v[1]);
    for (const x of v) walk(x);
  };
  for (const l of layers) walk([l.filter, l.paint, l.layout]);
  return [...names];
}

/** A style colour value (MapLibre's Color, premultiplied) as CSS, or null for none. */
export function cssColor(v: unknown): string | null {
  return v instanceof Color && v.a > 0 ? v.toString() : null;
}

export function numberOf(v: unknown, fallback: number): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : fallback;
}

/** The text of a `text-field` value (a Formatted of sections, or a plain string). */
export function textOf(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v && typeof v === 'object' && 'sections' in v)
    return (v as { sections: { text: string }[] }).sections.map((s) => s.text).join('');
  return '';
}
