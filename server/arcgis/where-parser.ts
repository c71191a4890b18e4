import { flipComparison, isCalendarDate, type Comparison, type Expr } from '../features/cql2-ast.js';
import { tokenize, WhereError, type WhereToken } from './where-tokens.js';
import {
  compareField,
  constant,
  inForm,
  likePattern,
  negate,
  timestampOf,
  type Operand,
  type Value,
  type WhereField,
} from './where-values.js';

export { WhereError } from './where-tokens.js';
export { negate, type WhereField } from './where-values.js';

/**
 * A GeoServices `where` clause (the SQL-92 subset ArcGIS clients send) as the CQL2 tree the one
 * feature query compiles to bound SQL: comparisons (= <> != < <= > >=), AND / OR / NOT and
 * parentheses, [NOT] IN (…), [NOT] LIKE '…' [ESCAPE 'c'], IS [NOT] NULL, [NOT] BETWEEN … AND …,
 * constant tests such as 1=1, DATE 'yyyy-mm-dd' and TIMESTAMP 'yyyy-mm-dd hh:mm:ss' (UTC).
 *
 * Values are typed by their field and NOT is pushed down to the predicates (where-values.ts).
 */
export interface WhereSchema {
  /** The field a name stands for (case-insensitive; quoted names may also be the original property names). */
  field(name: string, quoted: boolean): WhereField | null;
  /** The names a client may use, for messages. */
  names: string[];
}

const MAX_DEPTH = 64;

export function parseWhere(text: string, schema: WhereSchema): Expr {
  return new WhereParser(tokenize(text), text.length, schema).parse();
}

class WhereParser {
  private i = 0;
  private depth = 0;

  constructor(
    private readonly tokens: WhereToken[],
    private readonly end: number,
    private readonly schema: WhereSchema,
  ) {}

  parse(): Expr {
    if (this.tokens.length === 0) throw new WhereError('The where clause is empty (use 1=1 for every feature)', 0);
    const e = this.or();
    const left = this.tokens[this.i];
    if (left) throw new WhereError(`Unexpected "${left.text}" after a complete condition`, left.pos);
    return e;
  }

  private peek(): WhereToken | undefined {
    return this.tokens[this.i];
  }
  private pos(): number {
    return this.peek()?.pos ?? this.end;
  }
  private keyword(word: string): boolean {
    const t = this.peek();
    if (t?.type === 'name' && t.text.toUpperCase() === word) {
      this.i += 1;
      return true;
    }
    return false;
  }
  private punct(text: string): boolean {
    const t = this.peek();
    if (t?.type === 'punct' && t.text === text) {
      this.i += 1;
      return true;
    }
    return false;
  }
  private expect(text: string, what: string): void {
    if (!this.punct(text) && !this.keyword(text)) {
      const t = this.peek();
      throw new WhereError(`Expected ${what}${t ? ` but found "${t.text}"` : ' but the clause ended'}`, this.pos());
    }
  }

  private or(): Expr {
    const args = [this.and()];
    while (this.keyword('OR')) args.push(this.and());
    return args.length === 1 ? (args[0] as Expr) : { kind: 'or', args };
  }

  private and(): Expr {
    const args = [this.not()];
    while (this.keyword('AND')) args.push(this.not());
    return args.length === 1 ? (args[0] as Expr) : { kind: 'and', args };
  }

  private not(): Expr {
    if (++this.depth > MAX_DEPTH) throw new WhereError(`Nested deeper than ${MAX_DEPTH} levels`, this.pos());
    try {
      if (this.keyword('NOT')) return negate(this.not());
      const t = this.peek();
      if (t?.type === 'punct' && t.text === '(') {
        this.i += 1;
        const e = this.or();
        this.expect(')', '")"');
        return e;
      }
      return this.predicate();
    } finally {
      this.depth -= 1;
    }
  }

  private predicate(): Expr {
    const left = this.operand();
    const t = this.peek();
    if (t?.type === 'op') {
      this.i += 1;
      return this.compare(left, t.text as Comparison, this.operand());
    }
    if (this.keyword('IS')) {
      const negated = this.keyword('NOT');
      this.expect('NULL', 'NULL after IS');
      return this.isNull(this.fieldOf(left, 'IS NULL'), negated);
    }
    const negated = this.keyword('NOT');
    if (this.keyword('IN')) return this.inList(this.fieldOf(left, 'IN'), negated);
    if (this.keyword('LIKE')) return this.like(this.fieldOf(left, 'LIKE'), negated);
    if (this.keyword('BETWEEN')) {
      const field = this.fieldOf(left, 'BETWEEN');
      const low = this.operand();
      this.expect('AND', 'AND between the two bounds of BETWEEN');
      const high = this.operand();
      const e = this.between(field, low, high);
      return negated ? negate(e) : e;
    }
    throw new WhereError(
      t ? `Expected a comparison, IN, LIKE, BETWEEN or IS NULL but found "${t.text}"` : 'The condition is incomplete',
      this.pos(),
    );
  }

