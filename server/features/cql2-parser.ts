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
 * CQL2 text (OGC API Features Part 3) into the syntax tree of cql2-ast.ts. Supported: comparisons
 * (= <> < <= > >=, either side a property), AND / OR / NOT, TRUE / FALSE, LIKE, IN (...),
 * BETWEEN … AND …, IS [NOT] NULL, DATE('…') and TIMESTAMP('…') literals, and the spatial functions
 * S_INTERSECTS, S_DISJOINT, S_WITHIN, S_CONTAINS, S_EQUALS, S_TOUCHES, S_OVERLAPS, S_CROSSES over
 * BBOX(…) and WKT POINT, LINESTRING, POLYGON, MULTI… and GEOMETRYCOLLECTION. Every error names
 * the character position where reading stopped.
 */
export { CqlError } from './cql2-ast.js';

interface Token {
  type: 'ident' | 'string' | 'number' | 'op' | 'punct';
  text: string;
  pos: number;
}

const KEYWORDS = new Set([
  'AND',
  'OR',
  'NOT',
  'LIKE',
  'IN',
  'BETWEEN',
  'IS',
  'NULL',
  'TRUE',
  'FALSE',
  'DATE',
  'TIMESTAMP',
]);
const WKT = [
  'POINT',
  'LINESTRING',
  'POLYGON',
  'MULTIPOINT',
  'MULTILINESTRING',
  'MULTIPOLYGON',
  'GEOMETRYCOLLECTION',
  'BBOX',
];

function tokenize(input: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const c = input[i] as string;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const start = i;
    if (c === "'") {
      let text = '';
      i++;
      for (;;) {
        if (i >= input.length) throw new CqlError('Unclosed string', start);
        if (input[i] === "'" && input[i + 1] === "'") {
          text += "'";
          i += 2;
          continue;
        }
        if (input[i] === "'") {
          i++;
          break;
        }
        text += input[i++];
      }
      out.push({ type: 'string', text, pos: start });
    } else if (/[0-9]/.test(c) || (c === '-' && /[0-9.]/.test(input[i + 1] ?? ''))) {
      const m = /^-?\d+(\.\d+)?([eE][-+]?\d+)?/.exec(input.slice(i));
      if (!m) throw new CqlError('Bad number', start);
      out.push({ type: 'number', text: m[0], pos: start });
      i += m[0].length;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(input.slice(i)) as RegExpExecArray;
      out.push({ type: 'ident', text: m[0], pos: start });
      i += m[0].length;
    } else if (c === '"') {
      const end = input.indexOf('"', i + 1);
      if (end < 0) throw new CqlError('Unclosed quoted property name', start);
      out.push({ type: 'ident', text: input.slice(i + 1, end), pos: start });
      i = end + 1;
    } else {
      const two = input.slice(i, i + 2);
      if (['<>', '<=', '>='].includes(two)) {
        out.push({ type: 'op', text: two, pos: start });
        i += 2;
      } else if ('=<>'.includes(c)) {
        out.push({ type: 'op', text: c, pos: start });
        i++;
      } else if ('(),'.includes(c)) {
        out.push({ type: 'punct', text: c, pos: start });
        i++;
      } else throw new CqlError(`Unexpected character "${c}"`, start);
    }
  }
  return out;
}

