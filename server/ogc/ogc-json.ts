import type { LayerRecord } from '../catalog/layer-types.js';
import type { Link } from '../http/links.js';

export const GEOJSON = 'application/geo+json';
export const JSON_TYPE = 'application/json';
export const HTML = 'text/html';
export const OPENAPI_TYPE = 'application/vnd.oai.openapi+json;version=3.0';
export const CRS84 = 'http://www.opengis.net/def/crs/OGC/1.3/CRS84';
/** Kota Tangerang, for collections that are still empty. */
const CITY_BBOX: [number, number, number, number] = [106.551454, -6.256101, 106.748623, -6.097069];

/** Conformance classes this server passes (each is exercised in tests/api-ogc*.test.ts). */
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
  'http://www.opengis.net/spec/cql2/1.0/conf/cql2-json',
  'http://www.opengis.net/spec/cql2/1.0/conf/basic-cql2',
  'http://www.opengis.net/spec/cql2/1.0/conf/advanced-comparison-operators',
  'http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-functions',
  'http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-functions-plus',
  'http://www.opengis.net/spec/cql2/1.0/conf/spatial-functions',
  'http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/core',
  'http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/tileset',
  'http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/tilesets-list',
  'http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/geodata-tilesets',
  'http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/mvt',
];

/** The same resource as HTML: its URL with f=html. */
export function htmlAlternate(href: string, title = 'This page as HTML'): Link {
  const u = new URL(href);
  u.searchParams.set('f', 'html');
  return { href: u.toString(), rel: 'alternate', type: HTML, title };
}

/** One collection per visible layer. The temporal extent is the data's, only where it has time. */
export function collectionJson(l: LayerRecord, base: string): Record<string, unknown> {
  const self = `${base}/ogc/collections/${encodeURIComponent(l.slug)}`;
  const links: Link[] = [
    { href: self, rel: 'self', type: JSON_TYPE, title: 'Collection' },
    htmlAlternate(self),
    { href: `${self}/items`, rel: 'items', type: GEOJSON, title: 'Features (GeoJSON)' },
    {
      href: `${self}/tiles`,
      rel: 'http://www.opengis.net/def/rel/ogc/1.0/tilesets-vector',
      type: JSON_TYPE,
      title: 'Vector tiles',
    },
    {
      href: `${self}/queryables`,
      rel: 'http://www.opengis.net/def/rel/ogc/1.0/queryables',
      type: 'application/schema+json',
      title: 'Queryables',
    },
    {
      href: `${base}/tiles/${encodeURIComponent(l.slug)}.json`,
      rel: 'describedby',
      type: JSON_TYPE,
      title: 'TileJSON',
    },
    {
      href: `${base}/api/layers/${encodeURIComponent(l.slug)}`,
      rel: 'describedby',
      type: JSON_TYPE,
      title: 'Satu Data metadata',
    },
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
      ...(l.timeExtent
        ? {
            temporal: {
              interval: [[`${l.timeExtent[0]}T00:00:00Z`, `${l.timeExtent[1]}T23:59:59Z`]],
              trs: 'http://www.opengis.net/def/uom/ISO-8601/0/Gregorian',
            },
          }
        : {}),
    },
    links,
  };
}

const FIELD_SCHEMA: Record<string, object> = {
  string: { type: 'string' },
  integer: { type: 'integer' },
  number: { type: 'number' },
  boolean: { type: 'boolean' },
  date: { type: 'string', format: 'date' },
};
const GEOMETRY_FORMAT = {
  Point: 'geometry-point-or-multipoint',
  LineString: 'geometry-linestring-or-multilinestring',
  Polygon: 'geometry-polygon-or-multipolygon',
};

/** JSON Schema of a property, as queryables and the OpenAPI parameters describe it. */
export function fieldSchema(type: string): object {
  return FIELD_SCHEMA[type] ?? { type: 'string' };
}

/** Queryables (Part 3): every registered property and the geometry, nothing else (unknown = 400). */
export function queryablesJson(l: LayerRecord, id: string): Record<string, unknown> {
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: id,
    type: 'object',
    title: l.title,
    properties: {
      geometry: { title: 'Geometri', format: GEOMETRY_FORMAT[l.geometryType], 'x-ogc-role': 'primary-geometry' },
      ...Object.fromEntries(l.fields.map((f) => [f.name, { title: f.name, ...fieldSchema(f.type) }])),
    },
    additionalProperties: false,
  };
}