  /** A field name or a literal value (numbers may carry a sign). */
  private operand(): Operand {
    const t = this.peek();
    if (!t) throw new WhereError('Expected a field name or a value but the clause ended', this.end);
    this.i += 1;
    if (t.type === 'string') return { value: t.text, pos: t.pos };
    if (t.type === 'number') return { value: Number(t.text), pos: t.pos };
    if (t.type === 'punct' && (t.text === '-' || t.text === '+')) {
      const n = this.peek();
      if (n?.type !== 'number') throw new WhereError(`"${t.text}" must be followed by a number`, t.pos);
      this.i += 1;
      return { value: (t.text === '-' ? -1 : 1) * Number(n.text), pos: t.pos };
    }
    if (t.type === 'quotedName') return { field: this.field(t.text, true, t.pos), pos: t.pos };
    if (t.type === 'name') {
      const word = t.text.toUpperCase();
      if (word === 'TRUE' || word === 'FALSE') return { value: word === 'TRUE', pos: t.pos };
      if ((word === 'DATE' || word === 'TIMESTAMP') && this.peek()?.type === 'string') {
        return { value: this.temporal(word, this.tokens[this.i++] as WhereToken), pos: t.pos };
      }
      if (word === 'NULL') throw new WhereError('Compare with NULL by IS NULL or IS NOT NULL', t.pos);
      if (this.peek()?.type === 'punct' && this.peek()?.text === '(')
        throw new WhereError(`Functions such as ${t.text}(…) are not supported`, t.pos);
      return { field: this.field(t.text, false, t.pos), pos: t.pos };
    }
    throw new WhereError(`Expected a field name or a value but found "${t.text}"`, t.pos);
  }

  private field(name: string, quoted: boolean, pos: number): WhereField {
    const f = this.schema.field(name, quoted);
    if (!f)
      throw new WhereError(`"${name}" is not a field of this layer. Fields: ${this.schema.names.join(', ')}`, pos);
    return f;
  }

  private temporal(word: string, t: WhereToken): Value {
    const text = t.text.trim();
    if (word === 'DATE') {
      if (!isCalendarDate(text)) throw new WhereError(`DATE '${t.text}' is not a date (yyyy-mm-dd)`, t.pos);
      return { date: text };
    }
    const stamp = timestampOf(text);
    if (!stamp) throw new WhereError(`TIMESTAMP '${t.text}' is not a time (yyyy-mm-dd hh:mm:ss)`, t.pos);
    return stamp;
  }

  private fieldOf(o: Operand, what: string): WhereField {
    if ('field' in o) return o.field;
    throw new WhereError(`${what} needs a field name on its left`, o.pos);
  }

  private compare(a: Operand, op: Comparison, b: Operand): Expr {
    if ('field' in a && 'field' in b)
      throw new WhereError(
        'Comparing two fields with each other is not supported; compare a field with a value',
        b.pos,
      );
    if ('value' in a && 'value' in b) return { kind: 'bool', value: constant(a, op, b) };
    const [field, value, o] =
      'field' in a ? [a.field, b, op] : [(b as { field: WhereField }).field, a, flipComparison(op)];
    return compareField(field, o, (value as { value: Value; pos: number }).value, value.pos);
  }

  private isNull(f: WhereField, negated: boolean): Expr {
    if (f.kind === 'oid') return { kind: 'bool', value: negated };
    return { kind: 'isNull', property: f.property, negate: negated };
  }

  private inList(f: WhereField, negated: boolean): Expr {
    this.expect('(', '"(" after IN');
    const values: Operand[] = [];
    do {
      const o = this.operand();
      if ('field' in o) throw new WhereError('IN takes a list of values, not field names', o.pos);
      values.push(o);
    } while (this.punct(','));
    this.expect(')', '")" closing the IN list');
    const e: Expr =
      values.length === 1
        ? compareField(f, '=', (values[0] as { value: Value }).value, (values[0] as Operand).pos)
        : { kind: 'or', args: values.map((v) => compareField(f, '=', (v as { value: Value }).value, v.pos)) };
    return negated ? negate(inForm(e)) : inForm(e);
  }

  private like(f: WhereField, negated: boolean): Expr {
    const pattern = this.operand();
    if (!('value' in pattern) || typeof pattern.value !== 'string')
      throw new WhereError('LIKE takes a quoted pattern', pattern.pos);
    let escape: string | null = null;
    if (this.keyword('ESCAPE')) {
      const e = this.operand();
      if (!('value' in e) || typeof e.value !== 'string' || [...e.value].length !== 1)
        throw new WhereError('ESCAPE takes one quoted character', e.pos);
      escape = e.value;
    }
    if (f.kind === 'oid' || (f.type !== 'string' && f.type !== 'date'))
      throw new WhereError(
        `LIKE needs a text field; ${f.name} is ${f.kind === 'oid' ? 'the object id' : f.type}`,
        pattern.pos,
      );
    return { kind: 'like', property: f.property, pattern: likePattern(pattern.value, escape), negate: negated };
  }

  private between(f: WhereField, low: Operand, high: Operand): Expr {
    if (!('value' in low) || !('value' in high))
      throw new WhereError('BETWEEN takes two values', ('field' in low ? low : high).pos);
    if (f.kind === 'field' && (f.type === 'integer' || f.type === 'number')) {
      if (typeof low.value !== 'number' || typeof high.value !== 'number')
        throw new WhereError(`${f.name} is a number field: BETWEEN takes two numbers`, low.pos);
      return { kind: 'between', property: f.property, low: low.value, high: high.value, negate: false };
    }
    return {
      kind: 'and',
      args: [compareField(f, '>=', low.value, low.pos), compareField(f, '<=', high.value, high.pos)],
    };
  }
}
