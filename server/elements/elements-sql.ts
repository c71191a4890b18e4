import type { Knex } from 'knex';
import { whereLayerVisible, type Caller } from '../auth/access.js';
import type { ElementRecord, Level } from './element-types.js';

interface ElementRow {
  id: number;
  slug: string;
  name: string;
  definition: string;
  unit: string;
  measure_type: ElementRecord['measureType'];
  frequency: ElementRecord['frequency'];
  agency_code: string;
  agency_name: string;
  theme_code: string;
  theme_name: string;
  custodian: string | null;
  source: string | null;
  classification: ElementRecord['classification'];
  license: string | null;
  keywords: string[];
  notes: string | null;
  caveats: string[];
  is_sample: boolean;
  levels: Level[];
  first_period: string | null;
  last_period: string | null;
  value_count: number;
  data_version: number;
  modified_at: string;
  created_at: string;
  total?: number;
}

const COLUMNS = [
  'e.id',
  'e.slug',
  'e.name',
  'e.definition',
  'e.unit',
  'e.measure_type',
  'e.frequency',
  'e.agency_code',
  'a.name as agency_name',
  'e.theme_code',
  't.name as theme_name',
  'e.custodian',
  'e.source',
  'e.classification',
  'e.license',
  'e.keywords',
  'e.notes',
  'e.caveats',
  'e.is_sample',
  'e.levels',
  'e.first_period',
  'e.last_period',
  'e.value_count',
  'e.data_version',
  'e.modified_at',
  'e.created_at',
];

/** snake_case rows to camelCase records: the one place that conversion happens for elements. */
function toRecord(r: ElementRow): ElementRecord {
  return {
    id: r.id,
    slug: r.slug,
    name: r.name,
    definition: r.definition,
    unit: r.unit,
    measureType: r.measure_type,
    frequency: r.frequency,
    agencyCode: r.agency_code,
    agencyName: r.agency_name,
    themeCode: r.theme_code,
    themeName: r.theme_name,
    custodian: r.custodian,
    source: r.source,
    classification: r.classification,
    license: r.license,
    keywords: r.keywords,
    notes: r.notes,
    caveats: r.caveats,
    isSample: r.is_sample,
    levels: r.levels,
    firstPeriod: r.first_period,
    lastPeriod: r.last_period,
    valueCount: r.value_count,
    dataVersion: r.data_version,
    modifiedAt: new Date(r.modified_at).toISOString(),
    createdAt: new Date(r.created_at).toISOString(),
  };
}

/** Elements the caller may see: the layers' rule, on the element's classification and agency. */
function visible(knex: Knex, caller: Caller): Knex.QueryBuilder {
  return whereLayerVisible(
    knex('elements as e')
      .join('agencies as a', 'a.code', 'e.agency_code')
      .join('themes as t', 't.code', 'e.theme_code'),
    caller,
    'e',
  );
}

export interface ElementFilters {
  /** tsquery text built by toPrefixQuery; bound, never pasted. */
  tsquery: string | null;
  agency: string | null;
  theme: string | null;
  level: Level | null;
  /** Elements with at least one value in this period. */
  period: string | null;
  /** Elements with this keyword (CKAN fq tags:). */
  keyword?: string | null;
  agencyIn?: string[] | null;
  agencyNotIn?: string[] | null;
  modifiedFrom?: string | null;
  modifiedTo?: string | null;
  /** relevance (with a query; else by name), title (name), modified (values last changed, newest first) or id (slug, byte order). */
  sort?: 'relevance' | 'title' | 'modified' | 'id';
}

/** Matching elements in the narrow search table (migration 010), visible to the caller. */
function matching(knex: Knex, caller: Caller, f: ElementFilters): Knex.QueryBuilder {
  const q = whereLayerVisible(knex('element_search as s'), caller, 's');
  if (f.tsquery) q.whereRaw(`s.search_vector @@ to_tsquery('simple', ?)`, [f.tsquery]);
  if (f.agency) q.where('s.agency_code', f.agency);
  if (f.theme) q.where('s.theme_code', f.theme);
  if (f.level) q.whereRaw('? = any(s.levels)', [f.level]);
  if (f.keyword) q.whereRaw('? = any(s.keywords)', [f.keyword]);
  if (f.agencyIn) q.whereIn('s.agency_code', f.agencyIn);
  if (f.agencyNotIn?.length) q.whereNotIn('s.agency_code', f.agencyNotIn);
  if (f.modifiedFrom) q.where('s.modified_at', '>=', f.modifiedFrom);
  if (f.modifiedTo) q.where('s.modified_at', '<=', f.modifiedTo);
  if (f.period) {
    q.whereExists(
      knex('element_values as v').select(knex.raw('1')).whereRaw('v.element_id = s.id').andWhere('v.period', f.period),
    );
  }
  return q;
}

/**
 * A page of matching elements, by relevance with a query, else by name; with the total. The
 * order and the page come from the narrow search table; only the page's rows are then read whole.
 */
