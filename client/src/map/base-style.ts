import type { StyleSpecification } from 'maplibre-gl';

export const FONT = ['Noto Sans Regular'];
export const FONT_BOLD = ['Noto Sans Bold'];

/**
 * The offline basemap: Kota Tangerang, its kecamatan and kelurahan from our own API, labelled
 * with glyphs served by our own server. Nothing is fetched from another host.
 */
export function baseStyle(origin: string): StyleSpecification {
  return {
    version: 8,
    glyphs: `${origin}/glyphs/{fontstack}/{range}.pbf`,
    sources: {
      districts: { type: 'geojson', data: `${origin}/api/districts?format=geojson`, promoteId: 'code' },
      'district-labels': { type: 'geojson', data: `${origin}/api/districts?format=geojson&geometry=label` },
      highlight: { type: 'geojson', data: { type: 'FeatureCollection', features: [] } },
      point: { type: 'geojson', data: { type: 'FeatureCollection', features: [] } },
    },
    layers: [
      { id: 'background', type: 'background', paint: { 'background-color': '#e8eef1' } },
      {
        id: 'kota-fill',
        type: 'fill',
        source: 'districts',
        filter: ['==', ['get', 'level'], 'kota'],
        paint: { 'fill-color': '#fbfaf6' },
      },
      {
        id: 'kelurahan-line',
        type: 'line',
        source: 'districts',
        filter: ['==', ['get', 'level'], 'kelurahan'],
        minzoom: 11,
        paint: { 'line-color': '#9aa5ab', 'line-width': 0.6, 'line-dasharray': [2, 2] },
      },
      {
        id: 'kecamatan-line',
        type: 'line',
        source: 'districts',
        filter: ['==', ['get', 'level'], 'kecamatan'],
        paint: { 'line-color': '#6b7a83', 'line-width': 1.3 },
      },
      {
        id: 'kota-line',
        type: 'line',
        source: 'districts',
        filter: ['==', ['get', 'level'], 'kota'],
        paint: { 'line-color': '#38444b', 'line-width': 2.2 },
      },
      {
        id: 'highlight-fill',
        type: 'fill',
        source: 'highlight',
        paint: { 'fill-color': '#f59e0b', 'fill-opacity': 0.12 },
      },
      { id: 'highlight-line', type: 'line', source: 'highlight', paint: { 'line-color': '#d97706', 'line-width': 3 } },
    ],
  };
}

/** Labels and the boundary-check point go on top of the data layers. */
export const overlayLayers: StyleSpecification['layers'] = [
  {
    id: 'kelurahan-label',
    type: 'symbol',
    source: 'district-labels',
    filter: ['==', ['get', 'level'], 'kelurahan'],
    minzoom: 12.5,
    layout: { 'text-field': ['get', 'name'], 'text-font': FONT, 'text-size': 11 },
    paint: { 'text-color': '#4b5563', 'text-halo-color': '#ffffff', 'text-halo-width': 1.2 },
  },
  {
    id: 'kecamatan-label',
    type: 'symbol',
    source: 'district-labels',
    filter: ['==', ['get', 'level'], 'kecamatan'],
    maxzoom: 14,
    layout: {
      'text-field': ['upcase', ['get', 'name']],
      'text-font': FONT_BOLD,
      'text-size': 12,
      'text-letter-spacing': 0.08,
    },
    paint: { 'text-color': '#1f2937', 'text-halo-color': '#ffffff', 'text-halo-width': 1.5 },
  },
  {
    id: 'point-circle',
    type: 'circle',
    source: 'point',
    paint: { 'circle-radius': 6, 'circle-color': '#dc2626', 'circle-stroke-color': '#fff', 'circle-stroke-width': 2 },
  },
];
