import type { FieldDef } from '../catalog/layer-types.js';
import { isCalendarDate, isTimestamp, utcDay, type Comparison, type Expr, type Literal } from '../features/cql2-ast.js';
import { WhereError } from './where-tokens.js';

/**
 * The values of a where clause typed by their field, with ArcGIS's conventions: booleans are 1/0
 * (the layer JSON calls them esriFieldTypeSmallInteger) and date fields hold whole days (UTC
 * midnight), so a TIMESTAMP later in a day compares as the day's end; and NOT pushed down to the
 * predicates (De Morgan, negated operators), which keeps SQL's three-valued logic: a missing
 * value matches neither `a = 1` nor `NOT a = 1`.
 */
export type WhereField =
  { kind: 'oid'; name: string } | { kind: 'field'; name: string; property: string; type: FieldDef['type'] };

export type Value = number | string | boolean | { date: string } | { timestamp: string };
export type Operand = { field: WhereField; pos: number } | { value: Value; pos: number };

const NEGATED: Record<Comparison, Comparison> = { '=': '<>', '<>': '=', '<': '>=', '<=': '>', '>': '<=', '>=': '<' };
const FALSE: Expr = { kind: 'bool', value: false };

/** The negation of a tree in three-valued logic, with no NOT left above a predicate that can be unknown. */
export function negate(e: Expr): Expr {
  switch (e.kind) {
    case 'and':
      return { kind: 'or', args: e.args.map(negate) };
    case 'or':
      return { kind: 'and', args: e.args.map(negate) };
    case 'not':
      return e.arg;
    case 'bool':
      return { kind: 'bool', value: !e.value };
    case 'compare':
    case 'fid':
      return { ...e, op: NEGATED[e.op] };
    case 'like':
    case 'in':
    case 'between':
    case 'isNull':
      return { ...e, negate: !e.negate };
    default:
      // Feature ids and geometries are never unknown: a plain NOT is exact.
      return { kind: 'not', arg: e };
  }
}

/** `yyyy-mm-dd hh:mm[:ss[.fff]]` (a "T" also), read as UTC. */
export function timestampOf(text: string): { timestamp: string } | null {
  const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?$/.exec(text);
  if (!m) return null;
  const stamp = `${m[1]}T${m[2]}:${m[3]}:${m[4] ?? '00'}${m[5] ?? ''}Z`;
  return isTimestamp(stamp) ? { timestamp: stamp } : null;
}

/** A field compared with a literal, the literal typed by the field (see the module comment). */
export function compareField(f: WhereField, op: Comparison, v: Value, pos: number): Expr {
  const wrong = (want: string) =>
    new WhereError(`${f.name} is ${describe(f)}: compare it with ${want}, not ${shown(v)}`, pos);
  if (f.kind === 'oid') {
    if (typeof v !== 'number') throw wrong('a number');
    return { kind: 'fid', op, value: v };
  }
  let value: Literal;
  switch (f.type) {
    case 'integer':
    case 'number':
      if (typeof v !== 'number') throw wrong('a number');
      value = v;
      break;
    case 'string':
      if (typeof v !== 'string') throw wrong("a quoted string, e.g. '123'");
      value = v;
      break;
    case 'boolean':
      if (v === 1 || v === 0) value = v === 1;
      else if (typeof v === 'boolean') value = v;
      else throw wrong('1 or 0');
      if (op !== '=' && op !== '<>') throw new WhereError(`${f.name} is 1 or 0: only = and <> apply`, pos);
      break;
    case 'date': {
      const t = typeof v === 'string' ? (isCalendarDate(v) ? { date: v } : timestampOf(v)) : v;
      if (typeof t !== 'object' || t === null) throw wrong("DATE 'yyyy-mm-dd' or TIMESTAMP 'yyyy-mm-dd hh:mm:ss'");
      if ('timestamp' in t && !t.timestamp.endsWith('T00:00:00Z') && !/T00:00:00\.0+Z$/.test(t.timestamp)) {
        // A date field's values are midnights: a later time of day falls strictly inside a day.
        const day = { date: utcDay(t) };
        if (op === '=') return FALSE;
        if (op === '<>') return { kind: 'isNull', property: f.property, negate: true };
        return { kind: 'compare', op: op === '>' || op === '>=' ? '>' : '<=', property: f.property, value: day };
      }
      value = 'timestamp' in t ? { date: utcDay(t) } : t;
      break;
    }
  }
  return { kind: 'compare', op, property: f.property, value };
}

/** An OR of equalities from IN (…) as one IN node where it can be (one index-friendly list). */
export function inForm(e: Expr): Expr {
  if (e.kind !== 'or') return e;
  const eq = e.args.filter((a): a is Extract<Expr, { kind: 'compare' }> => a.kind === 'compare' && a.op === '=');
  const ids = e.args.filter((a): a is Extract<Expr, { kind: 'fid' }> => a.kind === 'fid');
  // Feature ids are PostgreSQL integers: any other number is no feature's id.
  if (ids.length === e.args.length)
    return { kind: 'ids', ids: ids.map((a) => a.value).filter((v) => Number.isInteger(v) && Math.abs(v) < 2 ** 31) };
  const first = eq[0];
  if (eq.length === e.args.length && first && eq.every((a) => a.property === first.property))
    return { kind: 'in', property: first.property, values: eq.map((a) => a.value), negate: false };
  return e;
}

/** A SQL LIKE pattern with an optional ESCAPE character as our form: `\` escapes, nothing else does. */
export function likePattern(text: string, escape: string | null): string {
  let out = '';
  const chars = [...text];
  for (let i = 0; i < chars.length; i += 1) {
    const c = chars[i] as string;
    if (escape !== null && c === escape && i + 1 < chars.length) {
      const next = chars[(i += 1)] as string;
      out += next === '%' || next === '_' || next === '\\' ? `\\${next}` : next;
    } else out += c === '\\' ? '\\\\' : c;
  }
  return out;
}

export function constant(a: { value: Value; pos: number }, op: Comparison, b: { value: Value }): boolean {
  const x = a.value;
  const y = b.value;
  if (!((typeof x === 'number' && typeof y === 'number') || (typeof x === 'string' && typeof y === 'string')))
    throw new WhereError('A comparison of two values must compare two numbers or two strings', a.pos);
  const c = x < y ? -1 : x > y ? 1 : 0;
  return { '=': c === 0, '<>': c !== 0, '<': c < 0, '<=': c <= 0, '>': c > 0, '>=': c >= 0 }[op];
}

function describe(f: WhereField): string {
  if (f.kind === 'oid') return 'the object id';
  return {
    string: 'a text field',
    integer: 'a number field',
    number: 'a number field',
    boolean: 'a 1/0 field',
    date: 'a date field',
  }[f.type];
}

function shown(v: Value): string {
  if (typeof v === 'string') return `'${v}'`;
  if (typeof v === 'object') return 'date' in v ? `DATE '${v.date}'` : `TIMESTAMP '${v.timestamp}'`;
  return String(v);
}
