import type { Knex } from 'knex';
import { whereLayerVisible, type Caller } from '../auth/access.js';
import type { FieldDef, GeometryType, LayerRecord } from './layer-types.js';

interface LayerRow {
  id: number;
  storage_id: number;
  slug: string;
  title: string;
  description: string;
  agency_code: string;
  agency_name: string;
  agency_short_name: string;
  theme_code: string;
  theme_name: string;
  geometry_type: GeometryType;
  classification: LayerRecord['classification'];
  fields: FieldDef[];
  style: Record<string, unknown>;
  min_zoom: number;
  max_zoom: number;
  producer: string | null;
  custodian: string | null;
  contact_email: string | null;
  source: string | null;
  scale_denominator: number | null;
  update_frequency: string | null;
  last_update: string | null;
  license: string | null;
  keywords: string[];
  lineage: string | null;
  reference_system: string | null;
  is_sample: boolean;
  tile_fields: string[] | null;
  xmin: number | null;
  ymin: number | null;
  xmax: number | null;
  ymax: number | null;
  feature_count: number;
  data_version: number;
  data_updated_at: string;
  created_at: string;
  time_min: string | null;
  time_max: string | null;
  total?: number;
}

const LAYER_COLUMNS = [
  'l.id',
  'l.storage_id',
  'l.slug',
  'l.title',
  'l.description',
  'l.agency_code',
  'a.name as agency_name',
  'a.short_name as agency_short_name',
  'l.theme_code',
  't.name as theme_name',
  'l.geometry_type',
  'l.classification',
  'l.fields',
  'l.style',
  'l.min_zoom',
  'l.max_zoom',
  'l.producer',
  'l.custodian',
  'l.contact_email',
  'l.source',
  'l.scale_denominator',
  'l.update_frequency',
  'l.created_at',
  'l.license',
  'l.keywords',
  'l.lineage',
  'l.reference_system',
  'l.is_sample',
  'l.tile_fields',
  'l.feature_count',
  'l.data_version',
  'l.time_min',
  'l.time_max',
];

function layerQuery(knex: Knex, caller: Caller): Knex.QueryBuilder {
  const qb = knex('layers as l')
    .join('agencies as a', 'a.code', 'l.agency_code')
    .join('themes as t', 't.code', 'l.theme_code')
    .select(LAYER_COLUMNS)
    .select(knex.raw('l.last_update::text as last_update'))
    .select(knex.raw(`to_char(l.data_updated_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as data_updated_at`))
    .select(
      knex.raw(
        'ST_XMin(l.extent) as xmin, ST_YMin(l.extent) as ymin, ST_XMax(l.extent) as xmax, ST_YMax(l.extent) as ymax',
      ),
    );
  return whereLayerVisible(qb, caller);
}

/** snake_case rows to camelCase records: the one place that conversion happens for layers. */
function toLayerRecord(r: LayerRow): LayerRecord {
  return {
    id: r.id,
    storageId: r.storage_id,
    slug: r.slug,
    title: r.title,
    description: r.description,
    agencyCode: r.agency_code,
    agencyName: r.agency_name,
    agencyShortName: r.agency_short_name,
    themeCode: r.theme_code,
    themeName: r.theme_name,
    geometryType: r.geometry_type,
    classification: r.classification,
    fields: r.fields,
    style: r.style,
    minZoom: r.min_zoom,
    maxZoom: r.max_zoom,
    producer: r.producer,
    custodian: r.custodian,
    contactEmail: r.contact_email,
    source: r.source,
    scaleDenominator: r.scale_denominator,
    updateFrequency: r.update_frequency,
    lastUpdate: r.last_update,
    license: r.license,
    keywords: r.keywords,
    lineage: r.lineage,
    referenceSystem: r.reference_system,
    isSample: r.is_sample,
    tileFields: r.tile_fields,
    bbox:
      r.xmin === null || r.ymin === null || r.xmax === null || r.ymax === null
        ? null
        : [r.xmin, r.ymin, r.xmax, r.ymax],
    featureCount: r.feature_count,
    dataVersion: r.data_version,
    dataUpdatedAt: r.data_updated_at,
    createdAt: new Date(r.created_at).toISOString(),
    timeExtent: r.time_min === null || r.time_max === null ? null : [r.time_min, r.time_max],
  };
}

