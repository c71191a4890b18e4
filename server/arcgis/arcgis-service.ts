import type { Caller } from '../auth/access.js';
import type { CatalogService } from '../catalog/catalog-service.js';
import type { LayerRecord } from '../catalog/layer-types.js';
import type { Expr } from '../features/cql2-ast.js';
import { buildFeatureQuery, type LimitPolicy } from '../features/feature-query.js';
import type { FeaturesService } from '../features/features-service.js';
import { badRequest, notFound } from '../http/app-error.js';
import { esriFields, fieldsJson, OID_FIELD, orderBy, outFields, whereSchema } from './esri-fields.js';
import { spatialFilter } from './esri-geometry.js';
import { GEOMETRY_TYPES } from './layer-json.js';
import { bool, format, param, refuseUnsupported, whole, type Format, type Params } from './query-params.js';
import { parseSpatialReference, spatialReferenceJson } from './spatial-reference.js';
import { parseWhere, WhereError } from './where-parser.js';

/** What a query answers: a small JSON object (counts, ids, extents), or a page of feature texts to splice. */
export type QueryResult =
  | { kind: 'json'; format: Format; body: Record<string, unknown> }
  | {
      kind: 'features';
      format: Format;
      /** Esri FeatureSet members before `features` (json), or nothing (geojson). */
      head: Record<string, unknown>;
      /** Feature texts joined by commas, as the database wrote them. */
      features: string;
      exceededTransferLimit: boolean;
    };

const MAX_OBJECT_IDS = 10_000;
const MAX_WHERE = 50_000;
/** Feature ids are PostgreSQL integers. */
const MAX_FID = 2_147_483_647;

/**
 * The GeoServices REST API as an adapter over the catalog and the one feature query: every
 * visible layer is the FeatureServer `{agency}/{layer id}` with one layer (0); a query's where,
 * objectIds and geometry become the feature query's filter tree, outFields and outSR its
 * encoding, orderByFields/resultOffset/resultRecordCount its order and page.
 */
export class ArcgisService {
  private readonly policy: LimitPolicy;

  constructor(
    private readonly catalog: CatalogService,
    private readonly features: FeaturesService,
    /** The largest page (maxRecordCount); clients page past it with resultOffset. */
    readonly maxRecordCount: number,
  ) {
    this.policy = { defaultLimit: maxRecordCount, maxLimit: maxRecordCount, overMax: 'clamp' };
  }

  /** The agencies with a layer the caller may see: the folders of the services directory. */
  async folders(caller: Caller): Promise<string[]> {
    const layers = await this.catalog.visibleLayers(caller);
    return [...new Set(layers.map((l) => l.agencyCode))].sort();
  }

  /** A folder's visible layers; a folder without any is not found, like a missing one. */
  async folder(caller: Caller, folder: string): Promise<LayerRecord[]> {
    const layers = (await this.catalog.visibleLayers(caller)).filter((l) => l.agencyCode === folder);
    if (layers.length === 0) throw missing(folder);
    return layers.sort((a, b) => a.slug.localeCompare(b.slug));
  }

  /** The layer behind `{folder}/{service}/FeatureServer` (and its layer 0), if the caller may see it. */
  async layer(caller: Caller, folder: string, service: string, layerId = '0'): Promise<LayerRecord> {
    const path = `${folder}/${service}/FeatureServer${layerId === '0' ? '' : `/${layerId}`}`;
    if (layerId !== '0') throw missing(path);
    const layer = await this.catalog.getLayer(caller, service).catch((err: unknown) => {
      throw err instanceof Error && 'code' in err && err.code === 'layer_not_found' ? missing(path) : err;
    });
    if (layer.agencyCode !== folder) throw missing(path);
    return layer;
  }

