import type { LayerRecord } from '../catalog/layer-types.js';
import type { Link } from '../http/links.js';

export const GEOJSON = 'application/geo+json';
export const JSON_TYPE = 'application/json';
export const CRS84 = 'http://www.opengis.net/def/crs/OGC/1.3/CRS84';
/** Kota Tangerang, for collections that are still empty. */
const CITY_BBOX: [number, number, number, number] = [106.551454, -6.256101, 106.748623, -6.097069];

/** Conformance classes this server passes (OGC API - Features - Part 1). */
export const CONFORMANCE = [
  'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core',
  'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson',
  'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html',
  'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30',
  'http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables',
  'http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables-query-parameters',
  'http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/filter',
  'http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/features-filter',
  'http://www.opengis.net/spec/cql2/1.0/conf/cql2-text',
  'http://www.opengis.net/spec/cql2/1.0/conf/basic-cql2',
  'http://www.opengis.net/spec/cql2/1.0/conf/advanced-comparison-operators',
  'http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-functions',
  'http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/core',
  'http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/tileset',
  'http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/tilesets-list',
  'http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/geodata-tilesets',
  'http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/mvt',
];

/** One collection per visible layer. */
export function collectionJson(l: LayerRecord, base: string): Record<string, unknown> {
  const self = `${base}/ogc/collections/${encodeURIComponent(l.slug)}`;
  const links: Link[] = [
    { href: self, rel: 'self', type: JSON_TYPE, title: 'Collection' },
    { href: `${self}/items`, rel: 'items', type: GEOJSON, title: 'Features (GeoJSON)' },
    { href: `${self}/tiles`, rel: 'http://www.opengis.net/def/rel/ogc/1.0/tilesets-vector', type: JSON_TYPE, title: 'Vector tiles' },
    { href: `${self}/queryables`, rel: 'http://www.opengis.net/def/rel/ogc/1.0/queryables', type: 'application/schema+json', title: 'Queryables' },
    { href: `${base}/tiles/${encodeURIComponent(l.slug)}.json`, rel: 'describedby', type: JSON_TYPE, title: 'TileJSON' },
    { href: `${base}/api/layers/${encodeURIComponent(l.slug)}`, rel: 'describedby', type: JSON_TYPE, title: 'Satu Data metadata' },
  ];
  return {
    id: l.slug,
    title: l.title,
    description: l.description,
    keywords: l.keywords,
    itemType: 'feature',
    crs: [CRS84],
    storageCrs: CRS84,
    extent: {
      spatial: { bbox: [l.bbox ?? CITY_BBOX], crs: CRS84 },
      ...(l.lastUpdate ? { temporal: { interval: [[`${l.lastUpdate}T00:00:00Z`, null]], trs: 'http://www.opengis.net/def/uom/ISO-8601/0/Gregorian' } } : {}),
    },
    links,
  };
}
