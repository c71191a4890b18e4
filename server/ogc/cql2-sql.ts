import type { FieldDef } from '../catalog/layer-types.js';
import { CqlError, type Expr, type Geometry, type Literal } from './cql2-parser.js';

/** A WHERE fragment over `features f`: SQL text made of constants only, every value bound. */
export interface SqlFilter { sql: string; bindings: (string | number | boolean)[] }

/**
 * Turns a CQL2 tree into SQL against one layer's features. Property names must be the layer's
 * queryables; they reach SQL only as bound jsonb keys. Numbers compare as numeric, booleans as
 * boolean, everything else as text. Spatial tests use ST_Intersects on the indexed geometry.
 */
export function cql2ToSql(expr: Expr, fields: FieldDef[], geometryProperty = 'geometry'): SqlFilter {
  const types = new Map(fields.map((f) => [f.name, f.type]));
  const bindings: (string | number | boolean)[] = [];
  const prop = (name: string): string => {
    const type = types.get(name);
    if (!type) throw new CqlError(`"${name}" is not a queryable of this collection (see its /queryables)`, 0);
    bindings.push(name);
    if (type === 'integer' || type === 'number') return '(f.properties ->> ?)::numeric';
    if (type === 'boolean') return '(f.properties ->> ?)::boolean';
    return '(f.properties ->> ?)';
  };
  const value = (v: Literal, type: FieldDef['type'] | undefined): string => {
    if ((type === 'integer' || type === 'number') && typeof v !== 'number') throw new CqlError(`Expected a number for a numeric property, got ${JSON.stringify(v)}`, 0);
    bindings.push(type === 'string' || type === 'date' ? String(v) : v);
    return '?';
  };
  const geom = (g: Geometry): string => {
    if (g.type === 'BBox') {
      bindings.push(...g.bbox);
      return 'ST_MakeEnvelope(?, ?, ?, ?, 4326)';
    }
    bindings.push(JSON.stringify(g));
    return 'ST_SetSRID(ST_GeomFromGeoJSON(?), 4326)';
  };
  const walk = (e: Expr): string => {
    switch (e.kind) {
      case 'and':
      case 'or':
        return `(${e.args.map(walk).join(e.kind === 'and' ? ' and ' : ' or ')})`;
      case 'not':
        return `(not coalesce(${walk(e.arg)}, false))`;
      case 'compare': {
        const type = types.get(e.property);
        if (e.op === '=' && (type === 'string' || type === 'date') && typeof e.value === 'string') {
          // Containment, so the GIN index on properties can answer it.
          bindings.push(e.property, e.value);
          return 'f.properties @> jsonb_build_object(?::text, ?::text)';
        }
        const p = prop(e.property);
        return `(${p} ${e.op} ${value(e.value, type)})`;
      }
      case 'like': {
        const p = prop(e.property);
        return `(${p} ${e.negate ? 'not like' : 'like'} ${value(e.pattern, 'string')})`;
      }
      case 'in': {
        const p = prop(e.property);
        const vs = e.values.map((v) => value(v, types.get(e.property))).join(', ');
        return `(${p} ${e.negate ? 'not in' : 'in'} (${vs}))`;
      }
      case 'between': {
        const p = prop(e.property);
        return `(${p} ${e.negate ? 'not between' : 'between'} ${value(e.low, 'number')} and ${value(e.high, 'number')})`;
      }
      case 'isNull': {
        if (!types.has(e.property)) throw new CqlError(`"${e.property}" is not a queryable of this collection (see its /queryables)`, 0);
        bindings.push(e.property);
        return `((f.properties ->> ?) is ${e.negate ? 'not ' : ''}null)`;
      }
      case 'intersects':
        if (e.property !== geometryProperty) throw new CqlError(`S_INTERSECTS works on "${geometryProperty}", not "${e.property}"`, 0);
        return `ST_Intersects(f.geom, ${geom(e.geometry)})`;
    }
  };
  return { sql: walk(expr), bindings };
}
