import type { FeatureCollection } from 'geojson';
import type { AddLayerObject, Map as MlMap } from 'maplibre-gl';

const DIFF = 'review-diff';
const DRAFT = 'review-draft';
/** Colours of a draft's changes: what it adds, removes and changes against the published version. */
export const CHANGE_COLORS: Record<string, string> = { added: '#16a34a', removed: '#dc2626', changed: '#ea580c' };
/** The whole draft, beneath its changes. */
export const DRAFT_COLOR = '#64748b';
const CHANGE = [
  'match',
  ['get', '_change'],
  'added',
  CHANGE_COLORS.added,
  'removed',
  CHANGE_COLORS.removed,
  '#ea580c',
] as unknown as string;

/** Polygons filled, their outlines and lines drawn, points as dots, in one colour (or colour expression). */
function layersOf(prefix: string, color: string, extra: Record<string, unknown> = {}) {
  return [
    {
      id: `${prefix}-fill`,
      type: 'fill',
      filter: ['==', ['geometry-type'], 'Polygon'],
      paint: { 'fill-color': color, 'fill-opacity': 0.3 },
      ...extra,
    },
    {
      id: `${prefix}-line`,
      type: 'line',
      filter: ['!=', ['geometry-type'], 'Point'],
      paint: { 'line-color': color, 'line-width': 2.5 },
      ...extra,
    },
    {
      id: `${prefix}-point`,
      type: 'circle',
      filter: ['==', ['geometry-type'], 'Point'],
      paint: {
        'circle-radius': 6,
        'circle-color': color,
        'circle-stroke-color': '#ffffff',
        'circle-stroke-width': 1.5,
      },
      ...extra,
    },
  ];
}

/**
 * A draft under review, drawn over every layer: the whole draft in grey, from its own tiles
 * (`/tiles/{id}.json?version=draft`, read with the signed-in token), and above it the features it
 * changes against the published version: added green, removed red, changed orange.
 */
export function showReviewDiff(map: MlMap, slug: string, fc: FeatureCollection): void {
  clearReviewDiff(map);
  map.addSource(DRAFT, { type: 'vector', url: `/tiles/${encodeURIComponent(slug)}.json?version=draft` });
  for (const layer of layersOf(DRAFT, DRAFT_COLOR, { 'source-layer': slug }))
    map.addLayer({ ...layer, source: DRAFT } as AddLayerObject);
  map.addSource(DIFF, { type: 'geojson', data: fc });
  for (const layer of layersOf(DIFF, CHANGE)) map.addLayer({ ...layer, source: DIFF } as AddLayerObject);
}

export function clearReviewDiff(map: MlMap): void {
  for (const prefix of [DIFF, DRAFT]) {
    for (const { id } of layersOf(prefix, '')) if (map.getLayer(id)) map.removeLayer(id);
    if (map.getSource(prefix)) map.removeSource(prefix);
  }
}
