/**
 * The tokens of a GeoServices `where` clause (the SQL-92 subset ArcGIS clients send): numbers,
 * 'quoted strings' ('' is a quote; N'…' too), names (bare, "double-quoted" or [bracketed]),
 * comparison operators, parentheses and commas. Anything else (`;`, `*`, `--`, `/`, `|`…) stops
 * the reading at its position: there is no way to reach SQL text from here.
 */
export interface WhereToken {
  type: 'name' | 'quotedName' | 'string' | 'number' | 'op' | 'punct';
  text: string;
  /** 0-based character position in the clause. */
  pos: number;
}

export class WhereError extends Error {
  constructor(
    message: string,
    /** 0-based character position where reading stopped. */
    readonly position: number,
  ) {
    super(message);
  }
}

const NAME_START = /[A-Za-z_\u00C0-\uFFFF]/;
const NAME_CHAR = /[A-Za-z0-9_\u00C0-\uFFFF]/;
const NUMBER = /^(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/;

function quoted(input: string, start: number, close: string, what: string): { text: string; end: number } {
  let text = '';
  let i = start + 1;
  for (;;) {
    if (i >= input.length) throw new WhereError(`${what} is not closed`, start);
    const c = input[i] as string;
    if (c === close && input[i + 1] === close && close !== ']') {
      text += close;
      i += 2;
    } else if (c === close) return { text, end: i + 1 };
    else {
      text += c;
      i += 1;
    }
  }
}

export function tokenize(input: string): WhereToken[] {
  const out: WhereToken[] = [];
  let i = 0;
  while (i < input.length) {
    const c = input[i] as string;
    if (/\s/.test(c)) {
      i += 1;
      continue;
    }
    const pos = i;
    if (c === "'" || ((c === 'N' || c === 'n') && input[i + 1] === "'")) {
      const q = quoted(input, c === "'" ? i : i + 1, "'", 'A quoted string');
      out.push({ type: 'string', text: q.text, pos });
      i = q.end;
    } else if (c === '"' || c === '[') {
      const q = quoted(input, i, c === '"' ? '"' : ']', 'A quoted field name');
      if (q.text === '') throw new WhereError('An empty field name', pos);
      out.push({ type: 'quotedName', text: q.text, pos });
      i = q.end;
    } else if (/[0-9.]/.test(c)) {
      const m = NUMBER.exec(input.slice(i));
      if (!m) throw new WhereError(`Unexpected "${c}"`, pos);
      out.push({ type: 'number', text: m[0], pos });
      i += m[0].length;
      if (i < input.length && NAME_CHAR.test(input[i] as string))
        throw new WhereError(`A number runs into "${input[i]}"`, i);
    } else if (NAME_START.test(c)) {
      let j = i + 1;
      while (j < input.length && NAME_CHAR.test(input[j] as string)) j += 1;
      out.push({ type: 'name', text: input.slice(i, j), pos });
      i = j;
    } else {
      const two = input.slice(i, i + 2);
      if (two === '<>' || two === '<=' || two === '>=' || two === '!=') {
        out.push({ type: 'op', text: two === '!=' ? '<>' : two, pos });
        i += 2;
      } else if (c === '=' || c === '<' || c === '>') {
        out.push({ type: 'op', text: c, pos });
        i += 1;
      } else if (c === '(' || c === ')' || c === ',' || c === '-' || c === '+') {
        if (two === '--') throw new WhereError('Comments ("--") are not part of a where clause', pos);
        out.push({ type: 'punct', text: c, pos });
        i += 1;
      } else {
        throw new WhereError(
          c === ';'
            ? 'A where clause is one condition: ";" is not allowed'
            : `Unexpected "${c}": a where clause holds field names, values, comparisons, AND/OR/NOT, IN, LIKE, BETWEEN and IS NULL`,
          pos,
        );
      }
    }
  }
  return out;
}
