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

/**
 * The value expression of each measure over the features of one period's layers in district d
 * (all constants). Lengths and areas cut each feature by the district; counts place each feature
 * once, by its point on surface (see POINT_MEASURES).
 */
const SHAPE_SQL: Record<string, string> = {
  length_km: `coalesce(sum(ST_Length(ST_Intersection(f.geom, d.geom)::geography)) / 1000, 0)`,
  area_km2: `coalesce(sum(ST_Area(ST_Intersection(f.geom, d.geom)::geography)) / 1e6, 0)`,
  area_share: `least(100, coalesce(sum(ST_Area(ST_Intersection(f.geom, d.geom)::geography)) / 1e6, 0) / nullif(d.area_km2, 0) * 100)`,
};

/**
 * Measures that count features by their point on surface. The points are computed once per
 * feature into an indexed temporary table: testing each feature's polygon against every district
 * whose box it overlaps would compute its point again for each of them (3 levels, ~4.5 times a
 * feature in the benchmark) and read the big features table once per district.
 */
const POINT_SQL: Record<string, string> = {
  count: `count(*)::float8`,
  density_km2: `count(*)::float8 / nullif(d.area_km2, 0)`,
  per_1000: `count(*)::float8`,
};

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
  // A savepoint when the caller is already in a transaction: the points table lives only in it.
  await knex.transaction(async (trx) => {
    const byPoint = Object.hasOwn(POINT_SQL, d.measure);
    const measure = byPoint ? POINT_SQL[d.measure] : Object.hasOwn(SHAPE_SQL, d.measure) ? SHAPE_SQL[d.measure] : null;
    if (!measure) throw new Error(`unknown measure ${d.measure}`);
    if (byPoint) {
      await trx.raw(
        `create temporary table derived_points on commit drop as
           select s.period, ST_PointOnSurface(f.geom) as pt
             from element_sources s join layers l on l.id = s.layer_id join features f on f.layer_id = l.storage_id
            where s.element_id = ?`,
        [elementId],
      );
      await trx.raw('create index on derived_points using gist (pt)');
      await trx.raw('analyze derived_points');
    }
    const from = byPoint
      ? `from derived_points f where f.period = p.period and f.pt && d.geom and ST_Intersects(d.geom, f.pt)`
      : `from features f
          where f.layer_id in (select storage_id from src where src.period = p.period)
            and ST_Intersects(f.geom, d.geom)`;
    await trx('element_values').where({ element_id: elementId }).delete();
    await trx.raw(
      `with src as (select l.storage_id, s.period from element_sources s join layers l on l.id = s.layer_id
                     where s.element_id = ?),
            periods as (select distinct period from src),
            raw as (
              select p.period, d.code, d.level, (select ${measure} ${from}) as v
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
    if (byPoint) await trx.raw('drop table derived_points');
  });
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
