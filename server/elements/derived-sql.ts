import type { Knex } from 'knex';
import type { Derivation } from './derivation.js';

export interface SourceInput {
  layerId: number;
  period: string;
}

/** Records which layers feed which period of an element (replacing what was there). */
export async function setSources(
  knex: Knex,
  elementId: number,
  derivation: Derivation,
  sources: SourceInput[],
): Promise<void> {
  await knex('elements')
    .where({ id: elementId })
    .update({ derivation: JSON.stringify(derivation) });
  await knex('element_sources').where({ element_id: elementId }).delete();
  if (sources.length) {
    await knex('element_sources').insert(
      sources.map((s) => ({ element_id: elementId, layer_id: s.layerId, period: s.period })),
    );
  }
}

/** Derived elements fed by any of these layers. */
export async function elementsFedBy(knex: Knex, layerIds: number[]): Promise<number[]> {
  const rows = (await knex('element_sources').distinct('element_id').whereIn('layer_id', layerIds)) as {
    element_id: number;
  }[];
  return rows.map((r) => r.element_id);
}

/** The value expression of each measure, over the features of one period's layers in district d (all constants). */
const MEASURE_SQL: Record<string, string> = {
  count: `count(*) filter (where ST_Intersects(d.geom, ST_PointOnSurface(f.geom)))::float8`,
  length_km: `coalesce(sum(ST_Length(ST_Intersection(f.geom, d.geom)::geography)) / 1000, 0)`,
  area_km2: `coalesce(sum(ST_Area(ST_Intersection(f.geom, d.geom)::geography)) / 1e6, 0)`,
  area_share: `least(100, coalesce(sum(ST_Area(ST_Intersection(f.geom, d.geom)::geography)) / 1e6, 0) / nullif(d.area_km2, 0) * 100)`,
  density_km2: `count(*) filter (where ST_Intersects(d.geom, ST_PointOnSurface(f.geom)))::float8 / nullif(d.area_km2, 0)`,
  per_1000: `count(*) filter (where ST_Intersects(d.geom, ST_PointOnSurface(f.geom)))::float8`,
};

/**
 * Measures that place each feature by its point on surface: their candidates need only a box
 * overlap (the index's own test); the exact polygon-against-polygon test would be thrown away.
 */
const BY_POINT = new Set(['count', 'density_km2', 'per_1000']);

/**
 * Recomputes every value of a derived element in PostGIS: each period from its source layers,
 * each district of every level (a district without features gets 0 for counts, lengths and
 * areas: the layer covers the whole city, so none there is a real zero). per_1000 divides by the
 * population element's value (same district, same period or the latest before); without one the
 * value is missing (`tidak_berlaku`). Then notes the layers' data versions it used.
 */
export async function computeDerived(knex: Knex, elementId: number): Promise<void> {
  const {
    rows: [e],
  } = await knex.raw<{ rows: { derivation: Derivation | null }[] }>('select derivation from elements where id = ?', [
    elementId,
  ]);
  const d = e?.derivation;
  if (!d) return;
  const measure = MEASURE_SQL[d.measure];
  if (!measure) throw new Error(`unknown measure ${d.measure}`);
  const candidate = BY_POINT.has(d.measure) ? 'f.geom && d.geom' : 'ST_Intersects(f.geom, d.geom)';
  await knex('element_values').where({ element_id: elementId }).delete();
  await knex.raw(
    `with src as (select layer_id, period from element_sources where element_id = ?),
          periods as (select distinct period from src),
          raw as (
            select p.period, d.code, d.level, (
              select ${measure}
                from features f
               where f.layer_id in (select layer_id from src where src.period = p.period)
                 and ${candidate}) as v
              from periods p cross join districts d),
          pop as (
            select r.period, r.code, (
              select pv.value from element_values pv join elements pe on pe.id = pv.element_id
               where pe.slug = ? and pv.district_code = r.code and pv.value is not null
                 and pv.period <> '' and left(pv.period, 4) <= left(r.period, 4)
               order by pv.period desc limit 1) as population
              from raw r)
     insert into element_values (element_id, level, period, district_code, value, missing_reason, status)
     select ?, r.level, r.period, r.code, x.value, case when x.value is null then 'tidak_berlaku' end, 'tetap'
       from raw r join pop on pop.period = r.period and pop.code = r.code
       cross join lateral (select case when ? = 'per_1000' then round((r.v / nullif(pop.population, 0) * 1000)::numeric, 4)::float8
                                       else round(r.v::numeric, 4)::float8 end as value) x`,
    [elementId, d.population ?? '', elementId, d.measure],
  );
  await knex.raw(
    `update element_sources s set data_version = l.data_version from layers l where l.id = s.layer_id and s.element_id = ?`,
    [elementId],
  );
  await knex.raw(
    `update elements set data_version = nextval('element_version_seq'), modified_at = now() where id = ?`,
    [elementId],
  );
}

/** Derived elements whose recorded source versions no longer match their layers. */
export async function staleDerived(knex: Knex): Promise<number[]> {
  const rows = (
    await knex.raw<{ rows: { element_id: number }[] }>(
      `select distinct s.element_id from element_sources s join layers l on l.id = s.layer_id
      where s.data_version is distinct from l.data_version`,
    )
  ).rows;
  return rows.map((r) => r.element_id);
}

export interface SourceRow {
  layer: string;
  title: string;
  period: string;
  dataVersion: number | null;
  current: number;
}

/** The layers an element is computed from, with the data version used and the layer's current one. */
export async function elementSources(
  knex: Knex,
  elementId: number,
): Promise<{ derivation: Derivation | null; sources: SourceRow[] }> {
  const {
    rows: [e],
  } = await knex.raw<{ rows: { derivation: Derivation | null }[] }>('select derivation from elements where id = ?', [
    elementId,
  ]);
  const { rows } = await knex.raw<{ rows: SourceRow[] }>(
    `select l.slug as layer, l.title, s.period, s.data_version as "dataVersion", l.data_version as current
       from element_sources s join layers l on l.id = s.layer_id where s.element_id = ? order by s.period, l.slug`,
    [elementId],
  );
  return { derivation: e?.derivation ?? null, sources: rows };
}
