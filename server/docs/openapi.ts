import { z } from 'zod';
import { arcgisOpenApiPaths } from '../arcgis/arcgis-openapi.js';
import { OPENAPI_ERROR_RESPONSE } from '../http/error-codes.js';
import { layerSearchQuery } from '../catalog/routes.js';
import type { Config } from '../config.js';
import { districtsQuery, lookupQuery } from '../districts/routes.js';
import {
  derivedElementBody,
  elementBody,
  elementClassesQuery,
  elementSearchQuery,
  elementSeriesQuery,
  elementSliceQuery,
  elementValuesQuery,
} from '../elements/routes.js';
import { downloadQuery, featuresQuery } from '../features/routes.js';
import { layerCreateBody, layerPatchBody } from '../ingest/layer-write.js';
import { uploadQuery } from '../ingest/routes.js';
import { versionsOpenApiPaths } from '../ingest/versions-openapi.js';
import { webhooksOpenApiPaths } from '../notify/webhooks-openapi.js';
import { valuesUploadQuery } from '../elements/value-routes.js';
import { packageSearchQuery } from '../interop/ckan-routes.js';
import { dcatQuery } from '../interop/dcat-routes.js';
import { qualityQuery } from '../quality/routes.js';
import { progressQuery } from '../quality/progress-routes.js';
import { printBody } from '../render/print-service.js';
import { legendPngQuery, staticMapQuery } from '../render/routes.js';
import { styleRuleBody } from '../render/style-rule.js';

type Param = Record<string, unknown>;

/** Query parameters from the same zod schema the route validates with (its input side). */
function queryParams(schema: z.ZodObject): Param[] {
  return Object.entries(schema.shape).map(([name, field]) => ({
    name,
    in: 'query',
    required: !(field as z.ZodType).safeParse(undefined).success,
    schema: z.toJSONSchema(field as z.ZodType, { io: 'input', unrepresentable: 'any', target: 'openapi-3.0' }),
  }));
}

const path = (name: string, description: string): Param => ({
  name,
  in: 'path',
  required: true,
  description,
  schema: { type: 'string' },
});
const ok = (description: string, type = 'application/json') => ({
  200: { description, content: { [type]: {} } },
  '4XX': { $ref: '#/components/responses/Error' },
});
const bearer = [{ bearer: [] }];
/** One layer's tiles at a kept version, or its draft (for who may see drafts); never cached. */
const TILE_VERSION = {
  name: 'version',
  in: 'query',
  required: false,
  description: 'A kept version number of one layer, or "draft" (its open draft, for who may see it)',
  schema: { type: 'string', pattern: '^(draft|[1-9][0-9]{0,8})$' },
};
/** An RDF answer: JSON-LD, Turtle, RDF/XML or N-Triples by extension or Accept. */
const rdfAnswer = {
  200: {
    description: 'RDF',
    content: Object.fromEntries(
      ['application/ld+json', 'text/turtle', 'application/rdf+xml', 'application/n-triples'].map((t) => [t, {}]),
    ),
  },
  '4XX': { $ref: '#/components/responses/Error' },
};
const rdfExtension = {
  name: 'format',
  in: 'path',
  required: true,
  schema: { type: 'string', enum: ['jsonld', 'ttl', 'rdf', 'nt'] },
};
const jsonBody = (schema: z.ZodType) => ({
  required: true,
  content: {
    'application/json': {
      schema: z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any', target: 'openapi-3.0' }),
    },
  },
});
const valuesFile = {
  required: true,
  content: {
    'text/csv': {},
    'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': {},
  },
};
const valuesResponses = {
  200: {
    description:
      '{ mode, format, received, inserted, updated, unchanged, deleted, elements [{ id, previousVersion, dataVersion }], recomputed, warnings, seconds }',
  },
  '4XX': { $ref: '#/components/responses/Error' },
};
const get = (summary: string, tags: string[], parameters: Param[], responses: Record<string, unknown>) => ({
  get: { summary, tags, parameters, responses },
});

