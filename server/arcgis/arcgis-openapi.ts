/**
 * The GeoServices REST resources in the OpenAPI document (/api/openapi.json). Errors are ArcGIS
 * error objects with HTTP 200 (see arcgis-errors.ts), so every answer is described under 200.
 */
type Param = Record<string, unknown>;

/** A text parameter: in the path (required) or in the query. */
const param = (where: 'path' | 'query', name: string, description: string): Param => ({
  name,
  in: where,
  required: where === 'path',
  description,
  schema: { type: 'string' },
});
const text = (name: string, description: string) => param('query', name, description);
const f = (formats: string[]) => ({
  name: 'f',
  in: 'query',
  required: false,
  schema: { type: 'string', enum: formats },
});
const answer = (description: string, types = ['application/json']) => ({
  200: {
    description: `${description}; or an ArcGIS error object { error: { code, message, details, messageCode } }`,
    content: Object.fromEntries(types.map((t) => [t, {}])),
  },
});
const get = (summary: string, parameters: Param[], description: string, types?: string[]) => ({
  get: { summary, tags: ['arcgis'], parameters, responses: answer(description, types) },
});

const QUERY: Param[] = [
  text('where', "SQL-92 where clause, e.g. luas_km2 > 1 AND nama LIKE 'P%'"),
  text('objectIds', 'Comma-separated object ids'),
  text('geometry', 'Envelope xmin,ymin,xmax,ymax, point x,y, or Esri JSON geometry'),
  text(
    'geometryType',
    'esriGeometryEnvelope, esriGeometryPoint, esriGeometryMultipoint, esriGeometryPolyline or esriGeometryPolygon',
  ),
  text('inSR', 'WKID (4326, 102100, 3857) or {"wkid": …} of the geometry'),
  text(
    'spatialRel',
    'esriSpatialRelIntersects (default), …Contains, …Within, …EnvelopeIntersects, …Crosses, …Touches, …Overlaps',
  ),
  text('outFields', '* or a comma-separated list; default OBJECTID only'),
  text('returnGeometry', 'true (default) or false'),
  text('outSR', 'WKID of the answer: 4326 (default) or 102100'),
  text('geometryPrecision', 'Decimal places of coordinates'),
  text('orderByFields', 'e.g. nama DESC, OBJECTID'),
  text('resultOffset', 'Features to skip'),
  text('resultRecordCount', 'Page size, at most maxRecordCount'),
  text('returnCountOnly', 'true: { count }'),
  text('returnIdsOnly', 'true: { objectIdFieldName, objectIds }'),
  text('returnExtentOnly', 'true: { extent } (f=geojson: { bbox })'),
  text('token', 'API token for restricted layers (or Authorization: Bearer)'),
  f(['json', 'pjson', 'geojson']),
];

export function arcgisOpenApiPaths(): Record<string, unknown> {
  const agency = param('path', 'agency', 'Agency code (the folder), e.g. setda');
  const layer = param('path', 'layer', 'Layer id (the service), e.g. batas-kelurahan-kota-tangerang');
  const service = '/arcgis/rest/services/{agency}/{layer}/FeatureServer';
  const json = f(['json', 'pjson']);
  return {
    '/arcgis/rest/info': get('GeoServices REST: version and authentication info', [json], 'Info'),
    '/arcgis/rest/services': get('GeoServices REST: the folders (one per agency)', [json], '{ folders, services }'),
    '/arcgis/rest/services/{agency}': get(
      "GeoServices REST: an agency's FeatureServers (one per visible layer)",
      [agency, json],
      '{ folders, services }',
    ),
    [service]: get('GeoServices REST: a FeatureServer (one layer, id 0)', [agency, layer, json], 'Service JSON'),
    [`${service}/0`]: get(
      'GeoServices REST: layer 0 (fields, geometry type, extent, drawingInfo)',
      [agency, layer, json],
      'Layer JSON',
    ),
    [`${service}/0/query`]: {
      ...get(
        'GeoServices REST: query features (also by POSTed form)',
        [agency, layer, ...QUERY],
        'Esri FeatureSet, GeoJSON, count, ids or extent',
        ['application/json', 'application/geo+json'],
      ),
    },
  };
}
