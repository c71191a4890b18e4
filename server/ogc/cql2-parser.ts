/**
 * CQL2 text (OGC API Features Part 3) into a small syntax tree. Supported: comparisons
 * (= <> < <= > >=), AND / OR / NOT, LIKE, IN (...), BETWEEN … AND …, IS [NOT] NULL, and
 * S_INTERSECTS(<property>, BBOX(…) | POINT / LINESTRING / POLYGON WKT). Every error names the
 * character position where reading stopped.
 */
export type Literal = string | number | boolean;
export type Geometry = { type: 'Point' | 'LineString' | 'Polygon'; coordinates: unknown } | { type: 'BBox'; bbox: [number, number, number, number] };

export type Expr =
  | { kind: 'and' | 'or'; args: Expr[] }
  | { kind: 'not'; arg: Expr }
  | { kind: 'compare'; op: '=' | '<>' | '<' | '<=' | '>' | '>='; property: string; value: Literal }
  | { kind: 'like'; property: string; pattern: string; negate: boolean }
  | { kind: 'in'; property: string; values: Literal[]; negate: boolean }
  | { kind: 'between'; property: string; low: number; high: number; negate: boolean }
  | { kind: 'isNull'; property: string; negate: boolean }
  | { kind: 'intersects'; property: string; geometry: Geometry };

export class CqlError extends Error {
  constructor(message: string, readonly position: number) {
    super(`${message} (at character ${position + 1})`);
  }
}

interface Token { type: 'ident' | 'string' | 'number' | 'op' | 'punct'; text: string; pos: number }

const KEYWORDS = new Set(['AND', 'OR', 'NOT', 'LIKE', 'IN', 'BETWEEN', 'IS', 'NULL', 'TRUE', 'FALSE']);

function tokenize(input: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const c = input[i] as string;
    if (/\s/.test(c)) { i++; continue; }
    const start = i;
    if (c === "'") {
      let text = '';
      i++;
      for (;;) {
        if (i >= input.length) throw new CqlError('Unclosed string', start);
        if (input[i] === "'" && input[i + 1] === "'") { text += "'"; i += 2; continue; }
        if (input[i] === "'") { i++; break; }
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
      if (['<>', '<=', '>='].includes(two)) { out.push({ type: 'op', text: two, pos: start }); i += 2; }
      else if ('=<>'.includes(c)) { out.push({ type: 'op', text: c, pos: start }); i++; }
      else if ('(),'.includes(c)) { out.push({ type: 'punct', text: c, pos: start }); i++; }
      else throw new CqlError(`Unexpected character "${c}"`, start);
    }
  }
  return out;
}

export function parseCql2(input: string): Expr {
  if (input.length > 4000) throw new CqlError('Filter longer than 4,000 characters', 0);
  const tokens = tokenize(input);
  let k = 0;
  const peek = () => tokens[k];
  const end = input.length;
  const kw = (word: string) => peek()?.type === 'ident' && peek()?.text.toUpperCase() === word;
  const expect = (text: string) => {
    const t = tokens[k];
    if (!t || t.text.toUpperCase() !== text) throw new CqlError(`Expected "${text}"`, t?.pos ?? end);
    k++;
  };
  const number = (): number => {
    const t = tokens[k];
    if (t?.type !== 'number') throw new CqlError('Expected a number', t?.pos ?? end);
    k++;
    return Number(t.text);
  };
  const literal = (): Literal => {
    const t = tokens[k];
    if (!t) throw new CqlError('Expected a value', end);
    k++;
    if (t.type === 'string') return t.text;
    if (t.type === 'number') return Number(t.text);
    if (t.type === 'ident' && ['TRUE', 'FALSE'].includes(t.text.toUpperCase())) return t.text.toUpperCase() === 'TRUE';
    throw new CqlError('Expected a value: a quoted string, a number, TRUE or FALSE', t.pos);
  };
  const property = (): string => {
    const t = tokens[k];
    if (t?.type !== 'ident' || KEYWORDS.has(t.text.toUpperCase())) throw new CqlError('Expected a property name', t?.pos ?? end);
    k++;
    return t.text;
  };
  const position = (): [number, number] => [number(), number()];
  const list = <T>(item: () => T): T[] => {
    expect('(');
    const items = [item()];
    while (peek()?.text === ',') { k++; items.push(item()); }
    expect(')');
    return items;
  };
  const geometry = (): Geometry => {
    const t = tokens[k];
    const word = t?.type === 'ident' ? t.text.toUpperCase() : '';
    k++;
    if (word === 'BBOX') {
      const n = list(number);
      if (n.length !== 4 && n.length !== 6) throw new CqlError('BBOX takes 4 or 6 numbers', t?.pos ?? end);
      const b = n.length === 4 ? n : [n[0], n[1], n[3], n[4]];
      return { type: 'BBox', bbox: b as [number, number, number, number] };
    }
    if (word === 'POINT') return { type: 'Point', coordinates: list(position)[0] };
    if (word === 'LINESTRING') return { type: 'LineString', coordinates: list(position) };
    if (word === 'POLYGON') return { type: 'Polygon', coordinates: list(() => list(position)) };
    throw new CqlError('Expected BBOX(...), POINT(...), LINESTRING(...) or POLYGON(...)', t?.pos ?? end);
  };

  const primary = (): Expr => {
    if (peek()?.text === '(') {
      k++;
      const e = or();
      expect(')');
      return e;
    }
    if (kw('NOT')) { k++; return { kind: 'not', arg: primary() }; }
    if (kw('S_INTERSECTS')) {
      k++;
      expect('(');
      const p = property();
      expect(',');
      const g = geometry();
      expect(')');
      return { kind: 'intersects', property: p, geometry: g };
    }
    const p = property();
    const negate = kw('NOT') ? (k++, true) : false;
    if (kw('LIKE')) {
      k++;
      const v = literal();
      if (typeof v !== 'string') throw new CqlError('LIKE needs a quoted pattern', tokens[k - 1]?.pos ?? end);
      return { kind: 'like', property: p, pattern: v, negate };
    }
    if (kw('IN')) { k++; return { kind: 'in', property: p, values: list(literal), negate }; }
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
    if (negate) throw new CqlError('Expected LIKE, IN or BETWEEN after NOT', peek()?.pos ?? end);
    const op = peek();
    if (op?.type !== 'op') throw new CqlError('Expected a comparison (=, <>, <, <=, >, >=), LIKE, IN, BETWEEN or IS NULL', op?.pos ?? end);
    k++;
    return { kind: 'compare', op: op.text as '=', property: p, value: literal() };
  };
  const and = (): Expr => {
    const args = [primary()];
    while (kw('AND')) { k++; args.push(primary()); }
    return args.length === 1 ? (args[0] as Expr) : { kind: 'and', args };
  };
  const or = (): Expr => {
    const args = [and()];
    while (kw('OR')) { k++; args.push(and()); }
    return args.length === 1 ? (args[0] as Expr) : { kind: 'or', args };
  };

  if (tokens.length === 0) throw new CqlError('Empty filter', 0);
  const expr = or();
  if (k < tokens.length) throw new CqlError(`Unexpected "${tokens[k]?.text ?? ''}"`, tokens[k]?.pos ?? end);
  return expr;
}
