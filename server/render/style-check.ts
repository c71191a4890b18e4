import { validateStyleMin, type StyleSpecification } from '@maplibre/maplibre-gl-style-spec';
import type { LayerRecord } from '../catalog/layer-types.js';
import type { StyleLayer } from './style-layers.js';
import type { StyleRule } from './style-rule.js';

/** One reason a style is refused, with where it is (a body path or a style layer). */
export interface StyleProblem {
  path: string;
  message: string;
}

/**
 * What a rule may not do with this layer: name a field it does not have, classify a field that
 * is not a number, or name a field the layer's vector tiles do not carry (the viewer could not
 * draw it); classes must be distinct and ordered.
 */
export function ruleProblems(layer: Pick<LayerRecord, 'fields' | 'tileFields'>, rule: StyleRule): StyleProblem[] {
  const out: StyleProblem[] = [];
  const fields = new Map(layer.fields.map((f) => [f.name, f.type]));
  const tiled = layer.tileFields === null ? null : new Set(layer.tileFields);
  const checkField = (path: string, name: string, numeric: boolean) => {
    const type = fields.get(name);
    if (type === undefined) {
      out.push({
        path,
        message: `the layer has no field "${name}"; its fields: ${[...fields.keys()].join(', ') || 'none'}`,
      });
      return;
    }
    if (numeric && type !== 'integer' && type !== 'number')
      out.push({ path, message: `"${name}" is a ${type} field; graduated classes need an integer or number field` });
    if (tiled && !tiled.has(name))
      out.push({
        path,
        message: `"${name}" is not among the layer's tileFields, so the viewer's tiles do not carry it; add it there first`,
      });
  };
  if (rule.kind !== 'single') checkField('property', rule.property, rule.kind === 'graduated');
  if (rule.label) checkField('label.property', rule.label.property, false);
  if (rule.minZoom !== null && rule.maxZoom !== null && rule.minZoom > rule.maxZoom)
    out.push({ path: 'minZoom', message: `minZoom (${rule.minZoom}) is above maxZoom (${rule.maxZoom})` });
  if (rule.kind === 'categorized') {
    const seen = new Set<string>();
    rule.classes.forEach((c, i) => {
      const key = JSON.stringify(c.value);
      if (seen.has(key)) out.push({ path: `classes.${i}.value`, message: `the value ${key} has a class already` });
      seen.add(key);
    });
  }
  if (rule.kind === 'graduated') {
    const sorted = [...rule.classes].sort((a, b) => a.min - b.min);
    sorted.forEach((c, i) => {
      if (c.min > c.max) out.push({ path: 'classes', message: `a class runs from ${c.min} down to ${c.max}` });
      const next = sorted[i + 1];
      if (next && next.min < c.max)
        out.push({ path: 'classes', message: `the classes ${c.min}–${c.max} and ${next.min}–${next.max} overlap` });
    });
  }
  return out;
}

/** The style layers checked by MapLibre's own style-spec validator, as the viewer would read them. */
export function layerProblems(layers: StyleLayer[]): StyleProblem[] {
  const style = {
    version: 8,
    glyphs: 'https://example.invalid/glyphs/{fontstack}/{range}.pbf',
    sources: { satupeta: { type: 'vector', tiles: ['https://example.invalid/{z}/{x}/{y}.mvt'] } },
    layers: layers.map((l) => ({ ...l, source: 'satupeta' })),
  } as unknown as StyleSpecification;
  return validateStyleMin(style).map((e) => ({ path: 'layers', message: e.message }));
}
