/**
 * Every error code a client can receive, with its HTTP status and what it means. AppError takes
 * only these, so a new code is added here first; the README's table of error codes is checked
 * against this list by tests/error-codes.test.ts (print it with `npm run docs:errors`).
 */
export const ERROR_CODES = {
  // Requests
  bad_request: [400, 'The URL or body could not be read at all'],
  invalid_parameter: [400, 'A query or path parameter has a wrong value; details.parameter names it'],
  unknown_parameter: [400, 'A query parameter the endpoint does not know (a typo never widens a result)'],
  invalid_bbox: [400, 'bbox is not four (OGC: or six) numbers, or its minimum exceeds its maximum'],
  coordinates_out_of_range: [400, 'A longitude outside -180..180 or a latitude outside -90..90'],
  unknown_property: [400, 'A property name (properties, sortby) the layer does not have'],
  invalid_filter: [
    400,
    'A CQL2 filter (ArcGIS REST: a where clause) that cannot be read, names a non-queryable or compares values of the wrong type',
  ],
  limit_too_large: [400, 'limit above FEATURES_MAX_LIMIT on /api (OGC clamps instead)'],
  unknown_agency: [400, 'No agency with that code'],
  unknown_theme: [400, 'No theme with that code'],
  invalid_slug: [400, "A new layer's id that does not start with its agency's code and a hyphen (editors)"],
  unknown_district: [400, 'No kecamatan or kelurahan with that code'],
  missing_parameter: [400, 'WFS/WMS/CSW: a required parameter (REQUEST, TYPENAMES…) is missing'],
  operation_not_supported: [400, 'WFS/WMS/CSW: a REQUEST the service does not offer'],
  version_not_supported: [400, 'WFS/WMS/CSW: a VERSION the service does not speak'],
  unknown_crs: [
    400,
    'WMS / static maps / ArcGIS REST: a CRS, SRS or spatial reference that is not offered (EPSG:4326, EPSG:3857, CRS:84; WKID 4326, 102100)',
  ],
  parameter_not_supported: [
    400,
    'ArcGIS REST: a query parameter the service knows but does not support yet (outStatistics, returnDistinctValues, quantizationParameters…)',
  ],
  unknown_format: [400, 'WMS / static maps: an image FORMAT or INFO_FORMAT that is not offered'],
  unknown_style: [400, "WMS: a STYLES entry that is not the layer's style (leave it empty or say default)"],
  invalid_point: [400, 'WMS GetFeatureInfo: I/J (1.1.1: X/Y) outside the image'],
  image_too_large: [
    400,
    'WIDTH or HEIGHT above RENDER_MAX_SIZE pixels, or a print whose map needs more than PRINT_MAX_PIXELS',
  ],
  invalid_glyph_range: [400, 'A glyph range that is not a block of 256 code points'],
  // Not found (a layer the caller may not see answers exactly like a missing one)
  not_found: [404, 'No endpoint at that path'],
  layer_not_found: [404, 'No visible layer with that id'],
  collection_not_found: [404, 'No visible OGC collection with that id'],
  element_not_found: [404, 'No visible data element with that id'],
  feature_not_found: [404, 'No feature with that id in the layer'],
  district_not_found: [404, 'No kota, kecamatan or kelurahan with that code'],
  organization_not_found: [404, 'CKAN: no organization with that id'],
  group_not_found: [404, 'CKAN: no group with that id'],
  webhook_not_found: [404, 'No webhook with that id (GET /api/webhooks lists them)'],
  resource_not_found: [404, 'CKAN: no resource with that id'],
  tile_matrix_set_not_found: [404, 'OGC API Tiles: only WebMercatorQuad is offered'],
  token_not_found: [404, 'No token with that id'],
  service_not_found: [404, 'ArcGIS REST: no visible folder, service or layer at that path'],
  // Tiles
  invalid_tile: [400, 'z/x/y are not whole numbers'],
  tile_out_of_range: [400, 'z above 22, or x/y outside 0..2^z-1'],
  invalid_layer_list: [400, 'The layer list of a composite tile cannot be read'],
  duplicate_layer: [400, 'A layer named twice in a composite tile'],
  too_many_layers: [400, 'More layers in one composite tile than TILES_MAX_LAYERS'],
  // CKAN
  invalid_fq: [409, 'CKAN fq that is not organization:/tags:/groups: pairs'],
  invalid_sort: [409, 'CKAN sort that is not one of the supported orders'],
  invalid_facet: [
    409,
    'CKAN facet.field that is not a JSON list of organization, groups, tags, license_id, res_format',
  ],
  // Access
  authentication_required: [401, 'A write without a token'],
  invalid_authorization: [401, 'An Authorization header that is not "Bearer <token>"'],
  invalid_token: [401, 'A token that is unknown or revoked'],
  forbidden: [403, 'A token without the role or agency scope for this'],
  cors_write_forbidden: [403, 'A write from a page on another site'],
  invalid_token_request: [400, 'A token request with a wrong name, role or agency scope'],
  invalid_webhook: [400, 'A webhook with a URL that is not http(s), an unknown event or a wrong field'],
  too_many_auth_failures: [
    429,
    'Too many requests with a wrong token from one address; see Retry-After (a valid token is still accepted)',
  ],
  rate_limited: [429, 'More writes per minute than WRITE_RATE_LIMIT; see Retry-After'],
  // Layer metadata and uploads (nothing is written when any of these answers)
  invalid_body: [400, 'The body is not a JSON object'],
  invalid_json: [400, 'The body or upload is not valid JSON'],
  invalid_layer_metadata: [400, 'Layer metadata with a wrong or missing field; details.field names it'],
  layer_exists: [409, 'A layer with that id already exists'],
  invalid_element: [
    400,
    'A data element definition that cannot be computed (wrong layer geometry, missing population element); details.field names it',
  ],
  element_exists: [409, 'A data element with that id already exists'],
  upload_in_progress: [409, 'Another upload, restore or version change of the same layer is running'],
  version_not_found: [404, 'The layer has no version with that number (see /api/layers/{id}/versions)'],
  version_is_current: [409, 'The version asked to restore or remove is the current one'],
  version_data_removed: [410, "An administrator removed that version's features; only its record is left"],
  version_not_published: [409, 'A draft is published by approval, not restored'],
  draft_submitted: [409, 'The layer has a draft waiting for review: a new upload waits until walidata decides'],
  draft_outdated: [
    409,
    'An append draft was made from a version that is no longer the published one: upload the additions again',
  ],
  version_not_submitted: [
    409,
    'Only a submitted draft can be approved or rejected, only a draft or rejected one submitted',
  ],
  approval_refused: [422, 'The draft fails the checks the city sets for publication; details.reasons lists them'],
  payload_too_large: [413, 'A body larger than UPLOAD_MAX_MB (unpacked)'],
  too_many_features: [413, 'More features than UPLOAD_MAX_FEATURES in one upload'],
  zip_too_large: [400, 'A zipped Shapefile that unpacks to more than 4 x UPLOAD_MAX_MB, or packs suspiciously tight'],
  unsupported_format: [
    415,
    'The upload is not GeoJSON, newline-delimited GeoJSON or a zipped Shapefile (values: not CSV or .xlsx)',
  ],
  unsupported_encoding: [415, 'A Content-Encoding other than gzip, or a body charset other than UTF-8'],
  invalid_gzip: [400, 'A gzip body that cannot be unpacked'],
  invalid_feature_collection: [400, 'GeoJSON that is not a readable FeatureCollection'],
  not_a_feature_collection: [400, 'A GeoJSON document that is not a FeatureCollection'],
  feature_too_large: [400, 'One feature larger than the reader accepts'],
  invalid_zip: [400, 'A zip file that cannot be read'],
  invalid_shapefile: [400, 'A Shapefile that cannot be read'],
  missing_shapefile_part: [400, 'A zipped Shapefile without its .shp, .shx or .dbf'],
  multiple_shapefiles: [400, 'More than one Shapefile in one zip'],
  missing_prj: [400, 'A Shapefile without .prj and without crs='],
  invalid_prj: [400, 'A .prj that cannot be read'],
  unsupported_crs: [400, 'A coordinate reference system the importer does not know'],
  empty_upload: [422, 'An upload with no features'],
  invalid_features: [422, 'Features that failed their checks, listed by feature index and field'],
  upload_interrupted: [400, 'The upload stopped before its body was complete'],
  // Data element values (CSV/XLSX; nothing is written when any of these answers)
  empty_file: [400, 'A values file without a header or without rows'],
  invalid_encoding: [400, 'A CSV file that is not UTF-8 (e.g. saved as ANSI or UTF-16)'],
  invalid_csv: [400, 'A CSV file that cannot be split into rows (an unclosed quote, an endless line)'],
  invalid_header: [400, 'A values header with an unknown, doubled or missing column'],
  invalid_spreadsheet: [400, 'An .xlsx workbook that cannot be read'],
  too_many_rows: [413, 'More rows than VALUES_MAX_ROWS in one values upload'],
  element_not_loadable: [409, 'A data element computed from layers: its values come from them, not from uploads'],
  invalid_values: [422, 'Rows of a values file that failed their checks, listed by row and column'],
  // Styles (nothing is written when this answers)
  invalid_style: [
    422,
    "A layer style that cannot be drawn: details.problems lists each reason (the style-spec validator's too)",
  ],
  // Server
  internal_error: [500, 'Our fault: logged, never with SQL or a stack trace'],
  database_unavailable: [503, 'The database is restarting or cannot be reached; see Retry-After'],
  shutting_down: [503, 'Readiness of a process that is draining after SIGTERM: send new work to another process'],
} as const satisfies Record<string, readonly [number, string]>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** The README's table of error codes, as `npm run docs:errors` prints it. */
export function errorCodeTable(): string {
  const rows = Object.entries(ERROR_CODES).map(
    ([code, [status, meaning]]) => `| \`${code}\` | ${status} | ${meaning} |`,
  );
  return ['| code | status | meaning |', '|---|---|---|', ...rows].join('\n');
}

/** The OpenAPI description of every error answer, shared by /api/openapi.json and /ogc/api. */
export const OPENAPI_ERROR_RESPONSE = {
  description: 'Error: { error: { code, message, details } } with the real HTTP status',
  content: {
    'application/json': {
      schema: {
        type: 'object',
        properties: {
          error: {
            type: 'object',
            properties: {
              code: { type: 'string', enum: Object.keys(ERROR_CODES) },
              message: { type: 'string' },
              details: { type: 'object' },
            },
          },
        },
      },
    },
  },
};