  async query(layer: LayerRecord, p: Params): Promise<QueryResult> {
    refuseUnsupported(p);
    const f = format(p, true);
    const fields = esriFields(layer);
    const defaultSr = parseSpatialReference(param(p, 'defaultSR'), 'defaultSR', 4326);
    const outSr = parseSpatialReference(param(p, 'outSR'), 'outSR', defaultSr);
    const filters: Expr[] = [];
    const where = param(p, 'where');
    if (where !== undefined) filters.push(whereExpr(where, fields));
    const objectIds = param(p, 'objectIds');
    if (objectIds !== undefined) filters.push({ kind: 'ids', ids: idList(objectIds) });
    const spatial = spatialFilter(
      {
        geometry: param(p, 'geometry'),
        geometryType: param(p, 'geometryType'),
        inSR: param(p, 'inSR'),
        spatialRel: param(p, 'spatialRel'),
      },
      defaultSr,
    );
    if (spatial) filters.push(spatial);
    const out = outFields(param(p, 'outFields'), fields);
    const returnGeometry = bool(p, 'returnGeometry', true);
    const precision = whole(p, 'geometryPrecision', 17);
    const srid = f === 'geojson' ? 4326 : outSr;
    const q = buildFeatureQuery(
      layer,
      {
        filterExpr:
          filters.length === 0 ? undefined : filters.length === 1 ? filters[0] : { kind: 'and', args: filters },
        sortby: orderBy(param(p, 'orderByFields'), fields),
        limit: whole(p, 'resultRecordCount'),
        offset: whole(p, 'resultOffset'),
        esri: {
          format: f === 'geojson' ? 'geojson' : 'esri',
          fields: out.map((o) => [o.property, o.name, o.type]),
          oidField: OID_FIELD,
          srid: returnGeometry ? srid : null,
          // 7 decimals of a degree and 2 of a metre are both about a centimetre.
          decimals: precision ?? (srid === 3857 ? 2 : 7),
        },
      },
      this.policy,
    );

    const countOnly = bool(p, 'returnCountOnly', false);
    if (bool(p, 'returnExtentOnly', false)) {
      const { count, bbox } = await this.features.extent(q, srid);
      // The box comes in the answer's coordinates (3857: from the stored Web Mercator copy).
      const extent = bbox && { xmin: bbox[0], ymin: bbox[1], xmax: bbox[2], ymax: bbox[3] };
      const body: Record<string, unknown> =
        f === 'geojson' ? { bbox } : { extent: extent && { ...extent, spatialReference: spatialReferenceJson(srid) } };
      if (countOnly) body.count = count;
      return { kind: 'json', format: f, body };
    }
    if (countOnly) return { kind: 'json', format: f, body: { count: await this.features.matched(q) } };
    if (bool(p, 'returnIdsOnly', false))
      return { kind: 'json', format: f, body: { objectIdFieldName: OID_FIELD, objectIds: await this.features.ids(q) } };

    const page = await this.features.slice(q);
    return {
      kind: 'features',
      format: f,
      head: {
        objectIdFieldName: OID_FIELD,
        uniqueIdField: { name: OID_FIELD, isSystemMaintained: true },
        globalIdFieldName: '',
        geometryType: GEOMETRY_TYPES[layer.geometryType],
        spatialReference: spatialReferenceJson(outSr),
        fields: fieldsJson(out),
      },
      features: page.features,
      exceededTransferLimit: page.more,
    };
  }
}

function missing(path: string): Error {
  return notFound('service_not_found', `No service at ${path}. See /arcgis/rest/services for the list.`, {
    path,
  });
}

function whereExpr(text: string, fields: ReturnType<typeof esriFields>): Expr {
  // Bounded so that no clause needs more bound values than one statement may carry (65,535).
  if (text.length > MAX_WHERE)
    throw badRequest(
      'invalid_filter',
      `where is longer than ${MAX_WHERE.toLocaleString('en')} characters; select long lists of features by objectIds.`,
      { parameter: 'where', length: text.length },
    );
  try {
    return parseWhere(text, whereSchema(fields));
  } catch (err) {
    if (err instanceof WhereError)
      throw badRequest('invalid_filter', `where: ${err.message} (at character ${err.position + 1}).`, {
        parameter: 'where',
        position: err.position + 1,
      });
    throw err;
  }
}

/** objectIds: whole numbers separated by commas (one past the largest feature id matches nothing). */
function idList(text: string): number[] {
  const parts = text.split(',').map((s) => s.trim());
  if (parts.length > MAX_OBJECT_IDS || parts.some((s) => !/^\d{1,10}$/.test(s)))
    throw badRequest(
      'invalid_parameter',
      `objectIds must be up to ${MAX_OBJECT_IDS} whole numbers separated by commas.`,
      { parameter: 'objectIds' },
    );
  return parts.map(Number).filter((n) => n <= MAX_FID);
}
