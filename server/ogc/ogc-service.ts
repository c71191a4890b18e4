import type { Caller } from '../auth/access.js';
import type { CatalogService } from '../catalog/catalog-service.js';
import type { LayerRecord } from '../catalog/layer-types.js';
import { buildFeatureQuery, type LimitPolicy } from '../features/feature-query.js';
import type { FeaturePage, FeaturesService } from '../features/features-service.js';
import { badRequest, notFound } from '../http/app-error.js';
import { CRS84 } from './ogc-json.js';

/** Query parameters items understands besides the layer's queryable properties. */
export const ITEMS_PARAMETERS = [
  'limit',
  'bbox',
  'bbox-crs',
  'datetime',
  'after',
  'offset',
  'sortby',
  'properties',
  'f',
  'filter',
  'filter-lang',
  'filter-crs',
];

/** OGC API Features as an adapter: collections are visible layers, items run the one feature query. */
export class OgcService {
  constructor(
    private readonly catalog: CatalogService,
    private readonly features: FeaturesService,
    private readonly policy: LimitPolicy,
  ) {}

  get limits(): LimitPolicy {
    return this.policy;
  }

  collections(caller: Caller): Promise<LayerRecord[]> {
    return this.catalog.visibleLayers(caller);
  }

  collection(caller: Caller, id: string): Promise<LayerRecord> {
    return this.catalog.getLayer(caller, id).catch((err: unknown) => {
      throw err instanceof Error && 'code' in err && err.code === 'layer_not_found'
        ? notFound('collection_not_found', `No collection "${id}". See /ogc/collections.`, {
            parameter: 'collectionId',
            value: id,
          })
        : err;
    });
  }

  /** query: the raw query string values; unknown names are a 400 as the standard asks. */
  async items(caller: Caller, id: string, query: Record<string, string>): Promise<FeaturePage> {
    const layer = await this.collection(caller, id);
    const queryable = layer.fields.map((f) => f.name);
    const equals: [string, string][] = [];
    for (const [name, value] of Object.entries(query)) {
      if (ITEMS_PARAMETERS.includes(name)) continue;
      if (!queryable.includes(name)) {
        throw badRequest(
          'unknown_parameter',
          `Unknown query parameter "${name}". Use ${ITEMS_PARAMETERS.filter((p) => p !== 'f').join(', ')}, or a queryable property: ${queryable.join(', ')}.`,
          { parameter: name, queryables: queryable },
        );
      }
      equals.push([name, value]);
    }
    for (const crsParam of ['bbox-crs', 'filter-crs']) {
      if (query[crsParam] !== undefined && query[crsParam] !== CRS84) {
        throw badRequest('invalid_parameter', `${crsParam} must be CRS84 (${CRS84}).`, {
          parameter: crsParam,
          value: query[crsParam],
        });
      }
    }
    return this.features.page(
      buildFeatureQuery(
        layer,
        {
          bbox: query.bbox,
          bboxStyle: 'ogc',
          filter: query.filter,
          filterLang: query['filter-lang'],
          equals,
          datetime: query.datetime,
          properties: query.properties,
          sortby: query.sortby,
          limit: query.limit === undefined ? undefined : wholeNumber(query.limit, 'limit', 1),
          after: query.after === undefined ? undefined : wholeNumber(query.after, 'after', 0),
          offset: query.offset === undefined ? undefined : wholeNumber(query.offset, 'offset', 0),
        },
        this.policy,
      ),
    );
  }

  async item(caller: Caller, id: string, featureId: string): Promise<{ layer: LayerRecord; feature: string }> {
    const layer = await this.collection(caller, id);
    const fid = /^\d{1,9}$/.test(featureId) ? Number(featureId) : 0;
    const feature = fid > 0 ? await this.features.one(layer, fid) : null;
    if (!feature)
      throw notFound('feature_not_found', `Collection "${id}" has no feature "${featureId}".`, {
        parameter: 'featureId',
        value: featureId,
      });
    return { layer, feature };
  }
}

/** A limit larger than 9 digits is still a number: it is clamped, as OGC API Features asks. */
function wholeNumber(text: string, parameter: string, min: number): number {
  if (!/^\d{1,15}$/.test(text) || Number(text) < min) {
    throw badRequest('invalid_parameter', `${parameter} must be a whole number of at least ${min}.`, {
      parameter,
      value: text,
    });
  }
  return Math.min(Number(text), 2_147_483_647);
}
