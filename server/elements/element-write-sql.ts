import type { Knex } from 'knex';
import { normalizeSearchText } from '../catalog/search-text.js';
import type { ElementInput, ValueInput } from './element-types.js';

const BATCH = 5000;

/**
 * Inserts elements and returns their ids by slug. Search documents: A = name + keywords,
 * B = agency + theme names, C = definition + unit (the same normaliser as layer search).
 */
export async function insertElements(knex: Knex, elements: ElementInput[]): Promise<Map<string, number>> {
  const agencies = new Map(
    (
      await knex<{ code: string; name: string; short_name: string }>('agencies').select('code', 'name', 'short_name')
    ).map((a) => [a.code, `${a.name} ${a.short_name}`]),
  );
  const themes = new Map(
    (await knex<{ code: string; name: string }>('themes').select('code', 'name')).map((t) => [t.code, t.name]),
  );
  const ids = new Map<string, number>();
  for (let i = 0; i < elements.length; i += 500) {
    const rows = elements.slice(i, i + 500).map((e) => ({
      slug: e.slug,
      name: e.name,
      definition: e.definition,
      unit: e.unit,
      measure_type: e.measureType,
      frequency: e.frequency,
      agency_code: e.agencyCode,
      theme_code: e.themeCode,
      custodian: e.custodian,
      source: e.source,
      classification: e.classification,
      license: e.license,
      keywords: knex.raw('array(select jsonb_array_elements_text(?::jsonb))', [JSON.stringify(e.keywords)]),
      notes: e.notes,
      caveats: knex.raw('array(select jsonb_array_elements_text(?::jsonb))', [JSON.stringify(e.caveats)]),
      is_sample: e.isSample,
      search_a: normalizeSearchText(`${e.name} ${e.keywords.join(' ')}`),
      search_b: normalizeSearchText(`${agencies.get(e.agencyCode) ?? ''} ${themes.get(e.themeCode) ?? ''}`),
      search_c: normalizeSearchText(`${e.definition} ${e.unit}`),
    }));
    const inserted: { id: number; slug: string }[] = await knex('elements').insert(rows).returning(['id', 'slug']);
    for (const r of inserted) ids.set(r.slug, r.id);
  }
  return ids;
}

/** Inserts values (of any elements), in batches of one bound JSON document each. */
export async function insertValues(knex: Knex, values: (ValueInput & { elementId: number })[]): Promise<void> {
  for (let i = 0; i < values.length; i += BATCH) {
    const batch = values.slice(i, i + BATCH).map((v) => ({
      e: v.elementId,
      l: v.level,
      p: v.period,
      d: v.districtCode,
      v: v.value,
      m: v.missingReason,
      s: v.status,
      f: v.footnote,
    }));
    await knex.raw(
      `insert into element_values (element_id, level, period, district_code, value, missing_reason, status, footnote)
       select t.e, t.l, t.p, t.d, t.v, t.m, t.s, t.f
         from jsonb_to_recordset(?::jsonb) as t(e integer, l text, p text, d text, v double precision, m text, s text, f text)`,
      [JSON.stringify(batch)],
    );
  }
}

/** Recomputes each element's levels, first and last period and value count from its values. */
export async function refreshElementStats(knex: Knex, ids: number[]): Promise<void> {
  if (ids.length === 0) return;
  await knex.raw(
    `update elements e
        set levels = coalesce(s.levels, '{}'), first_period = s.lo, last_period = s.hi, value_count = coalesce(s.n, 0)
       from (select i.id, v.levels, v.lo, v.hi, v.n
               from (select (jsonb_array_elements_text(?::jsonb))::int as id) i
               left join lateral (
                 select (select array_agg(x.level order by array_position(array['kota','kecamatan','kelurahan'], x.level))
                           from (select distinct level from element_values where element_id = i.id) x) as levels,
                        min(nullif(period, '')) as lo, max(nullif(period, '')) as hi, count(value)::int as n
                   from element_values where element_id = i.id) v on true) s
      where e.id = s.id`,
    [JSON.stringify(ids)],
  );
}

export async function elementExists(knex: Knex, slug: string): Promise<boolean> {
  return (await knex('elements').where({ slug }).first('id')) !== undefined;
}
