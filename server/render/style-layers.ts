import type { GeometryType } from '../catalog/layer-types.js';
import type { StyleRule, Symbol } from './style-rule.js';

/**
 * A rule as MapLibre style layers (style spec v8), the form every surface draws: the viewer and
 * any MapLibre client through /styles/{layers}.json, and the server renderer (style-paint.ts),
 * which evaluates the same expressions. Layers carry no `source`; `source-layer` is the layer id,
 * as in our vector tiles. Ids are `<layer id>:<n>`.
 */
export type StyleLayer = Record<string, unknown> & { id: string; type: string };

export const LABEL_FONT = 'Noto Sans Regular';
/** Features whose property is missing, or not a number in a graduated rule. */
export const NO_DATA_COLOR = '#bdbdbd';

/** The colour of a feature as an expression: one colour, a case per category, or steps of a numeric property. */
function colorExpression(rule: StyleRule): unknown {
  if (rule.kind === 'single') return rule.symbol.color;
  const get = ['get', rule.property];
  if (rule.kind === 'categorized') {
    const cases = rule.classes.flatMap((c) => [['==', get, c.value], c.color]);
    return ['case', ...cases, rule.symbol.color];
  }
  const sorted = [...rule.classes].sort((a, b) => a.min - b.min);
  const first = sorted[0];
  if (!first) return rule.symbol.color;
  // A value below the first class takes the first colour, one above the last the last colour.
  const steps = sorted.slice(1).flatMap((c) => [c.min, c.color]);
  const step = steps.length > 0 ? ['step', get, first.color, ...steps] : first.color;
  return ['case', ['==', ['typeof', get], 'number'], step, NO_DATA_COLOR];
}

function zoomRange(rule: StyleRule): Record<string, number> {
  return {
    ...(rule.minZoom !== null ? { minzoom: rule.minZoom } : {}),
    ...(rule.maxZoom !== null ? { maxzoom: rule.maxZoom } : {}),
  };
}

/** The style layers of one data layer, bottom to top. */
export function styleLayersOf(slug: string, geometryType: GeometryType, rule: StyleRule): StyleLayer[] {
  const color = colorExpression(rule);
  const s = rule.symbol;
  const base = { 'source-layer': slug, metadata: { layer: slug }, ...zoomRange(rule) };
  const out: StyleLayer[] = [];
  const id = () => `${slug}:${out.length}`;
  if (geometryType === 'Polygon') {
    out.push({ id: id(), type: 'fill', ...base, paint: { 'fill-color': color, 'fill-opacity': s.fillOpacity } });
    if (s.width > 0)
      out.push({
        id: id(),
        type: 'line',
        ...base,
        layout: { 'line-join': 'round' },
        paint: { 'line-color': s.outlineColor ?? color, 'line-width': s.width, ...dash(s) },
      });
  } else if (geometryType === 'LineString') {
    out.push({
      id: id(),
      type: 'line',
      ...base,
      layout: { 'line-cap': s.dash ? 'butt' : 'round', 'line-join': 'round' },
      paint: { 'line-color': color, 'line-width': s.width, ...dash(s) },
    });
  } else {
    out.push({
      id: id(),
      type: 'circle',
      ...base,
      paint: {
        'circle-color': color,
        'circle-radius': s.radius,
        'circle-stroke-color': s.outlineColor ?? '#ffffff',
        'circle-stroke-width': 1,
      },
    });
  }
  const l = rule.label;
  if (l) {
    out.push({
      id: id(),
      type: 'symbol',
      ...base,
      ...(l.minZoom !== undefined ? { minzoom: Math.max(l.minZoom, rule.minZoom ?? 0) } : {}),
      layout: {
        'text-field': ['to-string', ['get', l.property]],
        'text-font': [LABEL_FONT],
        'text-size': l.size,
        'symbol-placement': geometryType === 'LineString' ? 'line' : 'point',
        ...(geometryType === 'Point' ? { 'text-anchor': 'top', 'text-offset': [0, 0.6] } : {}),
        'text-max-width': 8,
      },
      paint: { 'text-color': l.color, 'text-halo-color': l.haloColor, 'text-halo-width': l.haloWidth },
    });
  }
  return out;
}

function dash(s: Symbol): Record<string, unknown> {
  return s.dash ? { 'line-dasharray': s.dash } : {};
}

/** One class of a legend: its label and the symbol drawn for it. */
export interface LegendClass {
  label: string;
  symbol: Symbol & { kind: 'fill' | 'line' | 'circle' };
  /** categorized: the value; graduated: the range; absent for a single symbol and "other". */
  value?: string | number | boolean;
  min?: number;
  max?: number;
}

export interface Legend {
  layer: string;
  title: string;
  geometryType: GeometryType;
  kind: StyleRule['kind'];
  property: string | null;
  classes: LegendClass[];
}

const kindOf = (t: GeometryType): LegendClass['symbol']['kind'] =>
  t === 'Point' ? 'circle' : t === 'LineString' ? 'line' : 'fill';

export function legendOf(layer: { slug: string; title: string; geometryType: GeometryType }, rule: StyleRule): Legend {
  const kind = kindOf(layer.geometryType);
  const sym = (color: string) => ({ ...rule.symbol, color, kind });
  const head = { layer: layer.slug, title: layer.title, geometryType: layer.geometryType, kind: rule.kind };
  if (rule.kind === 'single')
    return { ...head, property: null, classes: [{ label: layer.title, symbol: sym(rule.symbol.color) }] };
  if (rule.kind === 'categorized')
    return {
      ...head,
      property: rule.property,
      classes: [
        ...rule.classes.map((c) => ({ label: c.label, symbol: sym(c.color), value: c.value })),
        { label: rule.otherLabel, symbol: sym(rule.symbol.color) },
      ],
    };
  return {
    ...head,
    property: rule.property,
    classes: [...rule.classes]
      .sort((a, b) => a.min - b.min)
      .map((c) => ({ label: c.label, symbol: sym(c.color), min: c.min, max: c.max })),
  };
}
