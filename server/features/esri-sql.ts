import type { Knex } from 'knex';
import type { GeometryType } from '../catalog/layer-types.js';
import type { EsriEncoding } from './feature-query.js';

/**
 * One feature as GeoServices JSON text, built by the database (see EsriEncoding): the
 * `{"attributes":…,"geometry":…}` of an Esri FeatureSet, or a GeoJSON Feature with the same
 * attributes as properties. SQL text here is constants only; names and sizes are bound.
 *
 * Esri geometries (GeoServices REST spec, "Geometry objects"): a point is {x, y}; a multipoint
 * {points}; lines {paths}, one per part; polygons {rings}, every ring of every part in one list,
 * exterior rings clockwise and holes counter-clockwise (ST_ForcePolygonCW), which is how readers
 * tell them apart. Coordinates are those of `srid`: lon/lat (4326) or metres (3857).
 */

/**
 * A property's value under ArcGIS's conventions; `x.p` is its jsonb, `x.type` the field type. A
 * date is the epoch milliseconds of its UTC day, computed so that it never fails (a day number
 * past the month's end rolls over into the next month).
 */
const VALUE = `case x.type
  when 'date' then case when jsonb_typeof(x.p) = 'string' and (x.p #>> '{}') ~ '^\\d{4}-(0[1-9]|1[0-2])-\\d{2}'
      and left(x.p #>> '{}', 4) <> '0000'
    then to_jsonb((((left(x.p #>> '{}', 7) || '-01')::date + (substr(x.p #>> '{}', 9, 2)::int - 1)) - date '1970-01-01')::bigint * 86400000) end
  when 'boolean' then case when jsonb_typeof(x.p) = 'boolean' then to_jsonb(case when x.p = 'true'::jsonb then 1 else 0 end) end
  when 'string' then case jsonb_typeof(x.p) when 'string' then x.p when 'number' then to_jsonb(x.p #>> '{}')
    when 'boolean' then to_jsonb(x.p #>> '{}') end
  else case when jsonb_typeof(x.p) = 'number' then x.p end
end`;

/** The attributes object: every asked field (null when absent or of another type) and the object id. */
function attributes(e: EsriEncoding, bindings: (string | number)[]): string {
  const map = Object.fromEntries(e.fields.map(([property, name, type]) => [property, [name, type]]));
  bindings.push(JSON.stringify(map), e.oidField);
  return `((select coalesce(jsonb_object_agg(x.name, ${VALUE}), '{}'::jsonb)
      from (select m.value ->> 0 as name, m.value ->> 1 as type, f.properties -> m.key as p
              from jsonb_each(?::jsonb) m) x) || jsonb_build_object(?::text, f.fid))::text`;
}

/** The coordinates array of a GeoJSON text `{"type":…,"coordinates":[…]}` (options 0: no crs, no bbox). */
const coordinates = (geojson: string) =>
  `substr(${geojson}, strpos(${geojson}, '['), length(${geojson}) - strpos(${geojson}, '['))`;

/** An Esri JSON geometry of the layer's type, from the geometry column expression `g`. */
function esriGeometry(type: GeometryType, g: string, bindings: (string | number)[], decimals: number): string {
  const flat = `ST_Force2D(${g})`;
  if (type === 'Polygon') {
    bindings.push(decimals);
    // A MultiPolygon's coordinates less one level of brackets: polygons are separated by
    // "]]],[[[" (nowhere else do three closing brackets meet), which becomes a ring separator.
    return `(select '{"rings":' || substr(r, 2, length(r) - 2) || '}' from (select replace(${coordinates('t')}, ']]],[[[', ']],[[') as r
        from (select ST_AsGeoJSON(ST_ForcePolygonCW(ST_Multi(${flat})), ?::int, 0) as t) t0) t1)`;
  }
  if (type === 'LineString') {
    bindings.push(decimals);
    return `(select '{"paths":' || ${coordinates('t')} || '}' from (select ST_AsGeoJSON(ST_Multi(${flat}), ?::int, 0) as t) t0)`;
  }
  bindings.push(decimals, decimals);
  // A point, or a one-point multipoint, is {x, y}; json (not jsonb) keeps the numbers' text.
  return `(case when ST_NumGeometries(ST_Multi(${flat})) = 1
      then (select '{"x":' || (j -> 'coordinates' ->> 0) || ',"y":' || (j -> 'coordinates' ->> 1) || '}'
              from (select ST_AsGeoJSON(ST_GeometryN(ST_Multi(${flat}), 1), ?::int, 0)::json as j) t0)
      else (select '{"points":' || ${coordinates('t')} || '}' from (select ST_AsGeoJSON(ST_Multi(${flat}), ?::int, 0) as t) t0) end)`;
}

export function esriFeatureText(knex: Knex, e: EsriEncoding, geometryType: GeometryType): Knex.Raw {
  // Bindings are pushed in the order their placeholders appear in the text.
  const bindings: (string | number)[] = [];
  if (e.format === 'geojson') {
    let geometry = `'null'`;
    if (e.srid !== null) {
      // GeoJSON is lon/lat (RFC 7946): counter-clockwise exterior rings.
      geometry = `ST_AsGeoJSON(ST_ForcePolygonCCW(ST_Force2D(f.geom)), ?::int)`;
      bindings.push(e.decimals);
    }
    const attrs = attributes(e, bindings);
    return knex.raw(
      `'{"type":"Feature","id":' || f.fid || ',"geometry":' || ${geometry} || ',"properties":' || ${attrs} || '}' as feature`,
      bindings,
    );
  }
  const attrs = attributes(e, bindings);
  if (e.srid === null) return knex.raw(`'{"attributes":' || ${attrs} || '}' as feature`, bindings);
  const column = e.srid === 3857 ? 'f.geom_3857' : 'f.geom';
  const geometry = esriGeometry(geometryType, column, bindings, e.decimals);
  return knex.raw(
    `'{"attributes":' || ${attrs} || ',"geometry":' || case when ST_IsEmpty(${column}) then 'null' else ${geometry} end || '}' as feature`,
    bindings,
  );
}
