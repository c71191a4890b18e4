import type { LayerRecord } from '../catalog/layer-types.js';
import { styleDocOf } from '../render/style-doc.js';
import { NO_DATA_COLOR } from '../render/style-layers.js';
import type { StyleRule, Symbol } from '../render/style-rule.js';
import { scaleOfZoom } from '../render/style-sld.js';
import type { EsriField } from './esri-fields.js';

/**
 * A layer's stored style rule as GeoServices drawingInfo: a single symbol is a `simple` renderer,
 * categories a `uniqueValue` renderer (the "other" colour its default symbol), classes a
 * `classBreaks` renderer (the no-data colour its default symbol), the label a labelingInfo
 * class. Sizes are points (our CSS pixels × 0.75); colours [r, g, b, alpha 0–255].
 *
 * Class edges differ by one value: our classes run from their min up to (not including) the next
 * class's min, ArcGIS classes from above the previous break up to and including their own, so a
 * value exactly on a break takes the lower class in ArcGIS clients and the upper one in ours.
 */
type Json = Record<string, unknown>;

const pt = (px: number) => Math.round(px * 0.75 * 100) / 100;

function rgba(hex: string, alpha = 1): number[] {
  const n = Number.parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255, Math.round(alpha * 255)];
}

function line(color: string, s: Symbol): Json {
  return {
    type: 'esriSLS',
    style: s.dash ? 'esriSLSDash' : 'esriSLSSolid',
    color: rgba(color),
    width: pt(s.width),
  };
}

function symbol(geometryType: LayerRecord['geometryType'], s: Symbol, color: string): Json {
  if (geometryType === 'Polygon')
    return {
      type: 'esriSFS',
      style: 'esriSFSSolid',
      color: rgba(color, s.fillOpacity),
      outline: s.width > 0 ? line(s.outlineColor ?? color, s) : null,
    };
  if (geometryType === 'LineString') return line(color, s);
  return {
    type: 'esriSMS',
    style: 'esriSMSCircle',
    color: rgba(color),
    size: pt(s.radius * 2),
    angle: 0,
    xoffset: 0,
    yoffset: 0,
    outline: { type: 'esriSLS', style: 'esriSLSSolid', color: rgba(s.outlineColor ?? '#ffffff'), width: pt(1) },
  };
}

function renderer(l: LayerRecord, r: StyleRule, fields: EsriField[]): Json {
  const draw = (color: string) => symbol(l.geometryType, r.symbol, color);
  if (r.kind === 'single') return { type: 'simple', symbol: draw(r.symbol.color), label: l.title, description: '' };
  const field = fields.find((f) => f.property === r.property);
  // A rule on a field the layer no longer has draws everything in its base colour.
  if (!field) return { type: 'simple', symbol: draw(r.symbol.color), label: l.title, description: '' };
  if (r.kind === 'categorized')
    return {
      type: 'uniqueValue',
      field1: field.name,
      field2: null,
      field3: null,
      fieldDelimiter: ',',
      defaultSymbol: draw(r.symbol.color),
      defaultLabel: r.otherLabel,
      uniqueValueInfos: r.classes.map((c) => ({
        // Attributes carry booleans as 1/0.
        value: typeof c.value === 'boolean' ? (c.value ? '1' : '0') : String(c.value),
        label: c.label,
        description: '',
        symbol: draw(c.color),
      })),
    };
  const sorted = [...r.classes].sort((a, b) => a.min - b.min);
  return {
    type: 'classBreaks',
    field: field.name,
    classificationMethod: 'esriClassifyManual',
    minValue: sorted[0]?.min ?? 0,
    defaultSymbol: draw(NO_DATA_COLOR),
    defaultLabel: 'Tidak ada data',
    classBreakInfos: sorted.map((c, i) => ({
      classMinValue: c.min,
      classMaxValue: sorted[i + 1]?.min ?? c.max,
      label: c.label,
      description: '',
      symbol: draw(c.color),
    })),
  };
}

function labeling(l: LayerRecord, r: StyleRule, fields: EsriField[]): Json[] | null {
  const label = r.label;
  const field = label && fields.find((f) => f.property === label.property);
  if (!label || !field) return null;
  return [
    {
      labelExpressionInfo: { expression: `$feature["${field.name}"]` },
      labelExpression: `[${field.name}]`,
      useCodedValues: false,
      labelPlacement:
        l.geometryType === 'LineString'
          ? 'esriServerLinePlacementAboveAlong'
          : l.geometryType === 'Polygon'
            ? 'esriServerPolygonPlacementAlwaysHorizontal'
            : 'esriServerPointLabelPlacementBelowCenter',
      minScale: scaleOfZoom(label.minZoom ?? r.minZoom ?? 0),
      maxScale: 0,
      symbol: {
        type: 'esriTS',
        color: rgba(label.color),
        haloColor: rgba(label.haloColor),
        haloSize: pt(label.haloWidth),
        font: { family: 'Noto Sans', size: pt(label.size), style: 'normal', weight: 'normal' },
        horizontalAlignment: 'center',
        verticalAlignment: 'middle',
      },
    },
  ];
}

/** drawingInfo, and the scale range the style draws in (minScale 0 / maxScale 0: no limit). */
export function drawingInfo(
  l: LayerRecord,
  fields: EsriField[],
): { drawingInfo: Json; minScale: number; maxScale: number } {
  const r = styleDocOf(l).rule;
  const labels = labeling(l, r, fields);
  return {
    drawingInfo: { renderer: renderer(l, r, fields), transparency: 0, labelingInfo: labels },
    minScale: r.minZoom === null ? 0 : scaleOfZoom(r.minZoom),
    maxScale: r.maxZoom === null ? 0 : scaleOfZoom(r.maxZoom),
  };
}
