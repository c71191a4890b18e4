import type { Knex } from 'knex';
import type { Caller } from '../auth/access.js';
import type { CatalogService } from '../catalog/catalog-service.js';
import { allVisibleLayers } from '../catalog/catalog-sql.js';
import type { LayerRecord } from '../catalog/layer-types.js';
import { countFeatures, previousCursor, selectFeature, selectFeaturePage } from '../features/features-sql.js';
import { badRequest, notFound } from '../http/app-error.js';
import { parseBbox, type Bbox } from '../http/coordinates.js';
import { CqlError, parseCql2 } from './cql2-parser.js';
import { cql2ToSql, type SqlFilter } from './cql2-sql.js';

export const DEFAULT_LIMIT = 10;
export const MAX_LIMIT = 10_000;
/** Query parameters items understands besides the layer's queryable properties. */
export const ITEMS_PARAMETERS = ['limit', 'bbox', 'bbox-crs', 'datetime', 'after', 'f', 'filter', 'filter-lang', 'filter-crs'];

export interface ItemsPage {
  layer: LayerRecord;
  features: string;
  numberReturned: number;
  numberMatched: number;
  next: number | null;
  /** Cursor of the previous page (0 = the first page); null on the first page. */
  prev: number | null;
  limit: number;
}

/** OGC API Features on the layer registry and the features queries the /api uses. */
export class OgcService {
  constructor(private readonly knex: Knex, private readonly catalog: CatalogService) {}

  /**
   * numberMatched by layer, data version and filters: paging through a collection repeats the
   * same count on every page. The data version is in the key, so a count is never stale.
   */
  private readonly counts = new Map<string, number>();

  private async count(layer: LayerRecord, filters: Parameters<typeof countFeatures>[1]): Promise<number> {
    const key = `${layer.id}|${layer.dataVersion}|${JSON.stringify([filters.bbox, filters.equals, filters.where])}`;
    const known = this.counts.get(key);
    if (known !== undefined) return known;
    const n = await countFeatures(this.knex, filters);
    if (this.counts.size >= 10_000) this.counts.clear();
    this.counts.set(key, n);
    return n;
  }

  collections(caller: Caller): Promise<LayerRecord[]> {
    return allVisibleLayers(this.knex, caller);
  }

  collection(caller: Caller, id: string): Promise<LayerRecord> {
    return this.catalog.getLayer(caller, id).catch((err: unknown) => {
      throw (err instanceof Error && 'code' in err && err.code === 'layer_not_found')
        ? notFound('collection_not_found', `No collection "${id}". See /ogc/collections.`, { parameter: 'collectionId', value: id })
        : err;
    });
  }

  /** query: the raw query string values; unknown names are a 400 as the standard asks. */
  async items(caller: Caller, id: string, query: Record<string, string>): Promise<ItemsPage> {
    const layer = await this.collection(caller, id);
    const queryable = layer.fields.map((f) => f.name);
    const equals: [string, string][] = [];
    for (const [name, value] of Object.entries(query)) {
      if (ITEMS_PARAMETERS.includes(name)) continue;
      if (!queryable.includes(name)) {
        throw badRequest('unknown_parameter', `Unknown query parameter "${name}". Use limit, bbox, or a queryable property: ${queryable.join(', ')}.`, { parameter: name, queryables: queryable });
      }
      equals.push([name, value]);
    }
    if (query['bbox-crs'] !== undefined && query['bbox-crs'] !== 'http://www.opengis.net/def/crs/OGC/1.3/CRS84') {
      throw badRequest('invalid_parameter', 'bbox-crs must be CRS84 (http://www.opengis.net/def/crs/OGC/1.3/CRS84).', { parameter: 'bbox-crs' });
    }
    const limit = query.limit === undefined ? DEFAULT_LIMIT : Math.min(MAX_LIMIT, positiveInt(query.limit, 'limit'));
    const after = query.after === undefined ? 0 : positiveInt(query.after, 'after', 0);
    const bbox = query.bbox === undefined ? null : ogcBbox(query.bbox);
    const clauses = [query.filter === undefined ? null : cqlFilter(query, layer), query.datetime === undefined ? null : datetimeFilter(query.datetime, layer)]
      .filter((c): c is SqlFilter => c !== null);
    const where = clauses.length ? { sql: clauses.map((c) => `(${c.sql})`).join(' and '), bindings: clauses.flatMap((c) => c.bindings) } : undefined;
    const filters = { layerId: layer.id, bbox, district: null, equals, where };
    const [page, numberMatched, prev] = await Promise.all([
      selectFeaturePage(this.knex, { ...filters, clip: false, properties: null, afterFid: after, limit }),
      this.count(layer, filters),
      after > 0 ? previousCursor(this.knex, { ...filters, afterFid: after, limit }) : Promise.resolve(null),
    ]);
    const numberReturned = Math.min(page.found, limit);
    return { layer, features: page.features, numberReturned, numberMatched, next: page.found > limit ? page.lastFid : null, prev, limit };
  }