export async function findLayerBySlug(knex: Knex, caller: Caller, slug: string): Promise<LayerRecord | null> {
  const row = (await layerQuery(knex, caller).where('l.slug', slug).first()) as LayerRow | undefined;
  return row ? toLayerRecord(row) : null;
}

/** Visible layers among the slugs, in no particular order; missing and hidden ones are simply absent. */
export async function findLayersBySlugs(knex: Knex, caller: Caller, slugs: string[]): Promise<LayerRecord[]> {
  const rows = (await layerQuery(knex, caller).whereIn('l.slug', slugs)) as LayerRow[];
  return rows.map(toLayerRecord);
}

/** One compact row per visible layer, for clients that search the whole catalog themselves. */
export interface LayerIndexRow {
  id: string;
  title: string;
  agency: string;
  theme: string;
  geometryType: GeometryType;
  featureCount: number;
  bbox: [number, number, number, number] | null;
  color: string | null;
  keywords: string[];
  /** Not publik (only callers with a token see such rows). */
  restricted: boolean;
}

export async function layerIndex(knex: Knex, caller: Caller): Promise<LayerIndexRow[]> {
  const qb = knex('layers as l')
    .select(
      'l.slug',
      'l.title',
      'l.agency_code',
      'l.theme_code',
      'l.geometry_type',
      'l.feature_count',
      'l.keywords',
      'l.classification',
    )
    .select(knex.raw(`l.style->>'color' as color`))
    .select(
      knex.raw(
        'ST_XMin(l.extent) as xmin, ST_YMin(l.extent) as ymin, ST_XMax(l.extent) as xmax, ST_YMax(l.extent) as ymax',
      ),
    )
    .orderBy('l.title')
    .orderBy('l.slug');
  const rows = (await whereLayerVisible(qb, caller)) as {
    slug: string;
    title: string;
    agency_code: string;
    theme_code: string;
    geometry_type: GeometryType;
    feature_count: number;
    keywords: string[];
    classification: string;
    color: string | null;
    xmin: number | null;
    ymin: number | null;
    xmax: number | null;
    ymax: number | null;
  }[];
  const round = (n: number) => Math.round(n * 1e5) / 1e5;
  return rows.map((r) => ({
    id: r.slug,
    title: r.title,
    agency: r.agency_code,
    theme: r.theme_code,
    geometryType: r.geometry_type,
    featureCount: r.feature_count,
    keywords: r.keywords,
    color: r.color,
    restricted: r.classification !== 'publik',
    bbox:
      r.xmin === null || r.ymin === null || r.xmax === null || r.ymax === null
        ? null
        : [round(r.xmin), round(r.ymin), round(r.xmax), round(r.ymax)],
  }));
}

export interface LayerFilters {
  /** tsquery text built by toPrefixQuery; bound, never pasted. */
  tsquery: string | null;
  agency: string | null;
  theme: string | null;
  district: string | null;
  geometryType: GeometryType | null;
  /** Layers carrying this keyword (exact). */
  keyword?: string | null;
  /** Any of these agencies (CKAN `organization:a OR organization:b`). */
  agencyIn?: string[] | null;
  /** None of these agencies (CKAN `-organization:x`). */
  agencyNotIn?: string[] | null;
  /** Data last changed at or after / at or before (ISO 8601; CKAN `metadata_modified:[a TO b]`). */
  modifiedFrom?: string | null;
  modifiedTo?: string | null;
  /** Order when there is no text query (or `modified`/`id` always): title, newest data first, or id (slug, byte order). */
  sort?: 'relevance' | 'title' | 'modified' | 'id';
  limit: number;
  offset: number;
}

/**
 * Two steps: the matching ids are ranked and counted on the narrow `layer_search` rows (kept in
 * step with `layers` by a trigger), then only the page's rows are joined to their full metadata.
 */
