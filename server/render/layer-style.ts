import type { GeometryType, LayerRecord } from '../catalog/layer-types.js';

/**
 * How a layer is drawn, read from the registry's `style` (the same keys the viewer reads:
 * color, fillOpacity, width, radius) with the viewer's defaults for what is missing. Widths and
 * radii are CSS pixels at 96 dpi; a renderer scales them by its pixel ratio.
 */
export interface Symbolizer {
  kind: 'fill' | 'line' | 'circle';
  /** #rrggbb */
  color: string;
  /** Polygons: opacity of the fill (the outline is opaque); circles are filled at 0.9. */
  fillOpacity: number;
  /** Outline (polygons, circles) or line width. */
  width: number;
  /** Circle radius. */
  radius: number;
}

const HEX = /^#[0-9a-fA-F]{6}$/;
const FALLBACK = '#3182bd';

function num(v: unknown, fallback: number, min: number, max: number): number {
  return typeof v === 'number' && Number.isFinite(v) ? Math.min(max, Math.max(min, v)) : fallback;
}

export function symbolizerOf(layer: Pick<LayerRecord, 'style' | 'geometryType'>): Symbolizer {
  const s = layer.style;
  const color = typeof s.color === 'string' && HEX.test(s.color) ? s.color.toLowerCase() : FALLBACK;
  return {
    kind: kindOf(layer.geometryType),
    color,
    fillOpacity: num(s.fillOpacity, 0.35, 0, 1),
    width: num(s.width, layer.geometryType === 'LineString' ? 2 : 1, 0, 20),
    radius: num(s.radius, 4, 0, 50),
  };
}

function kindOf(type: GeometryType): Symbolizer['kind'] {
  return type === 'Point' ? 'circle' : type === 'LineString' ? 'line' : 'fill';
}

/** One class of a legend: today every layer has one (single symbol), labelled with its title. */
export interface LegendClass {
  label: string;
  symbol: Symbolizer;
}

export interface Legend {
  layer: string;
  title: string;
  geometryType: GeometryType;
  classes: LegendClass[];
}

export function legendOf(layer: LayerRecord): Legend {
  return {
    layer: layer.slug,
    title: layer.title,
    geometryType: layer.geometryType,
    classes: [{ label: layer.title, symbol: symbolizerOf(layer) }],
  };
}
