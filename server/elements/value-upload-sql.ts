import type { Knex } from 'knex';
import { whereLayerVisible, type Caller } from '../auth/access.js';
import type { StagingTable } from '../db/copy-staging.js';
import type { Frequency, Level, MeasureType } from './element-types.js';
import type { DistrictRow } from './value-check.js';

/** Checked rows of a values upload wait here until the whole file has passed. */
export const VALUE_ROWS: StagingTable = {
  name: 'value_rows',
  columns: [
    ['row_no', 'integer'],
    ['element_id', 'integer'],
    ['level', 'text'],
    ['period', 'text'],
    ['district_code', 'text'],
    ['value', 'double precision'],
    ['missing_reason', 'text'],
    ['status', 'text'],
    ['footnote', 'text'],
  ],
};

export interface LoadableElement {
  id: number;
  slug: string;
  measureType: MeasureType;
  frequency: Frequency;
  agencyCode: string;
  derived: boolean;
  dataVersion: number;
}

/** Elements the caller may see, by slug (or all of them), with what a values upload needs of each. */
export async function loadableElements(knex: Knex, caller: Caller, slug?: string): Promise<LoadableElement[]> {
  const q = whereLayerVisible(knex('elements as e'), caller, 'e').select(
    'e.id',
    'e.slug',
    'e.measure_type',
    'e.frequency',
    'e.agency_code',
    knex.raw('(e.derivation is not null) as derived'),
    'e.data_version',
  );
  if (slug !== undefined) q.where('e.slug', slug);
  const rows = (await q) as {
    id: number;
    slug: string;
    measure_type: MeasureType;
    frequency: Frequency;
    agency_code: string;
    derived: boolean;
    data_version: number;
  }[];
  return rows.map((r) => ({
    id: r.id,
    slug: r.slug,
    measureType: r.measure_type,
    frequency: r.frequency,
    agencyCode: r.agency_code,
    derived: r.derived,
    dataVersion: r.data_version,
  }));
}

export async function allDistricts(knex: Knex): Promise<DistrictRow[]> {
  const rows = await knex<{
    code: string;
    code_compact: string;
    name: string;
    level: Level;
    parent_code: string | null;
  }>('districts').select('code', 'code_compact', 'name', 'level', 'parent_code');
  return rows.map((r) => ({
    code: r.code,
    codeCompact: r.code_compact,
    name: r.name,
    level: r.level,
    parentCode: r.parent_code,
  }));
}

/** Locks the elements a load writes, in id order, so concurrent loads into one element queue. */
export async function lockElements(trx: Knex, ids: number[]): Promise<Map<number, number>> {
  const { rows } = await trx.raw<{ rows: { id: number; data_version: number }[] }>(
    `select id, data_version from elements where id in (select (jsonb_array_elements_text(?::jsonb))::int) order by id for update`,
    [JSON.stringify(ids)],
  );
  return new Map(rows.map((r) => [r.id, r.data_version]));
}

export interface DuplicateRows {
  total: number;
  items: { rows: number[]; elementId: number; period: string; districtCode: string }[];
}

/** Rows that name the same element, district and period more than once. */
export async function duplicateRows(trx: Knex, max: number): Promise<DuplicateRows> {
  const { rows } = await trx.raw<{
    rows: { element_id: number; period: string; district_code: string; rows: number[]; total: number }[];
  }>(
    `select element_id, period, district_code, (array_agg(row_no order by row_no))[1:5] as rows, count(*) over ()::int as total
       from value_rows group by element_id, level, period, district_code having count(*) > 1
      order by min(row_no) limit ?`,
    [max],
  );
  return {
    total: rows[0]?.total ?? 0,
    items: rows.map((r) => ({
      rows: r.rows,
      elementId: r.element_id,
      period: r.period,
      districtCode: r.district_code,
    })),
  };
}

/** Removes every value of the staged elements (mode=replace); returns how many. */
export async function deleteValuesOf(trx: Knex, ids: number[]): Promise<number> {
  const { rows } = await trx.raw<{ rows: { n: number }[] }>(
    `with gone as (delete from element_values where element_id in (select (jsonb_array_elements_text(?::jsonb))::int) returning 1)
     select count(*)::int as n from gone`,
    [JSON.stringify(ids)],
  );
  return rows[0]?.n ?? 0;
}

