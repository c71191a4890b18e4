import type { LayerRecord } from '../catalog/layer-types.js';
import { OPENAPI_ERROR_RESPONSE } from '../http/error-codes.js';
import type { LimitPolicy } from '../features/feature-query.js';
import { CRS84, fieldSchema } from './ogc-json.js';

type Param = Record<string, unknown>;
const ref = (name: string) => ({ $ref: `#/components/parameters/${name}` });
const ok = (description: string, type: string) => ({
  200: { description, content: { [type]: {} } },
  default: { $ref: '#/components/responses/Error' },
});
const ITEMS_PARAMS = [
  'collectionId',
  'limit',
  'bbox',
  'bbox-crs',
  'datetime',
  'filter',
  'filter-lang',
  'filter-crs',
  'sortby',
  'properties',
  'offset',
  'after',
  'f',
];

/**
 * OpenAPI 3.0 of /ogc alone, as OGC API Features clients read it: paths relative to /ogc (the
 * server URL), shared parameters under components.parameters, and one items path per visible
 * collection listing its queryables as query parameters (GDAL pushes `-where prop = 'x'` only for
 * parameters named there; it reads paths["/collections/{id}/items"] literally).
 */
export function ogcOpenApi(base: string, layers: LayerRecord[], limits: LimitPolicy): Record<string, unknown> {
  const parameters: Record<string, Param> = {
    collectionId: {
      name: 'collectionId',
      in: 'path',
      required: true,
      description: 'Collection id (the layer id)',
      schema: { type: 'string' },
    },
    featureId: { name: 'featureId', in: 'path', required: true, schema: { type: 'integer', minimum: 1 } },
    limit: {
      name: 'limit',
      in: 'query',
      description: `Page size; larger values are clamped to ${limits.maxLimit}`,
      schema: { type: 'integer', minimum: 1, maximum: limits.maxLimit, default: limits.defaultLimit },
    },
    bbox: {
      name: 'bbox',
      in: 'query',
      description:
        'minLon,minLat,maxLon,maxLat (CRS84; 6 numbers with heights also accepted); features that intersect it',
      style: 'form',
      explode: false,
      schema: { type: 'array', minItems: 4, maxItems: 6, items: { type: 'number' } },
    },
    'bbox-crs': {
      name: 'bbox-crs',
      in: 'query',
      schema: { type: 'string', format: 'uri', enum: [CRS84], default: CRS84 },
    },
    datetime: {
      name: 'datetime',
      in: 'query',
      description:
        "RFC 3339 date(-time) or interval a/b with .. for an open end, against the collection's first date property (by UTC day). Features without a time never match.",
      schema: { type: 'string' },
    },
    filter: { name: 'filter', in: 'query', description: 'CQL2 filter over the queryables', schema: { type: 'string' } },
    'filter-lang': {
      name: 'filter-lang',
      in: 'query',
      schema: { type: 'string', enum: ['cql2-text', 'cql2-json'], default: 'cql2-text' },
    },
    'filter-crs': {
      name: 'filter-crs',
      in: 'query',
      schema: { type: 'string', format: 'uri', enum: [CRS84], default: CRS84 },
    },
    sortby: {
      name: 'sortby',
      in: 'query',
      description: 'Comma-separated property names (or id); prefix - for descending',
      style: 'form',
      explode: false,
      schema: { type: 'array', items: { type: 'string', pattern: '^[+-]?[A-Za-z_].*$' } },
    },
    properties: {
      name: 'properties',
      in: 'query',
      description: 'Properties to return, comma-separated',
      style: 'form',
      explode: false,
      schema: { type: 'array', items: { type: 'string' } },
    },
    offset: {
      name: 'offset',
      in: 'query',
      description: 'Features to skip (an extension beside the cursor of next links)',
      schema: { type: 'integer', minimum: 0, default: 0 },
    },
    after: {
      name: 'after',
      in: 'query',
      description: 'Cursor of next/prev links (feature id order)',
      schema: { type: 'integer', minimum: 0 },
    },
    f: { name: 'f', in: 'query', schema: { type: 'string', enum: ['json', 'html'] } },
  };
  const items = (summary: string, extra: Param[]) => ({
    get: {
      summary,
      tags: ['Data'],
      parameters: [...ITEMS_PARAMS.map(ref), ...extra],
      responses: ok('FeatureCollection', 'application/geo+json'),
    },
  });
  const paths: Record<string, unknown> = {
    '/': {
      get: {
        summary: 'Landing page',
        tags: ['Capabilities'],
        parameters: [ref('f')],
        responses: ok('Landing page', 'application/json'),
      },
    },
    '/api': {
      get: {
        summary: 'This OpenAPI document',
        tags: ['Capabilities'],
        responses: ok('OpenAPI 3.0', 'application/vnd.oai.openapi+json;version=3.0'),
      },
    },
    '/conformance': {
      get: {
        summary: 'Conformance classes',
        tags: ['Capabilities'],
        parameters: [ref('f')],
        responses: ok('{ conformsTo }', 'application/json'),
      },
    },
    '/collections': {
      get: {
        summary: 'Collections',
        tags: ['Capabilities'],
        parameters: [ref('f')],
        responses: ok('{ collections, links }', 'application/json'),
      },
    },
    '/collections/{collectionId}': {
      get: {
        summary: 'One collection',
        tags: ['Capabilities'],
        parameters: [ref('collectionId'), ref('f')],
        responses: ok('Collection', 'application/json'),
      },
    },
    '/collections/{collectionId}/queryables': {
      get: {
        summary: 'Queryables (JSON Schema)',
        tags: ['Capabilities'],
        parameters: [ref('collectionId'), ref('f')],
        responses: ok('JSON Schema', 'application/schema+json'),
      },
    },
    '/collections/{collectionId}/items': items(
      'Features of a collection; a queryable property as a parameter filters by equality (see the per-collection paths)',
      [],
    ),
    '/collections/{collectionId}/items/{featureId}': {
      get: {
        summary: 'One feature',
        tags: ['Data'],
        parameters: [ref('collectionId'), ref('featureId'), ref('f')],
        responses: ok('Feature', 'application/geo+json'),
      },
    },
    '/tileMatrixSets/WebMercatorQuad': {
      get: { summary: 'The tile matrix set', tags: ['Tiles'], responses: ok('TileMatrixSet', 'application/json') },
    },
    '/collections/{collectionId}/tiles/WebMercatorQuad/{tileMatrix}/{tileRow}/{tileCol}': {
      get: {
        summary: 'Vector tile of a collection',
        tags: ['Tiles'],
        parameters: [
          ref('collectionId'),
          ...['tileMatrix', 'tileRow', 'tileCol'].map((name) => ({
            name,
            in: 'path',
            required: true,
            schema: { type: 'integer', minimum: 0 },
          })),
        ],
        responses: { ...ok('MVT', 'application/vnd.mapbox-vector-tile'), 204: { description: 'Empty tile' } },
      },
    },
  };
  for (const l of layers) {
    const queryables = l.fields.map((f) => ({
      name: f.name,
      in: 'query',
      required: false,
      description: `Equality filter on ${f.name}`,
      schema: fieldSchema(f.type),
    }));
    paths[`/collections/${l.slug}/items`] = items(l.title, queryables);
  }
  return {
    openapi: '3.0.3',
    info: {
      title: 'Satu Peta Kota Tangerang — OGC API Features',
      version: '1.0.0',
      description: "OGC API Features (Parts 1 and 3) and Tiles over the city's layers.",
    },
    servers: [{ url: base }],
    tags: [{ name: 'Capabilities' }, { name: 'Data' }, { name: 'Tiles' }],
    components: {
      parameters,
      responses: {
        Error: OPENAPI_ERROR_RESPONSE,
      },
    },
    paths,
  };
}