export async function searchElements(
  knex: Knex,
  caller: Caller,
  f: ElementFilters,
  page: { limit: number; offset: number },
): Promise<{ total: number; items: ElementRecord[] }> {
  const order =
    f.sort === 'modified'
      ? knex.raw('s.modified_at desc, s.slug')
      : f.sort === 'id'
        ? knex.raw('s.slug collate "C"')
        : f.tsquery && f.sort !== 'title'
          ? knex.raw(
              `ts_rank_cd('{0.1, 0.2, 0.5, 1.0}'::float4[], s.search_vector, to_tsquery('simple', ?)) desc, s.name, s.slug`,
              [f.tsquery],
            )
          : knex.raw('s.name, s.slug');
  const hits = (await matching(knex, caller, f)
    .select('s.id', knex.raw('count(*) over ()::int as total'))
    .orderByRaw('?', [order])
    .limit(page.limit)
    .offset(page.offset)) as { id: number; total: number }[];
  const total = hits[0]?.total ?? (page.offset > 0 ? await countElements(knex, caller, f) : 0);
  if (hits.length === 0) return { total, items: [] };
  const rows = (await visible(knex, caller)
    .select(COLUMNS)
    .whereIn(
      'e.id',
      hits.map((h) => h.id),
    )) as ElementRow[];
  const byId = new Map(rows.map((r) => [r.id, r]));
  return {
    total,
    items: hits
      .map((h) => byId.get(h.id))
      .filter((r): r is ElementRow => r !== undefined)
      .map(toRecord),
  };
}

async function countElements(knex: Knex, caller: Caller, f: ElementFilters): Promise<number> {
  const rows = (await matching(knex, caller, f).count<{ n: string }[]>('* as n')) as { n: string }[];
  return Number(rows[0]?.n ?? 0);
}

export interface Facet {
  code: string;
  count: number;
}

/** Counts of the matching elements by agency, theme and level. */
export async function elementFacets(
  knex: Knex,
  caller: Caller,
  f: ElementFilters,
): Promise<{ agency: Facet[]; theme: Facet[]; level: Facet[] }> {
  const base = matching(knex, caller, f).select('s.agency_code', 's.theme_code', 's.levels');
  const { rows } = await knex.raw<{ rows: { kind: string; code: string; count: number }[] }>(
    `with m as (?)
     select 'agency' as kind, agency_code as code, count(*)::int as count from m group by agency_code
     union all select 'theme', theme_code, count(*)::int from m group by theme_code
     union all select 'level', l, count(*)::int from m, unnest(m.levels) l group by l
     order by 1, 3 desc, 2`,
    [base],
  );
  const of = (kind: string) => rows.filter((r) => r.kind === kind).map((r) => ({ code: r.code, count: r.count }));
  return { agency: of('agency'), theme: of('theme'), level: of('level') };
}

export async function findElement(knex: Knex, caller: Caller, slug: string): Promise<ElementRecord | null> {
  const row = (await visible(knex, caller).select(COLUMNS).where('e.slug', slug).first()) as ElementRow | undefined;
  return row ? toRecord(row) : null;
}

export interface PeriodRow {
  level: Level;
  period: string;
  values: number;
  missing: number;
  districts: number;
}

/** Each level and period of an element: values present, values missing, districts at that level. */
export async function elementPeriods(knex: Knex, elementId: number): Promise<PeriodRow[]> {
  const { rows } = await knex.raw<{ rows: PeriodRow[] }>(
    `select v.level, v.period, count(v.value)::int as values, (count(*) - count(v.value))::int as missing,
            (select count(*)::int from districts d where d.level = v.level) as districts
       from element_values v where v.element_id = ?
      group by v.level, v.period
      order by array_position(array['kota','kecamatan','kelurahan'], v.level), v.period`,
    [elementId],
  );
  return rows;
}

export interface ValueRow {
  code: string;
  name: string;
  parentCode: string | null;
  value: number | null;
  missingReason: string | null;
  status: string;
  footnote: string | null;
}

/**
 * Every district of the level with the element's value in the period: districts without a row
 * come back with value null and reason null ("no data"), never 0.
 */
export async function elementValues(knex: Knex, elementId: number, level: Level, period: string): Promise<ValueRow[]> {
  const { rows } = await knex.raw<{ rows: ValueRow[] }>(
    `select d.code, d.name, d.parent_code as "parentCode", v.value, v.missing_reason as "missingReason",
            coalesce(v.status, 'tetap') as status, v.footnote
       from districts d
       left join element_values v on v.district_code = d.code and v.element_id = ? and v.level = ? and v.period = ?
      where d.level = ?
      order by d.code`,
    [elementId, level, period, level],
  );
  return rows;
}

