import type { Knex } from 'knex';

export interface FeatureInput {
  fid: number;
  properties: Record<string, unknown>;
  /** RFC 7946 geometry, lon/lat EPSG:4326. */
  geometry: { type: string; coordinates: unknown };
}

const BATCH = 2000;
/** A stored value that starts with a plausible ISO date (the temporal extent counts only these). */
const ISO_DATE = '^\\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])';

/**
 * Inserts features into one storage (a layer version's `storageId`). Each batch travels as one bound JSON document and is
 * unpacked by the database; the EPSG:3857 copy is a generated column, and the layer's data
 * version moves on by trigger. Call refreshLayerStats afterwards.
 */
export async function insertFeatures(knex: Knex, storageId: number, features: FeatureInput[]): Promise<void> {
  for (let i = 0; i < features.length; i += BATCH) {
    const batch = features
      .slice(i, i + BATCH)
      .map((f) => ({ fid: f.fid, properties: f.properties, geometry: f.geometry }));
    await knex.raw(
      `insert into features (layer_id, fid, properties, geom)
       select ?, t.fid, t.properties, ST_SetSRID(ST_GeomFromGeoJSON(t.geometry), 4326)
         from jsonb_to_recordset(?::jsonb) as t(fid integer, properties jsonb, geometry jsonb)`,
      [storageId, JSON.stringify(batch)],
    );
  }
}

/**
 * Recomputes feature count, extent, temporal extent, per-district counts and the geometry checks (invalid
 * geometries; features more than about 100 m outside Kota Tangerang) of the given layers.
 * `knownValid`: the caller has just checked every geometry (an upload), so invalid ones are not
 * counted again: none after a replace, the same as before after an append.
 */
export async function refreshLayerStats(
  knex: Knex,
  layerIds: number[],
  knownValid: 'replace' | 'append' | null = null,
): Promise<void> {
  if (layerIds.length === 0) return;
  const ids = JSON.stringify(layerIds);
  await knex.raw(
    `update layers l
        set feature_count = coalesce(s.n, 0), extent = s.ext
       from (select i.id, c.n, c.ext
               from (select (jsonb_array_elements_text(?::jsonb))::int as id) i
               left join lateral (select count(*)::int as n, ST_SetSRID(ST_Extent(f.geom)::geometry, 4326) as ext
                                    from layers sl join features f on f.layer_id = sl.storage_id where sl.id = i.id) c on true) s
      where l.id = s.id`,
    [ids],
  );
  await knex.raw(
    `with city as materialized (select ST_Buffer(geom, 0.001) as g from districts where level = 'kota')
     update layers l
        set invalid_geometry_count = case ?::text when 'replace' then 0 when 'append' then coalesce(l.invalid_geometry_count, 0)
              else (select count(*)::int from features f where f.layer_id = l.storage_id and not ST_IsValid(f.geom)) end,
            outside_city_count = (select count(*)::int from features f, city where f.layer_id = l.storage_id and not ST_Intersects(city.g, f.geom))
      where l.id in (select (jsonb_array_elements_text(?::jsonb))::int)`,
    [knownValid, ids],
  );
  await knex.raw(
    `update layers l
        set time_min = s.lo, time_max = s.hi
       from (select l2.id,
                    min(left(f.properties ->> t.field, 10) collate "C") filter (where (f.properties ->> t.field) ~ ?) as lo,
                    max(left(f.properties ->> t.field, 10) collate "C") filter (where (f.properties ->> t.field) ~ ?) as hi
               from layers l2
               left join lateral (select e ->> 'name' as field from jsonb_array_elements(l2.fields) e where e ->> 'type' = 'date' limit 1) t on true
               left join features f on f.layer_id = l2.storage_id and t.field is not null
              where l2.id in (select (jsonb_array_elements_text(?::jsonb))::int)
              group by l2.id) s
      where l.id = s.id`,
    [ISO_DATE, ISO_DATE, ids],
  );
  await knex.raw(`delete from layer_districts where layer_id in (select (jsonb_array_elements_text(?::jsonb))::int)`, [
    ids,
  ]);
  await knex.raw(
    `insert into layer_districts (layer_id, district_code, feature_count)
     select l.id, d.code, count(*)::int
       from layers l
       join features f on f.layer_id = l.storage_id
       join districts d on ST_Intersects(d.geom, f.geom)
      where l.id in (select (jsonb_array_elements_text(?::jsonb))::int)
      group by l.id, d.code`,
    [ids],
  );
}