/** OpenAPI 3.0 description of the public API (/api, /tiles, CKAN, DCAT); /ogc is described by ogc/ogc-openapi.ts. */
export function openApiDocument(config: Config, base: string): Record<string, unknown> {
  const id = path('id', 'Layer id (slug), e.g. batas-kelurahan-kota-tangerang');
  return {
    openapi: '3.0.3',
    info: {
      title: 'satupeta — Satu Data Satu Peta Kota Tangerang',
      version: '1.0.0',
      description:
        "GeoJSON, vector tiles, map images and a CKAN/DCAT catalog of the city's public layers. The OGC API (Features, Tiles) has its own document at /ogc/api, as OGC clients expect; WMS, WFS and CSW describe themselves with GetCapabilities; the GeoServices REST API (ArcGIS) is under /arcgis/rest.",
    },
    servers: [{ url: base }],
    components: {
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          description: 'API token (npm run token -- create …); anonymous callers read publik layers only',
        },
      },
      responses: {
        Error: OPENAPI_ERROR_RESPONSE,
      },
    },
    paths: {
      '/api/health': get('Status, database backend and capabilities', ['api'], [], ok('Health')),
      '/api/layers': {
        ...get(
          'Search the catalog',
          ['catalog'],
          queryParams(layerSearchQuery(config.catalogMaxLimit)),
          ok('{ total, items, links }'),
        ),
        post: {
          summary: 'Create an empty layer (admin, or editor of its agency)',
          tags: ['ingest'],
          security: bearer,
          requestBody: jsonBody(layerCreateBody),
          responses: { 201: { description: 'Layer' }, '4XX': { $ref: '#/components/responses/Error' } },
        },
      },
      '/api/layers/{id}': {
        ...get('Full Satu Data metadata of a layer', ['catalog'], [id], ok('Layer')),
        patch: {
          summary: 'Edit metadata (admin, or editor of its agency)',
          tags: ['ingest'],
          security: bearer,
          parameters: [id],
          requestBody: jsonBody(layerPatchBody),
          responses: ok('Layer'),
        },
      },
      '/api/layers/{id}/features': {
        ...get(
          'Features as GeoJSON',
          ['features'],
          [id, ...queryParams(featuresQuery)],
          ok('FeatureCollection', 'application/geo+json'),
        ),
        post: {
          summary:
            'Replace or append features: GeoJSON FeatureCollection, newline-delimited GeoJSON or a zipped Shapefile, checked and written in one transaction',
          tags: ['ingest'],
          security: bearer,
          parameters: [id, ...queryParams(uploadQuery)],
          requestBody: {
            required: true,
            content: {
              'application/geo+json': {},
              'application/geo+json-seq': {},
              'application/x-ndjson': {},
              'application/zip': {},
            },
          },
          responses: {
            200: {
              description:
                '{ layer, mode, received, inserted, deleted, repaired, featureCount, previousVersion, dataVersion, fields, warnings }',
            },
            '4XX': { $ref: '#/components/responses/Error' },
          },
        },
      },
      '/api/layers/{id}/download.geojson': get(
        'The whole layer (or its part in a district) as one GeoJSON FeatureCollection, streamed (no limit), as an attachment',
        ['features'],
        [id, ...queryParams(downloadQuery)],
        ok('FeatureCollection', 'application/geo+json'),
      ),
      '/api/layers/{id}/download.gpkg': get(
        'The whole layer (or its part in a district) as a GeoPackage, built once per data version and kept',
        ['features'],
        [id, ...queryParams(downloadQuery)],
        ok('GeoPackage', 'application/geopackage+sqlite3'),
      ),
      '/api/layers/{id}/download.shp.zip': get(
        'The whole layer (or its part in a district) as a zipped Shapefile (.shp .shx .dbf .prj .cpg, field names in a sidecar), built once per data version and kept',
        ['features'],
        [id, ...queryParams(downloadQuery)],
        ok('Zip', 'application/zip'),
      ),
      '/api/layers/{id}/history': get(
        "Audit of a layer's changes, newest first",
        ['ingest'],
        [
          id,
          { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 1000 } },
          { name: 'before', in: 'query', schema: { type: 'integer' } },
        ],
        ok('{ layer, dataVersion, items, links }'),
      ),
      '/api/me': get('Who the token is', ['access'], [], ok('{ kind, role, agencies }')),
      '/api/tokens': {
        get: {
          summary: 'List tokens (admin; never the secrets)',
          tags: ['access'],
          security: bearer,
          responses: ok('{ total, items }'),
        },
        post: {
          summary: 'Create a token (admin); the secret is in this answer only',
          tags: ['access'],
          security: bearer,
          requestBody: { required: true, content: { 'application/json': {} } },
          responses: { 201: { description: 'Token' }, '4XX': { $ref: '#/components/responses/Error' } },
        },
      },
      '/api/tokens/{tokenId}': {
        delete: {
          summary: 'Revoke a token (admin)',
          tags: ['access'],
          security: bearer,
          parameters: [path('tokenId', 'Token id')],
          responses: ok('Token'),
        },
      },
      '/api/layers/{id}/features/{fid}': get(
        'One feature',
        ['features'],
        [id, path('fid', 'Feature id')],
        ok('Feature', 'application/geo+json'),
      ),
      '/api/layer-index': get('Every visible layer in compact rows', ['catalog'], [], ok('{ total, items }')),
      '/api/agencies': get('Producing agencies with layer counts', ['catalog'], [], ok('{ total, items }')),
      '/api/themes': get('Themes with their KUGI category', ['catalog'], [], ok('{ total, items }')),
      '/api/districts': get(
        'Kota, kecamatan and kelurahan',
        ['districts'],
        queryParams(districtsQuery),
        ok('{ total, items } or GeoJSON'),
      ),
      '/api/districts/lookup': get(
        'Kecamatan and kelurahan containing a point',
        ['districts'],
        queryParams(lookupQuery),
        ok('Lookup'),
      ),
      '/api/districts/{code}': get(
        'One district with its boundary',
        ['districts'],
        [path('code', 'Kemendagri code, dotted or compact')],
        ok('Feature', 'application/geo+json'),
      ),
      '/api/districts/{code}/layers': get(
        'Layers with features in a district',
        ['districts'],
        [path('code', 'Kemendagri code')],
        ok('{ district, total, items }'),
      ),
      '/api/elements': {
        ...get(
          'Search the data elements (Satu Data): q, agency, theme, level, period, with facets',
          ['elements'],
          queryParams(elementSearchQuery(config.catalogMaxLimit)),
          ok('{ total, items, facets, links }'),
        ),
        post: {
          summary:
            'Create a data element (editor of its agency, or admin): one whose values are uploaded, or one computed from layers (measure + sources)',
          tags: ['elements'],
          security: bearer,
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: {
                  oneOf: [elementBody, derivedElementBody].map((b) =>
                    z.toJSONSchema(b, { io: 'input', unrepresentable: 'any', target: 'openapi-3.0' }),
                  ),
                },
              },
            },
          },
          responses: { 201: { description: 'Element' }, '4XX': { $ref: '#/components/responses/Error' } },
        },
      },
      '/api/elements/{id}': get(
        'One data element: metadata, periods and completeness',
        ['elements'],
        [path('id', 'Element id')],
        ok('Element'),
      ),
      '/api/elements/values': {
        post: {
          summary:
            'Load values into several elements at once: CSV or XLSX with columns elemen,kode_wilayah,periode,nilai[,status,catatan]; all-or-nothing',
          tags: ['elements'],
          security: bearer,
          parameters: queryParams(valuesUploadQuery),
          requestBody: valuesFile,
          responses: valuesResponses,
        },
      },
      '/api/elements/{id}/history': get(
        'Audit of an element: creation and every values upload, newest first',
        ['elements'],
        [
          path('id', 'Element id'),
          { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 1000 } },
          { name: 'before', in: 'query', schema: { type: 'integer' } },
        ],
        ok('{ element, dataVersion, items, links }'),
      ),
      '/api/elements/{id}/values': {
        ...get(
          'Values of one level and period (every district; missing ones as null), JSON or CSV; with since, the change from that period',
          ['elements'],
          [path('id', 'Element id'), ...queryParams(elementValuesQuery)],
          ok('{ element, unit, level, period, total, items }'),
        ),
        post: {
          summary:
            'Load values: CSV (comma, semicolon or tab; UTF-8) or XLSX with columns kode_wilayah,periode,nilai[,status,catatan]; every row checked, all-or-nothing',
          tags: ['elements'],
          security: bearer,
          parameters: [path('id', 'Element id'), ...queryParams(valuesUploadQuery)],
          requestBody: valuesFile,
          responses: valuesResponses,
        },
      },
      '/api/elements/{id}/series': get(
        "One district's values in every period (its own level), oldest first: the popup's time series",
        ['elements'],
        [path('id', 'Element id'), ...queryParams(elementSeriesQuery)],
        ok('{ element, unit, district, items [{ period, value, missingReason, status }] }'),
      ),
      '/api/elements/{id}/geojson': get(
        'District polygons of one level with the value of one period joined',
        ['elements'],
        [path('id', 'Element id'), ...queryParams(elementSliceQuery)],
        ok('FeatureCollection', 'application/geo+json'),
      ),
      '/api/elements/{id}/classes': get(
        'Class breaks for a choropleth: quantile, jenks, equal interval or standard deviation',
        ['elements'],
        [path('id', 'Element id'), ...queryParams(elementClassesQuery)],
        ok('{ method, k, breaks, classes, noData }'),
      ),
      '/api/districts/{code}/profile': get(
        "Profil wilayah: every visible element's latest value in a district, rank among siblings, change, and the layers there",
        ['elements'],
        [path('code', 'Kemendagri code')],
        ok('{ district, total, elements, layers }'),
      ),
      '/api/quality': get(
        'Metadata completeness and geometry checks',
        ['quality'],
        queryParams(qualityQuery),
        ok('{ elements, agencies, total, items, links }'),
      ),
      '/api/walidata/progress': {
        get: {
          summary: "The producers' progress per agency (walidata, pembina, admin)",
          tags: ['quality'],
          security: bearer,
          parameters: queryParams(progressQuery),
          responses: {
            ...ok('{ generatedAt, sort, agencies }'),
            ...{ 200: { description: 'JSON or CSV', content: { 'application/json': {}, 'text/csv': {} } } },
          },
        },
      },
      '/api/walidata/progress/weekly': {
        get: {
          summary: "One agency's week: its progress row and the audited actions of the last 7 days",
          tags: ['quality'],
          security: bearer,
          parameters: [{ name: 'agency', in: 'query', required: true, schema: { type: 'string' } }],
          responses: ok('{ agency, name, week, actions, progress }'),
        },
      },
      '/tiles/{layers}.json': get(
        'TileJSON 3.0.0 of one or more layers',
        ['tiles'],
        [path('layers', 'Layer ids, comma-separated'), TILE_VERSION],
        ok('TileJSON'),
      ),
      '/tiles/{layers}/{z}/{x}/{y}.mvt': get(
        'Mapbox Vector Tile (composite for several layers); 204 when empty',
        ['tiles'],
        [
          path('layers', 'Layer ids, comma-separated'),
          path('z', 'Zoom 0–22'),
          path('x', 'Column'),
          path('y', 'Row'),
          {
            name: 'v',
            in: 'query',
            required: false,
            description: 'Version token from the TileJSON',
            schema: { type: 'string', pattern: '^\\d+(-\\d+)*$' },
          },
          TILE_VERSION,
        ],
        ok('MVT', 'application/vnd.mapbox-vector-tile'),
      ),
      '/api/maps/static': get(
        'A map image of visible layers drawn with their stored styles: fit a box, or a centre and zoom',
        ['maps'],
        queryParams(staticMapQuery),
        {
          200: { description: 'The image', content: { 'image/png': {}, 'image/jpeg': {}, 'image/webp': {} } },
          304: { description: 'Not modified (If-None-Match)' },
          '4XX': { $ref: '#/components/responses/Error' },
        },
      ),
      '/api/layers/{id}/style': {
        ...get(
          "A layer's style: its rule, the MapLibre style layers made from it, its legend and version",
          ['maps'],
          [id],
          ok('{ layer, version, rule, layers, legend }'),
        ),
        put: {
          summary:
            'Set the style (admin, or editor of its agency): one symbol, categories of a property or classes of a number (computed from the data when not given), with an optional label; checked by the MapLibre style-spec validator, versioned and audited',
          tags: ['maps'],
          security: bearer,
          parameters: [id],
          requestBody: jsonBody(styleRuleBody),
          responses: ok('{ layer, version, rule, layers, legend }'),
        },
      },
      '/api/layers/{id}/style.sld': get(
        "The layer's style as SLD 1.1.0 / Symbology Encoding 1.1 (a rule per class with its filter, the label)",
        ['maps'],
        [id],
        ok('SLD', 'application/vnd.ogc.sld+xml'),
      ),
      '/styles/{layers}.json': get(
        'A MapLibre style (v8) of visible layers: our vector tiles, our glyphs, each layer drawn with its stored style',
        ['maps'],
        [path('layers', 'Layer ids, comma-separated, bottom to top')],
        ok('MapLibre style'),
      ),
      '/api/print': {
        post: {
          summary:
            'A printed map as PDF: A4/A3/A1, a scale from 1:1,000 to 1:100,000 or fitted to a district, 150 or 300 dpi, with legend, scale bar, north arrow, sources and a QR code back to the view',
          tags: ['maps'],
          requestBody: jsonBody(printBody),
          responses: {
            200: { description: 'The PDF, as an attachment', content: { 'application/pdf': {} } },
            '4XX': { $ref: '#/components/responses/Error' },
          },
        },
      },
      '/api/layers/{id}/thumbnail.png': get(
        'A small picture of the whole layer with its style, for catalog lists (ETag per data and style version)',
        ['maps'],
        [id],
        ok('PNG', 'image/png'),
      ),
      '/api/layers/{id}/legend': get(
        "A layer's legend: its classes with their symbols",
        ['maps'],
        [id],
        ok('{ layer, title, geometryType, classes [{ label, symbol }] }'),
      ),
      '/api/layers/{id}/legend.png': get(
        "A layer's legend as an image",
        ['maps'],
        [id, ...queryParams(legendPngQuery)],
        ok('PNG', 'image/png'),
      ),
      '/api/3/action/package_search': get(
        'CKAN package_search over publik layers',
        ['ckan'],
        queryParams(packageSearchQuery),
        ok('{ help, success, result }'),
      ),
      '/api/3/action/package_show': get(
        'CKAN package_show',
        ['ckan'],
        [{ name: 'id', in: 'query', required: true, schema: { type: 'string' } }],
        ok('{ help, success, result }'),
      ),
      '/api/3/action/package_list': get('CKAN package_list', ['ckan'], [], ok('{ help, success, result }')),
      '/catalog/dcat': get('DCAT-AP 2.1 catalog, paged (Hydra)', ['catalog'], queryParams(dcatQuery), rdfAnswer),
      '/catalog/dcat.{format}': get(
        'DCAT-AP 2.1 catalog in the format an extension names',
        ['catalog'],
        [rdfExtension, ...queryParams(dcatQuery)],
        rdfAnswer,
      ),
      '/catalog/themes': get('Our themes as a SKOS concept scheme', ['catalog'], [], rdfAnswer),
      ...versionsOpenApiPaths(),
      ...webhooksOpenApiPaths(),
      ...arcgisOpenApiPaths(),
    },
  };
}
