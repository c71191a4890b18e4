import type { LayerRecord } from '../catalog/layer-types.js';
import { shortHash } from '../http/etag.js';
import { legendOf, styleLayersOf, type Legend, type StyleLayer } from './style-layers.js';
import { storedRule, type StyleRule } from './style-rule.js';

/**
 * A layer's style as the `style` column stores it: the rule a producer gave, the MapLibre style
 * layers made from it (checked by the style-spec validator when written) and a version that
 * every style change raises (0 for a layer never styled through PUT …/style).
 */
export interface StyleDoc {
  version: number;
  rule: StyleRule;
  layers: StyleLayer[];
}

type Styled = Pick<LayerRecord, 'slug' | 'title' | 'geometryType' | 'style'>;

/** The stored document, or the one an old single-symbol style (color, fillOpacity…) stands for. */
export function styleDocOf(layer: Styled): StyleDoc {
  const s = layer.style;
  const rule = storedRule(s, layer.geometryType);
  const version = typeof s.version === 'number' ? s.version : 0;
  const stored = Array.isArray(s.layers) ? (s.layers as StyleLayer[]) : null;
  return { version, rule, layers: stored ?? styleLayersOf(layer.slug, layer.geometryType, rule) };
}

export function legendOfLayer(layer: Styled): Legend {
  return legendOf(layer, styleDocOf(layer).rule);
}

/** What the `style` column holds after a change to `rule` (the colour is kept at the top for catalog lists). */
export function storedStyle(layer: Pick<LayerRecord, 'slug' | 'geometryType'>, rule: StyleRule, version: number) {
  return {
    version,
    color: rule.symbol.color,
    rule,
    layers: styleLayersOf(layer.slug, layer.geometryType, rule),
  };
}

/** A short hash of a style, for ETags and cache keys of drawn images. */
export function styleHash(layer: Pick<LayerRecord, 'style'>): string {
  return shortHash(JSON.stringify(layer.style));
}

/**
 * The stored style after PATCH /api/layers/{id} sent the old single-symbol keys (color,
 * fillOpacity, width, radius): they change the rule's symbol, keeping its classes and label,
 * and the style version moves on.
 */
export function withSymbol(
  layer: Pick<LayerRecord, 'slug' | 'title' | 'geometryType' | 'style'>,
  change: {
    color?: string | undefined;
    fillOpacity?: number | undefined;
    width?: number | undefined;
    radius?: number | undefined;
  },
) {
  const doc = styleDocOf(layer);
  const defined = Object.fromEntries(Object.entries(change).filter(([, v]) => v !== undefined));
  const symbol = { ...doc.rule.symbol, ...defined, color: (change.color ?? doc.rule.symbol.color).toLowerCase() };
  return storedStyle(layer, { ...doc.rule, symbol }, doc.version + 1);
}