  async item(caller: Caller, id: string, featureId: string): Promise<{ layer: LayerRecord; feature: string }> {
    const layer = await this.collection(caller, id);
    const fid = /^\d{1,9}$/.test(featureId) ? Number(featureId) : 0;
    const feature = fid > 0 ? await selectFeature(this.knex, layer.id, fid) : null;
    if (!feature) throw notFound('feature_not_found', `Collection "${id}" has no feature "${featureId}".`, { parameter: 'featureId', value: featureId });
    return { layer, feature };
  }
}

function positiveInt(text: string, parameter: string, min = 1): number {
  if (!/^\d{1,9}$/.test(text) || Number(text) < min) {
    throw badRequest('invalid_parameter', `${parameter} must be a whole number of at least ${min}.`, { parameter, value: text });
  }
  return Number(text);
}

/** 4 numbers (2D) or 6 (with heights, which we ignore), lon/lat CRS84. */
function ogcBbox(text: string): Bbox {
  const parts = text.split(',');
  if (parts.length === 6) return parseBbox([parts[0], parts[1], parts[3], parts[4]].join(','));
  return parseBbox(text);
}

/** filter + filter-lang=cql2-text (the default) into bound SQL; any problem is a 400 that says where. */
function cqlFilter(query: Record<string, string>, layer: LayerRecord): SqlFilter {
  const lang = query['filter-lang'] ?? 'cql2-text';
  if (lang !== 'cql2-text') {
    throw badRequest('invalid_parameter', 'filter-lang must be cql2-text (cql2-json is not supported yet).', { parameter: 'filter-lang', value: lang });
  }
  if (query['filter-crs'] !== undefined && query['filter-crs'] !== 'http://www.opengis.net/def/crs/OGC/1.3/CRS84') {
    throw badRequest('invalid_parameter', 'filter-crs must be CRS84.', { parameter: 'filter-crs' });
  }
  try {
    return cql2ToSql(parseCql2(query.filter ?? ''), layer.fields);
  } catch (err) {
    if (err instanceof CqlError) {
      throw badRequest('invalid_filter', `filter: ${err.message}.`, { parameter: 'filter', position: err.position + 1, queryables: layer.fields.map((f) => f.name) });
    }
    throw err;
  }
}

const INSTANT = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2}))?$/;

/**
 * datetime (RFC 3339 instant, or interval a/b with `..` for open ends) against the layer's time
 * field: its first property of type date. A layer without one cannot be filtered by time.
 */
function datetimeFilter(text: string, layer: LayerRecord): SqlFilter {
  const field = layer.fields.find((f) => f.type === 'date');
  if (!field) {
    throw badRequest('invalid_parameter', `Collection "${layer.slug}" has no time field, so datetime cannot filter it.`, { parameter: 'datetime' });
  }
  const parts = text.split('/');
  const ok = (p: string) => p === '..' || p === '' || (INSTANT.test(p) && !Number.isNaN(Date.parse(p)));
  if (parts.length > 2 || !parts.every(ok) || (parts.length === 1 && !INSTANT.test(text)) || parts.every((p) => p === '..' || p === '')) {
    throw badRequest('invalid_parameter', 'datetime must be an RFC 3339 date or date-time, or an interval start/end with ".." for an open end, e.g. 2024-01-01/2024-06-30.', { parameter: 'datetime', value: text });
  }
  const day = (p: string) => p.slice(0, 10);
  const [start = '..', end = start] = parts;
  const sql: string[] = [];
  const bindings: string[] = [];
  if (start !== '..' && start !== '') { sql.push('(f.properties ->> ?)::date >= ?::date'); bindings.push(field.name, day(start)); }
  if (end !== '..' && end !== '') { sql.push('(f.properties ->> ?)::date <= ?::date'); bindings.push(field.name, day(end)); }
  return { sql: sql.join(' and '), bindings };
}