/** One district's values of an element in every period, oldest first (the popup's time series). */
export async function districtSeries(
  knex: Knex,
  elementId: number,
  code: string,
): Promise<{ period: string; value: number | null; missingReason: string | null; status: string }[]> {
  const { rows } = await knex.raw<{
    rows: { period: string; value: number | null; missingReason: string | null; status: string }[];
  }>(
    `select period, value, missing_reason as "missingReason", status
       from element_values v join districts d on d.code = v.district_code and d.level = v.level
      where v.element_id = ? and v.district_code = ? order by period`,
    [elementId, code],
  );
  return rows;
}

/** Every value of an element, all levels and periods, with the district's name, for the full CSV. */
export async function allValues(
  knex: Knex,
  elementId: number,
): Promise<(ValueRow & { level: Level; period: string })[]> {
  const { rows } = await knex.raw<{ rows: (ValueRow & { level: Level; period: string })[] }>(
    `select v.district_code as code, d.name, d.parent_code as "parentCode", v.level, v.period, v.value,
            v.missing_reason as "missingReason", v.status, v.footnote
       from element_values v join districts d on d.code = v.district_code
      where v.element_id = ?
      order by array_position(array['kota','kecamatan','kelurahan'], v.level), v.period, v.district_code`,
    [elementId],
  );
  return rows;
}

/** The same as GeoJSON text: district polygons (RFC 7946, 6 decimals) with the value joined, built by the database. */
export async function elementGeojson(knex: Knex, elementId: number, level: Level, period: string): Promise<string> {
  const { rows } = await knex.raw<{ rows: { features: string }[] }>(
    `select coalesce(string_agg('{"type":"Feature","id":' || to_json(d.code)::text || ',"geometry":'
              || ST_AsGeoJSON(ST_ForcePolygonCCW(d.geom), 6) || ',"properties":'
              || json_build_object('code', d.code, 'name', d.name, 'value', v.value, 'missingReason', v.missing_reason,
                                   'status', coalesce(v.status, 'tetap'), 'footnote', v.footnote)::text || '}', ',' order by d.code), '') as features
       from districts d
       left join element_values v on v.district_code = d.code and v.element_id = ? and v.level = ? and v.period = ?
      where d.level = ?`,
    [elementId, level, period, level],
  );
  return rows[0]?.features ?? '';
}

export interface ProfileRow {
  isSample: boolean;
  slug: string;
  name: string;
  unit: string;
  measureType: string;
  agencyCode: string;
  themeCode: string;
  period: string;
  value: number;
  status: string;
  rank: number | null;
  siblings: number | null;
  previousPeriod: string | null;
  previousValue: number | null;
}

/**
 * Every visible element's latest value at a district, its rank among the districts of the same
 * level and parent in that period (1 = highest), and the value of the period before.
 */
export async function districtProfile(
  knex: Knex,
  caller: Caller,
  code: string,
  parentCode: string | null,
): Promise<ProfileRow[]> {
  const mine = visible(knex, caller)
    .join('element_values as v', 'v.element_id', 'e.id')
    .distinctOn('v.element_id')
    .select('v.element_id', 'v.level', 'v.period', 'v.value', 'v.status')
    .where('v.district_code', code)
    .whereNotNull('v.value')
    .orderBy([{ column: 'v.element_id' }, { column: 'v.period', order: 'desc' }]);
  const { rows } = await knex.raw<{ rows: ProfileRow[] }>(
    `with mine as (?)
     select e.slug, e.name, e.unit, e.measure_type as "measureType", e.agency_code as "agencyCode", e.theme_code as "themeCode",
            e.is_sample as "isSample", m.period, m.value, m.status, r.rnk as rank, r.n as siblings,
            p.period as "previousPeriod", p.value as "previousValue"
       from mine m
       join elements e on e.id = m.element_id
       -- Rank among siblings (same level, codes under the same parent): 1 + how many are higher, as
       -- rank() gives it; one primary-key range per element rather than a scan of every value.
       left join lateral (
         select (count(*) filter (where s.value > m.value) + 1)::int as rnk, count(*)::int as n
           from element_values s
          where s.element_id = m.element_id and s.level = m.level and s.period = m.period
            and s.value is not null and starts_with(s.district_code, ?)) r on true
       left join lateral (
         select pv.period, pv.value from element_values pv
          where pv.element_id = m.element_id and pv.level = m.level and pv.district_code = ?
            and pv.period < m.period and pv.period <> '' and pv.value is not null
          order by pv.period desc limit 1) p on true
      order by e.theme_code, e.name, e.slug`,
    [mine, parentCode === null ? code : `${parentCode}.`, code],
  );
  return rows;
}

/** Changes whenever any element row is written (its xmin moves): what cached whole lists are checked against. */
export async function elementsFingerprint(knex: Knex): Promise<string> {
  const { rows } = await knex.raw<{ rows: { f: string }[] }>(
    `select md5(coalesce(string_agg(id::text || ':' || xmin::text, ',' order by id), '')) as f from elements`,
  );
  return rows[0]?.f ?? '';
}