export function parseCql2(input: string): Expr {
  if (input.length > 4000) throw new CqlError('Filter longer than 4,000 characters', 0);
  const tokens = tokenize(input);
  let k = 0;
  let depth = 0;
  const peek = () => tokens[k];
  const end = input.length;
  const at = () => peek()?.pos ?? end;
  const word = (t: Token | undefined) => (t?.type === 'ident' ? t.text.toUpperCase() : '');
  const kw = (w: string) => word(peek()) === w;
  const expect = (text: string) => {
    const t = tokens[k];
    if (!t || t.text.toUpperCase() !== text) throw new CqlError(`Expected "${text}"`, t?.pos ?? end);
    k++;
  };
  const number = (): number => {
    const t = tokens[k];
    if (t?.type !== 'number') throw new CqlError('Expected a number', t?.pos ?? end);
    k++;
    return Number(t.text) + 0;
  };
  const list = <T>(item: () => T): T[] => {
    expect('(');
    const items = [item()];
    while (peek()?.text === ',') {
      k++;
      items.push(item());
    }
    expect(')');
    return items;
  };
  const temporal = (): Literal => {
    const t = tokens[k];
    const kind = word(t);
    k++;
    expect('(');
    const s = tokens[k];
    if (s?.type !== 'string') throw new CqlError(`${kind} takes a quoted value`, s?.pos ?? end);
    k++;
    expect(')');
    if (kind === 'DATE' && isCalendarDate(s.text)) return { date: s.text };
    if (kind === 'TIMESTAMP' && isTimestamp(s.text)) return { timestamp: s.text };
    throw new CqlError(
      kind === 'DATE'
        ? 'DATE needs a calendar date YYYY-MM-DD'
        : 'TIMESTAMP needs an RFC 3339 date-time with Z or an offset',
      s.pos,
    );
  };
  const literal = (): Literal => {
    const t = tokens[k];
    if (!t) throw new CqlError('Expected a value', end);
    if (kw('DATE') || kw('TIMESTAMP')) return temporal();
    k++;
    if (t.type === 'string') return t.text;
    if (t.type === 'number') return Number(t.text) + 0;
    if (['TRUE', 'FALSE'].includes(word(t))) return word(t) === 'TRUE';
    throw new CqlError('Expected a value: a quoted string, a number, TRUE, FALSE, DATE(…) or TIMESTAMP(…)', t.pos);
  };
  const isLiteralStart = () => {
    const t = peek();
    return t?.type === 'string' || t?.type === 'number' || ['TRUE', 'FALSE', 'DATE', 'TIMESTAMP'].includes(word(t));
  };
  const property = (): string => {
    const t = tokens[k];
    if (t?.type !== 'ident' || KEYWORDS.has(t.text.toUpperCase()))
      throw new CqlError('Expected a property name', t?.pos ?? end);
    k++;
    return t.text;
  };
  const position = (): number[] => {
    const p = [number(), number()];
    if (peek()?.type === 'number') p.push(number());
    return p;
  };
  const ring = () => list(position);
  const geometry = (): GeometryLiteral => {
    const t = tokens[k];
    const w = word(t);
    const pos = t?.pos ?? end;
    k++;
    let g: GeometryLiteral;
    if (w === 'BBOX') {
      const n = list(number);
      if (n.length !== 4 && n.length !== 6) throw new CqlError('BBOX takes 4 or 6 numbers', pos);
      g = { type: 'BBox', bbox: (n.length === 4 ? n : [n[0], n[1], n[3], n[4]]) as [number, number, number, number] };
    } else if (w === 'POINT') g = { type: 'Point', coordinates: list(position)[0] };
    else if (w === 'LINESTRING') g = { type: 'LineString', coordinates: ring() };
    else if (w === 'POLYGON') g = { type: 'Polygon', coordinates: list(ring) };
    // MULTIPOINT accepts both (1 2, 3 4) and ((1 2), (3 4)).
    else if (w === 'MULTIPOINT')
      g = {
        type: 'MultiPoint',
        coordinates: list(() => (peek()?.text === '(' ? (list(position)[0] as number[]) : position())),
      };
    else if (w === 'MULTILINESTRING') g = { type: 'MultiLineString', coordinates: list(ring) };
    else if (w === 'MULTIPOLYGON') g = { type: 'MultiPolygon', coordinates: list(() => list(ring)) };
    else if (w === 'GEOMETRYCOLLECTION') g = { type: 'GeometryCollection', geometries: list(geometry) };
    else
      throw new CqlError(
        'Expected BBOX(…), POINT(…), LINESTRING(…), POLYGON(…), MULTI…(…) or GEOMETRYCOLLECTION(…)',
        pos,
      );
    return checkGeometry(g, pos);
  };
  // A name followed by "(" is a geometry literal (or an unknown one, which geometry() reports).
  const spatialArg = (): SpatialArg =>
    WKT.includes(word(peek())) || tokens[k + 1]?.text === '(' ? { geometry: geometry() } : { property: property() };

  const primary = (): Expr => {
    if (peek()?.text === '(') {
      k++;
      if (++depth > 50) throw new CqlError('Filter nested more than 50 levels deep', at());
      const e = or();
      depth--;
      expect(')');
      return e;
    }
    if (kw('NOT')) {
      k++;
      return { kind: 'not', arg: primary() };
    }
    if ((kw('TRUE') || kw('FALSE')) && tokens[k + 1]?.type !== 'op') {
      const value = kw('TRUE');
      k++;
      return { kind: 'bool', value };
    }
    const fn = word(peek()).toLowerCase();
    if (fn in SPATIAL_FUNCTIONS && tokens[k + 1]?.text === '(') {
      k++;
      expect('(');
      const a = spatialArg();
      expect(',');
      const b = spatialArg();
      expect(')');
      return { kind: 'spatial', op: fn as SpatialOp, args: [a, b] };
    }
    if (isLiteralStart()) {
      // value op property: read from the property's side.
      const value = literal();
      const op = peek();
      if (op?.type !== 'op') throw new CqlError('Expected a comparison (=, <>, <, <=, >, >=)', at());
      k++;
      return { kind: 'compare', op: flipComparison(op.text as Comparison), property: property(), value };
    }
    const p = property();
    const negate = kw('NOT') ? (k++, true) : false;
    if (kw('LIKE')) {
      k++;
      const v = literal();
      if (typeof v !== 'string') throw new CqlError('LIKE needs a quoted pattern', tokens[k - 1]?.pos ?? end);
      return { kind: 'like', property: p, pattern: v, negate };
    }
    if (kw('IN')) {
      k++;
      return { kind: 'in', property: p, values: list(literal), negate };
    }
    if (kw('BETWEEN')) {
      k++;
      const low = number();
      expect('AND');
      return { kind: 'between', property: p, low, high: number(), negate };
    }
    if (kw('IS')) {
      k++;
      const not = kw('NOT') ? (k++, true) : false;
      expect('NULL');
      return { kind: 'isNull', property: p, negate: not };
    }
    if (negate) throw new CqlError('Expected LIKE, IN or BETWEEN after NOT', at());
    const op = peek();
    if (op?.type !== 'op' || !(COMPARISONS as readonly string[]).includes(op.text)) {
      throw new CqlError('Expected a comparison (=, <>, <, <=, >, >=), LIKE, IN, BETWEEN or IS NULL', op?.pos ?? end);
    }
    k++;
    return { kind: 'compare', op: op.text as Comparison, property: p, value: literal() };
  };
  const and = (): Expr => {
    const args = [primary()];
    while (kw('AND')) {
      k++;
      args.push(primary());
    }
    return args.length === 1 ? (args[0] as Expr) : { kind: 'and', args };
  };
  const or = (): Expr => {
    const args = [and()];
    while (kw('OR')) {
      k++;
      args.push(and());
    }
    return args.length === 1 ? (args[0] as Expr) : { kind: 'or', args };
  };

  if (tokens.length === 0) throw new CqlError('Empty filter', 0);
  const expr = or();
  if (k < tokens.length) throw new CqlError(`Unexpected "${tokens[k]?.text ?? ''}"`, tokens[k]?.pos ?? end);
  return expr;
}
