import type { LayerRecord } from '../catalog/layer-types.js';
import { styleDocOf } from '../render/style-doc.js';
import { displayField, esriFields, fieldsJson, OID_FIELD } from './esri-fields.js';
import { drawingInfo } from './esri-renderer.js';
import { envelopeJson, spatialReferenceJson } from './spatial-reference.js';

/**
 * The GeoServices REST resources of the service directory as JSON (GeoServices REST
 * specification 1.0; the members ArcGIS clients, Koop's featureserver and GDAL read). Every
 * visible layer is one FeatureServer with one layer, id 0, in the folder of its agency.
 */
export const CURRENT_VERSION = 11.1;
export const FULL_VERSION = '11.1.0';
export const QUERY_FORMATS = 'JSON, geoJSON';

type Json = Record<string, unknown>;

export const GEOMETRY_TYPES: Record<LayerRecord['geometryType'], string> = {
  Point: 'esriGeometryPoint',
  LineString: 'esriGeometryPolyline',
  Polygon: 'esriGeometryPolygon',
};

const extentOf = (l: LayerRecord) => (l.bbox ? envelopeJson(l.bbox, 4326) : null);

/** What a query can do here, stated as the layer JSON's capability flags. */
const QUERY_CAPABILITIES = {
  supportsStatistics: false,
  supportsAdvancedQueries: true,
  supportsCoordinatesQuantization: false,
  supportsReturningQueryExtent: true,
  useStandardizedQueries: true,
  advancedQueryCapabilities: {
    useStandardizedQueries: true,
    supportsStatistics: false,
    supportsHavingClause: false,
    supportsOrderBy: true,
    supportsDistinct: false,
    supportsCountDistinct: false,
    supportsPagination: true,
    supportsPaginationOnAggregatedQueries: false,
    supportsTrueCurve: false,
    supportsReturningQueryExtent: true,
    supportsQueryWithDistance: false,
    supportsSqlExpression: false,
    supportsQueryWithResultType: false,
    supportsReturningGeometryCentroid: false,
    supportsQueryAttachments: false,
    supportsQueryWithDatumTransformation: false,
  },
};

export function infoJson(base: string): Json {
  return {
    currentVersion: CURRENT_VERSION,
    fullVersion: FULL_VERSION,
    owningSystemUrl: base,
    // Tokens are issued by satupeta's administrators (POST /api/tokens), not by a token service:
    // send one as ?token= or Authorization: Bearer.
    authInfo: { isTokenBasedSecurity: false },
  };
}

/** The root: one folder per agency that has a visible layer. */
export function rootJson(folders: string[]): Json {
  return { currentVersion: CURRENT_VERSION, folders, services: [] };
}

export function folderJson(folder: string, layers: LayerRecord[]): Json {
  return {
    currentVersion: CURRENT_VERSION,
    folders: [],
    services: layers.map((l) => ({ name: `${folder}/${l.slug}`, type: 'FeatureServer' })),
  };
}

/** A layer's entry in its FeatureServer's `layers` list. */
function layerEntry(l: LayerRecord): Json {
  const { minScale, maxScale } = drawingInfo(l, esriFields(l));
  return {
    id: 0,
    name: l.title,
    parentLayerId: -1,
    defaultVisibility: true,
    subLayerIds: null,
    minScale,
    maxScale,
    geometryType: GEOMETRY_TYPES[l.geometryType],
  };
}

export function serviceJson(l: LayerRecord, maxRecordCount: number): Json {
  const extent = extentOf(l);
  return {
    currentVersion: CURRENT_VERSION,
    serviceDescription: l.description,
    hasVersionedData: false,
    supportsDisconnectedEditing: false,
    hasStaticData: false,
    maxRecordCount,
    supportedQueryFormats: QUERY_FORMATS,
    capabilities: 'Query',
    description: l.description,
    copyrightText: copyright(l),
    spatialReference: spatialReferenceJson(4326),
    initialExtent: extent,
    fullExtent: extent,
    allowGeometryUpdates: false,
    units: 'esriDecimalDegrees',
    syncEnabled: false,
    supportsApplyEditsWithGlobalIds: false,
    documentInfo: { Title: l.title, Author: l.agencyName, Keywords: l.keywords.join(','), Subject: l.themeName },
    layers: [layerEntry(l)],
    tables: [],
  };
}

function copyright(l: LayerRecord): string {
  return [l.agencyName, l.license].filter((s) => s).join(' · ');
}

export function layerJson(l: LayerRecord, maxRecordCount: number): Json {
  const fields = esriFields(l);
  const label = styleDocOf(l).rule.label?.property ?? null;
  const { drawingInfo: drawing, minScale, maxScale } = drawingInfo(l, fields);
  return {
    currentVersion: CURRENT_VERSION,
    id: 0,
    name: l.title,
    type: 'Feature Layer',
    description: l.description,
    copyrightText: copyright(l),
    parentLayer: null,
    subLayers: [],
    minScale,
    maxScale,
    defaultVisibility: true,
    extent: extentOf(l),
    sourceSpatialReference: spatialReferenceJson(4326),
    drawingInfo: drawing,
    hasAttachments: false,
    htmlPopupType: 'esriServerHTMLPopupTypeNone',
    displayField: displayField(fields, label),
    typeIdField: null,
    subtypeField: null,
    fields: fieldsJson(fields),
    geometryField: { name: 'Shape', type: 'esriFieldTypeGeometry', alias: 'Shape' },
    indexes: [],
    types: [],
    templates: [],
    relationships: [],
    canModifyLayer: false,
    canScaleSymbols: false,
    hasLabels: drawing.labelingInfo !== null,
    capabilities: 'Query',
    maxRecordCount,
    standardMaxRecordCount: maxRecordCount,
    supportedQueryFormats: QUERY_FORMATS,
    ...QUERY_CAPABILITIES,
    supportsPagination: true,
    supportsValidateSql: false,
    supportsApplyEditsWithGlobalIds: false,
    isDataVersioned: false,
    hasZ: false,
    hasM: false,
    allowGeometryUpdates: false,
    geometryType: GEOMETRY_TYPES[l.geometryType],
    objectIdField: OID_FIELD,
    globalIdField: '',
    uniqueIdField: { name: OID_FIELD, isSystemMaintained: true },
    dateFieldsTimeReference: { timeZone: 'UTC', respectsDaylightSaving: false },
    editingInfo: { lastEditDate: Date.parse(l.dataUpdatedAt) },
    ownershipBasedAccessControlForFeatures: null,
  };
}