export async function searchLayers(
  knex: Knex,
  caller: Caller,
  f: LayerFilters,
): Promise<{ total: number; items: LayerRecord[] }> {
  const order =
    f.sort === 'modified'
      ? knex.raw('l.data_updated_at desc, l.slug')
      : f.sort === 'id'
        ? knex.raw('l.slug collate "C"')
        : f.tsquery && f.sort !== 'title'
          ? knex.raw(
              `ts_rank_cd('{0.1, 0.2, 0.5, 1.0}'::float4[], l.search_vector, to_tsquery('simple', ?)) desc, l.title, l.slug`,
              [f.tsquery],
            )
          : knex.raw('l.title, l.slug');
  const matches = whereLayerVisible(
    knex('layer_search as l')
      .select('l.id')
      .select(knex.raw('count(*) over ()::int as total'))
      .select(knex.raw('row_number() over (order by ?) as rn', [order])),
    caller,
  );
  if (f.agency) matches.where('l.agency_code', f.agency);
  if (f.theme) matches.where('l.theme_code', f.theme);
  if (f.geometryType) matches.where('l.geometry_type', f.geometryType);
  if (f.district) {
    matches.whereExists(
      knex('layer_districts as ld')
        .select(knex.raw('1'))
        .whereRaw('ld.layer_id = l.id')
        .andWhere('ld.district_code', f.district),
    );
  }
  if (f.tsquery) matches.whereRaw(`l.search_vector @@ to_tsquery('simple', ?)`, [f.tsquery]);
  if (f.keyword) matches.whereRaw('? = any(l.keywords)', [f.keyword]);
  if (f.agencyIn) matches.whereIn('l.agency_code', f.agencyIn);
  if (f.agencyNotIn?.length) matches.whereNotIn('l.agency_code', f.agencyNotIn);
  if (f.modifiedFrom) matches.where('l.data_updated_at', '>=', f.modifiedFrom);
  if (f.modifiedTo) matches.where('l.data_updated_at', '<=', f.modifiedTo);
  const page = knex
    .from(matches.as('m'))
    .select('m.id', 'm.total', 'm.rn')
    .orderBy('m.rn')
    .limit(f.limit)
    .offset(f.offset)
    .as('page');
  const rows = (await layerQuery(knex, caller)
    .join(page, 'page.id', 'l.id')
    .select('page.total')
    .orderBy('page.rn')) as LayerRow[];
  const total = rows[0]?.total ?? (f.offset > 0 ? await countLayers(knex, caller, f) : 0);
  return { total, items: rows.map(toLayerRecord) };
}

/** Every layer the caller may see (optionally of one agency), by title, with full metadata. */
export async function allVisibleLayers(
  knex: Knex,
  caller: Caller,
  agency: string | null = null,
): Promise<LayerRecord[]> {
  const filters: LayerFilters = {
    tsquery: null,
    agency,
    theme: null,
    district: null,
    geometryType: null,
    limit: 1_000_000,
    offset: 0,
  };
  return (await searchLayers(knex, caller, filters)).items;
}

/** Only needed when the page is past the end: the window count then has no row to ride on. */
async function countLayers(knex: Knex, caller: Caller, f: LayerFilters): Promise<number> {
  const { total } = await searchLayers(knex, caller, { ...f, offset: 0, limit: 1 });
  return total;
}

export async function countVisibleLayers(knex: Knex, caller: Caller): Promise<number> {
  const row = (await whereLayerVisible(knex('layers as l').select(knex.raw('count(*)::int as n')), caller).first()) as {
    n: number;
  };
  return row.n;
}

/**
 * A value that changes whenever any layer, agency or theme row changes (insert, update, delete):
 * each row's xmin is the transaction that last wrote it. One scan of the small registry tables.
 */
export async function registryFingerprint(knex: Knex): Promise<string> {
  const { rows } = await knex.raw<{ rows: { f: string }[] }>(
    `select md5(
       (select coalesce(string_agg(id::text || ':' || xmin::text, ',' order by id), '') from layers) || '|' ||
       (select coalesce(string_agg(xmin::text, ',' order by code), '') from agencies) || '|' ||
       (select coalesce(string_agg(xmin::text, ',' order by code), '') from themes)) as f`,
  );
  return rows[0]?.f ?? '';
}