/** Writes the staged rows: new ones inserted, existing ones updated where something differs. */
export async function mergeValues(trx: Knex): Promise<{ inserted: number; updated: number }> {
  const { rows } = await trx.raw<{ rows: { inserted: number; updated: number }[] }>(
    `with up as (
       insert into element_values (element_id, level, period, district_code, value, missing_reason, status, footnote)
       select element_id, level, period, district_code, value, missing_reason, status, footnote from value_rows
       on conflict (element_id, level, period, district_code) do update
          set value = excluded.value, missing_reason = excluded.missing_reason, status = excluded.status, footnote = excluded.footnote
        where (element_values.value, element_values.missing_reason, element_values.status, element_values.footnote)
              is distinct from (excluded.value, excluded.missing_reason, excluded.status, excluded.footnote)
       returning (xmax::text = '0') as fresh)
     select count(*) filter (where fresh)::int as inserted, count(*) filter (where not fresh)::int as updated from up`,
  );
  return { inserted: rows[0]?.inserted ?? 0, updated: rows[0]?.updated ?? 0 };
}

export interface SumWarning {
  element: string;
  period: string;
  /** The district whose published value the parts should add up to. */
  district: string;
  level: Level;
  published: number;
  sum: number;
  parts: number;
}

/**
 * Totals that do not add up, for additive elements (counts, quantities, money) in the periods
 * just loaded: all 13 kecamatan against the kota value, all kelurahan of a kecamatan against it.
 * Off by more than 0.5 % (and more than 0.5) is worth a warning; the upload still goes in.
 */
export async function sumWarnings(trx: Knex, max: number): Promise<{ total: number; items: SumWarning[] }> {
  const { rows } = await trx.raw<{ rows: (SumWarning & { total: number })[] }>(
    `with touched as (select distinct element_id, period from value_rows),
          additive as (select t.element_id, t.period, e.slug from touched t join elements e on e.id = t.element_id
                        where e.measure_type in ('count', 'quantity', 'currency')),
          children as (select code, parent_code, level, count(*) over (partition by parent_code) as siblings
                         from districts where parent_code is not null),
          sums as (select a.slug, a.element_id, a.period, c.parent_code, sum(v.value) as sum, count(v.value) as parts, max(c.siblings) as siblings
                     from additive a
                     join element_values v on v.element_id = a.element_id and v.period = a.period
                     join children c on c.code = v.district_code and c.level = v.level
                    group by a.slug, a.element_id, a.period, c.parent_code)
     select s.slug as element, s.period, s.parent_code as district, p.level, p.value as published, s.sum, s.parts::int as parts,
            count(*) over ()::int as total
       from sums s
       join element_values p on p.element_id = s.element_id and p.period = s.period and p.district_code = s.parent_code
      where s.parts = s.siblings and p.value is not null
        and abs(s.sum - p.value) > greatest(0.5, 0.005 * abs(p.value))
      order by s.slug, s.period, s.parent_code limit ?`,
    [max],
  );
  return {
    total: rows[0]?.total ?? 0,
    items: rows.map((r) => ({
      element: r.element,
      period: r.period,
      district: r.district,
      level: r.level,
      published: r.published,
      sum: r.sum,
      parts: r.parts,
    })),
  };
}

/** A new data version for each loaded element; returns them by id. */
export async function bumpVersions(trx: Knex, ids: number[]): Promise<Map<number, number>> {
  const { rows } = await trx.raw<{ rows: { id: number; data_version: number }[] }>(
    `update elements set data_version = nextval('element_version_seq'), modified_at = now()
      where id in (select (jsonb_array_elements_text(?::jsonb))::int) returning id, data_version`,
    [JSON.stringify(ids)],
  );
  return new Map(rows.map((r) => [r.id, r.data_version]));
}

/** Elements computed per 1,000 inhabitants of one of these population elements. */
export async function perCapitaOf(trx: Knex, slugs: string[]): Promise<number[]> {
  const { rows } = await trx.raw<{ rows: { id: number }[] }>(
    `select id from elements where derivation->>'population' in (select jsonb_array_elements_text(?::jsonb))`,
    [JSON.stringify(slugs)],
  );
  return rows.map((r) => r.id);
}
