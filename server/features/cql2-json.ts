import {
  COMPARISONS,
  CqlError,
  SPATIAL_FUNCTIONS,
  checkGeometry,
  flipComparison,
  isCalendarDate,
  isTimestamp,
  type Comparison,
  type Expr,
  type GeometryLiteral,
  type Literal,
  type SpatialArg,
  type SpatialOp,
} from './cql2-ast.js';

/**
 * CQL2 JSON (OGC 21-065, cql2-json) into the same tree as the text encoding:
 * `{ "op": "and", "args": [ { "op": "=", "args": [ { "property": "nama" }, "Pajang" ] }, … ] }`.
 * Literals are strings, numbers, booleans, `{ "date": … }`, `{ "timestamp": … }`; geometries are
 * GeoJSON objects or `{ "bbox": [ … ] }`. Errors name the JSON path where reading stopped.
 */
export function parseCql2Json(text: string): Expr {
  if (text.length > 20_000) throw new CqlError('Filter longer than 20,000 characters', 0);
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new CqlError('filter-lang=cql2-json needs the filter as a JSON document', 0);
  }
  return expr(doc, '$', 0);
}

type Node = Record<string, unknown>;
const isNode = (v: unknown): v is Node => typeof v === 'object' && v !== null && !Array.isArray(v);
const fail = (path: string, why: string): never => {
  throw new CqlError(`${why} at ${path}`, 0);
};

function args(n: Node, path: string, count?: number): unknown[] {
  const a = n.args;
  if (!Array.isArray(a) || (count !== undefined && a.length !== count))
    fail(`${path}.args`, count === undefined ? 'Expected an array of arguments' : `Expected ${count} arguments`);
  return a as unknown[];
}

function propertyName(v: unknown, path: string): string | null {
  return isNode(v) && 'property' in v
    ? typeof v.property === 'string'
      ? v.property
      : fail(path, 'A property name must be a string')
    : null;
}

function literal(v: unknown, path: string): Literal {
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return v + 0;
  if (isNode(v) && typeof v.date === 'string')
    return isCalendarDate(v.date) ? { date: v.date } : fail(path, 'date needs a calendar date YYYY-MM-DD');
  if (isNode(v) && typeof v.timestamp === 'string')
    return isTimestamp(v.timestamp) ? { timestamp: v.timestamp } : fail(path, 'timestamp needs an RFC 3339 date-time');
  return fail(path, 'Expected a literal: string, number, boolean, { "date" } or { "timestamp" }');
}

const GEOJSON_TYPES = [
  'Point',
  'LineString',
  'Polygon',
  'MultiPoint',
  'MultiLineString',
  'MultiPolygon',
  'GeometryCollection',
];

function geometry(v: unknown, path: string): GeometryLiteral {
  if (isNode(v) && Array.isArray(v.bbox)) {
    const n = v.bbox as unknown[];
    if ((n.length !== 4 && n.length !== 6) || !n.every((x) => typeof x === 'number'))
      fail(path, 'bbox takes 4 or 6 numbers');
    const b = (n.length === 4 ? n : [n[0], n[1], n[3], n[4]]) as [number, number, number, number];
    return checkGeometry({ type: 'BBox', bbox: b }, 0);
  }
  if (!isNode(v) || typeof v.type !== 'string' || !GEOJSON_TYPES.includes(v.type))
    fail(path, 'Expected a GeoJSON geometry or { "bbox": [...] }');
  const g = v as Node;
  if (g.type === 'GeometryCollection') {
    if (!Array.isArray(g.geometries)) fail(path, 'GeometryCollection needs geometries');
    return checkGeometry(
      {
        type: 'GeometryCollection',
        geometries: (g.geometries as unknown[]).map((m, i) => geometry(m, `${path}.geometries[${i}]`)),
      },
      0,
    );
  }
  return checkGeometry({ type: g.type as 'Point', coordinates: g.coordinates }, 0);
}

function expr(v: unknown, path: string, depth: number): Expr {
  if (depth > 50) fail(path, 'Filter nested more than 50 levels deep');
  if (typeof v === 'boolean') return { kind: 'bool', value: v };
  if (!isNode(v) || typeof v.op !== 'string') return fail(path, 'Expected { "op": …, "args": [ … ] } or a boolean');
  const op = v.op.toLowerCase();
  const needProperty = (a: unknown, p: string) => propertyName(a, p) ?? fail(p, 'Expected { "property": … }');
  if (op === 'and' || op === 'or') {
    const a = args(v, path);
    if (a.length < 2) fail(`${path}.args`, `${op} needs at least two arguments`);
    return { kind: op, args: a.map((x, i) => expr(x, `${path}.args[${i}]`, depth + 1)) };
  }
  if (op === 'not') return { kind: 'not', arg: expr(args(v, path, 1)[0], `${path}.args[0]`, depth + 1) };
  if ((COMPARISONS as readonly string[]).includes(op)) {
    const [a, b] = args(v, path, 2);
    const left = propertyName(a, `${path}.args[0]`);
    if (left !== null)
      return { kind: 'compare', op: op as Comparison, property: left, value: literal(b, `${path}.args[1]`) };
    const right = needProperty(b, `${path}.args[1]`);
    return {
      kind: 'compare',
      op: flipComparison(op as Comparison),
      property: right,
      value: literal(a, `${path}.args[0]`),
    };
  }
  if (op === 'like') {
    const [a, b] = args(v, path, 2);
    if (typeof b !== 'string') fail(`${path}.args[1]`, 'like needs a string pattern');
    return { kind: 'like', property: needProperty(a, `${path}.args[0]`), pattern: b as string, negate: false };
  }
  if (op === 'in') {
    const [a, b] = args(v, path, 2);
    if (!Array.isArray(b) || b.length === 0) fail(`${path}.args[1]`, 'in needs a non-empty array of values');
    return {
      kind: 'in',
      property: needProperty(a, `${path}.args[0]`),
      values: (b as unknown[]).map((x, i) => literal(x, `${path}.args[1][${i}]`)),
      negate: false,
    };
  }
  if (op === 'between') {
    const [a, low, high] = args(v, path, 3);
    if (typeof low !== 'number' || typeof high !== 'number') fail(path, 'between needs two numbers');
    return {
      kind: 'between',
      property: needProperty(a, `${path}.args[0]`),
      low: low as number,
      high: high as number,
      negate: false,
    };
  }
  if (op === 'isnull')
    return { kind: 'isNull', property: needProperty(args(v, path, 1)[0], `${path}.args[0]`), negate: false };
  if (op in SPATIAL_FUNCTIONS) {
    const a = args(v, path, 2);
    const side = (x: unknown, i: number): SpatialArg => {
      const p = propertyName(x, `${path}.args[${i}]`);
      return p !== null ? { property: p } : { geometry: geometry(x, `${path}.args[${i}]`) };
    };
    return { kind: 'spatial', op: op as SpatialOp, args: [side(a[0], 0), side(a[1], 1)] };
  }
  return fail(`${path}.op`, `Unsupported operator "${v.op}"`);
}
