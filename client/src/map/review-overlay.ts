import type { FeatureCollection } from 'geojson';
import type { AddLayerObject, GeoJSONSource, Map as MlMap } from 'maplibre-gl';

const SOURCE = 'review-diff';
/** Colours of a draft's changes: what it adds, removes and changes against the published version. */
export const CHANGE_COLORS: Record<string, string> = { added: '#16a34a', removed: '#dc2626', changed: '#ea580c' };
const COLOR = [
  'match',
  ['get', '_change'],
  'added',
  CHANGE_COLORS.added,
  'removed',
  CHANGE_COLORS.removed,
  '#ea580c',
] as unknown as string;

/** Polygons filled, their outlines and lines drawn, points as dots: each in the colour of its change. */
const LAYERS = [
  {
    id: 'review-diff-fill',
    type: 'fill',
    filter: ['==', ['geometry-type'], 'Polygon'],
    paint: { 'fill-color': COLOR, 'fill-opacity': 0.3 },
  },
  {
    id: 'review-diff-line',
    type: 'line',
    filter: ['!=', ['geometry-type'], 'Point'],
    paint: { 'line-color': COLOR, 'line-width': 2.5 },
  },
  {
    id: 'review-diff-point',
    type: 'circle',
    filter: ['==', ['geometry-type'], 'Point'],
    paint: { 'circle-radius': 6, 'circle-color': COLOR, 'circle-stroke-color': '#ffffff', 'circle-stroke-width': 1.5 },
  },
];

/**
 * The features a draft changes, drawn over every layer while walidata reviews it: added green,
 * removed red, changed orange. One GeoJSON source, replaced per review.
 */
export function showReviewDiff(map: MlMap, fc: FeatureCollection): void {
  const source = map.getSource<GeoJSONSource>(SOURCE);
  if (source) {
    void source.setData(fc);
    return;
  }
  map.addSource(SOURCE, { type: 'geojson', data: fc });
  for (const layer of LAYERS) map.addLayer({ ...layer, source: SOURCE } as AddLayerObject);
}

export function clearReviewDiff(map: MlMap): void {
  for (const { id } of LAYERS) if (map.getLayer(id)) map.removeLayer(id);
  if (map.getSource(SOURCE)) map.removeSource(SOURCE);
}
