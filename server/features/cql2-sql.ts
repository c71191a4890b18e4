import type { FieldDef } from '../catalog/layer-types.js';
import {
  CqlError,
  SPATIAL_FUNCTIONS,
  utcDay,
  type Expr,
  type GeometryLiteral,
  type Literal,
  type SpatialArg,
} from './cql2-ast.js';

/** A WHERE fragment over `features f`: SQL text made of constants only, every value bound. */
export interface SqlFilter {
  sql: string;
  bindings: (string | number | boolean)[];
}

type FieldType = FieldDef['type'];
const DATE_PATTERN = '^\\d{4}-\\d{2}-\\d{2}';

/**
 * A property as a typed SQL value over `features f`: null when absent or stored with another JSON
 * type than the field's, so no cast can fail. Dates compare as ISO text in the "C" collation.
 */
export function propertyValueSql(name: string, type: FieldType): { sql: string; bindings: string[] } {
  if (type === 'integer' || type === 'number') {
    return {
      sql: `(case when jsonb_typeof(f.properties -> ?) = 'number' then (f.properties ->> ?)::numeric end)`,
      bindings: [name, name],
    };
  }
  if (type === 'date') {
    return {
      sql: `(case when (f.properties ->> ?) ~ '${DATE_PATTERN}' then left(f.properties ->> ?, 10) end) collate "C"`,
      bindings: [name, name],
    };
  }
  return { sql: type === 'boolean' ? '(f.properties -> ?)' : '(f.properties ->> ?)', bindings: [name] };
}

/**
 * Turns a CQL2 tree into SQL against one layer's features. Property names must be the layer's
 * queryables; they reach SQL only as bound jsonb keys. A literal must have its property's type
 * (a number for a numeric property, TRUE/FALSE for a boolean, a date or DATE(…) for a date), so a
 * type mismatch is the client's 400, never a failed cast. Stored values of another type than the
 * field's simply do not match. Equality uses jsonb containment (GIN index on properties); dates
 * compare as ISO text in the "C" collation; spatial tests run on the indexed EPSG:4326 geometry.
 */
export function cql2ToSql(expr: Expr, fields: FieldDef[], geometryProperty = 'geometry'): SqlFilter {
  const types = new Map(fields.map((f) => [f.name, f.type]));
  const bindings: (string | number | boolean)[] = [];
  const typeOf = (name: string): FieldType => {
    const type = types.get(name);
    if (!type) throw new CqlError(`"${name}" is not a queryable of this collection (see its /queryables)`, 0);
    return type;
  };
  const prop = (name: string, type: FieldType): string => {
    const v = propertyValueSql(name, type);
    bindings.push(...v.bindings);
    return v.sql;
  };
  /** A literal checked against the property's type, as a bound SQL value of that type. */
  const value = (v: Literal, type: FieldType, name: string): string => {
    const mismatch = (want: string) =>
      new CqlError(
        `"${name}" is ${type === 'integer' ? 'an' : 'a'} ${type} property: compare it with ${want}, not ${JSON.stringify(v)}`,
        0,
      );
    switch (type) {
      case 'integer':
      case 'number':
        if (typeof v !== 'number') throw mismatch('a number');
        bindings.push(v);
        return '?::numeric';
      case 'boolean':
        if (typeof v !== 'boolean') throw mismatch('TRUE or FALSE');
        bindings.push(v);
        return 'to_jsonb(?::boolean)';
      case 'date':
        if (typeof v === 'object') bindings.push(utcDay(v));
        else if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v)) bindings.push(v);
        else throw mismatch("DATE('YYYY-MM-DD') or TIMESTAMP(…)");
        return '?::text collate "C"';
      case 'string':
        if (typeof v !== 'string') throw mismatch('a quoted string');
        bindings.push(v);
        return '?::text';
    }
  };
  const geom = (g: GeometryLiteral): string => {
    if (g.type === 'BBox') {
      bindings.push(...g.bbox);
      return 'ST_MakeEnvelope(?, ?, ?, ?, 4326)';
    }
    bindings.push(JSON.stringify(g));
    return 'ST_SetSRID(ST_GeomFromGeoJSON(?), 4326)';
  };
  const spatialArg = (a: SpatialArg): string => {
    if ('geometry' in a) return geom(a.geometry);
    if (a.property !== geometryProperty)
      throw new CqlError(`Spatial functions work on "${geometryProperty}", not "${a.property}"`, 0);
    return 'f.geom';
  };
  const walk = (e: Expr): string => {
    switch (e.kind) {
      case 'and':
      case 'or':
        return `(${e.args.map(walk).join(e.kind === 'and' ? ' and ' : ' or ')})`;
      case 'not':
        return `(not coalesce(${walk(e.arg)}, false))`;
      case 'bool':
        return e.value ? 'true' : 'false';
      case 'compare': {
        const type = typeOf(e.property);
        if (e.op === '=' && type !== 'date') {
          // Containment, so the GIN index on properties can answer it.
          const v = value(e.value, type, e.property);
          bindings.splice(bindings.length - 1, 0, e.property);
          return `f.properties @> jsonb_build_object(?::text, ${type === 'boolean' ? v : `(${v})`})`;
        }
        if (type === 'boolean' && e.op !== '<>')
          throw new CqlError(`"${e.property}" is a boolean property: only = and <> apply`, 0);
        const p = prop(e.property, type);
        return `(${p} ${e.op} ${value(e.value, type, e.property)})`;
      }
      case 'like': {
        const type = typeOf(e.property);
        if (type !== 'string' && type !== 'date')
          throw new CqlError(`LIKE needs a text property; "${e.property}" is ${type}`, 0);
        const p = prop(e.property, type);
        bindings.push(e.pattern);
        return `(${p} ${e.negate ? 'not like' : 'like'} ?)`;
      }
      case 'in': {
        const type = typeOf(e.property);
        const p = prop(e.property, type);
        const vs = e.values.map((v) => value(v, type, e.property)).join(', ');
        return `(${p} ${e.negate ? 'not in' : 'in'} (${vs}))`;
      }
      case 'between': {
        const type = typeOf(e.property);
        if (type !== 'integer' && type !== 'number')
          throw new CqlError(`BETWEEN needs a numeric property; "${e.property}" is ${type}`, 0);
        const p = prop(e.property, type);
        return `(${p} ${e.negate ? 'not between' : 'between'} ${value(e.low, type, e.property)} and ${value(e.high, type, e.property)})`;
      }
      case 'isNull': {
        typeOf(e.property);
        bindings.push(e.property);
        return `(coalesce(jsonb_typeof(f.properties -> ?), 'null') ${e.negate ? '<>' : '='} 'null')`;
      }
      case 'spatial':
        return `${SPATIAL_FUNCTIONS[e.op]}(${spatialArg(e.args[0])}, ${spatialArg(e.args[1])})`;
      case 'ids':
        if (e.ids.length === 0) return 'false';
        bindings.push(...e.ids);
        return `(f.fid in (${e.ids.map(() => '?::int').join(', ')}))`;
      case 'fid':
        // numeric: an id compared with 1e12 or 2.5 is a plain comparison, never a failed cast.
        bindings.push(e.value);
        return `(f.fid ${e.op} ?::numeric)`;
      case 'envelopeIntersects':
        // && is the bounding-box test the (layer_id, geom) GiST index answers by itself.
        bindings.push(...e.bbox);
        return '(f.geom && ST_MakeEnvelope(?, ?, ?, ?, 4326))';
    }
  };
  return { sql: walk(expr), bindings };
}
