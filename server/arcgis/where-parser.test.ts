import { describe, expect, it } from 'vitest';
import type { LayerRecord } from '../catalog/layer-types.js';
import { buildFeatureQuery } from '../features/feature-query.js';
import { parseWhere, WhereError, type WhereField, type WhereSchema } from './where-parser.js';

const FIELDS = [
  { name: 'nama', type: 'string' as const },
  { name: 'jumlah', type: 'integer' as const },
  { name: 'luas', type: 'number' as const },
  { name: 'aktif', type: 'boolean' as const },
  { name: 'tanggal', type: 'date' as const },
  { name: 'nama jalan', type: 'string' as const },
];
/** Esri names as the layer JSON gives them: "nama jalan" becomes nama_jalan. */
const ESRI: [string, string][] = FIELDS.map((f) => [f.name.replace(/ /g, '_'), f.name]);

const schema: WhereSchema = {
  field(name, quoted): WhereField | null {
    if (name.toUpperCase() === 'OBJECTID') return { kind: 'oid', name: 'OBJECTID' };
    const hit =
      ESRI.find(([esri, prop]) => esri === name || (quoted && prop === name)) ??
      ESRI.find(([esri]) => esri.toLowerCase() === name.toLowerCase());
    const field = hit && FIELDS.find((f) => f.name === hit[1]);
    return hit && field ? { kind: 'field', name: hit[0], property: field.name, type: field.type } : null;
  },
  names: ['OBJECTID', ...ESRI.map(([e]) => e)],
};

const parse = (text: string) => parseWhere(text, schema);
/** The position (1-based) a refusal names, and its message. */
function refusal(text: string): { at: number; message: string } {
  try {
    parse(text);
  } catch (err) {
    if (err instanceof WhereError) return { at: err.position + 1, message: err.message };
    throw err;
  }
  throw new Error(`"${text}" was accepted`);
}

describe('where clauses (GeoServices SQL-92 subset)', () => {
  it('reads 1=1 and other constant tests as true or false', () => {
    expect(parse('1=1')).toEqual({ kind: 'bool', value: true });
    expect(parse('1 = 0')).toEqual({ kind: 'bool', value: false });
    expect(parse("'a' <> 'b'")).toEqual({ kind: 'bool', value: true });
  });

  it('reads every comparison operator, either side, with field names in any case', () => {
    for (const op of ['=', '<>', '<', '<=', '>', '>='])
      expect(parse(`JUMLAH ${op} 5`)).toEqual({ kind: 'compare', op, property: 'jumlah', value: 5 });
    expect(parse('jumlah != -2.5e1')).toEqual({ kind: 'compare', op: '<>', property: 'jumlah', value: -25 });
    expect(parse('5 < jumlah')).toEqual({ kind: 'compare', op: '>', property: 'jumlah', value: 5 });
  });

  it("reads quoted strings with '' as a quote, N'…' and quoted field names", () => {
    expect(parse("nama = 'Jl. O''Brien'")).toMatchObject({ value: "Jl. O'Brien" });
    expect(parse("nama = N'Cikokol'")).toMatchObject({ value: 'Cikokol' });
    expect(parse(`"nama jalan" = 'x'`)).toMatchObject({ property: 'nama jalan' });
    expect(parse(`[nama_jalan] = 'x'`)).toMatchObject({ property: 'nama jalan' });
    expect(parse(`nama_jalan = 'x'`)).toMatchObject({ property: 'nama jalan' });
  });

  it('binds NOT tighter than AND and AND tighter than OR, and pushes NOT down to the predicates', () => {
    expect(parse('jumlah = 1 OR jumlah = 2 AND NOT jumlah = 3')).toEqual({
      kind: 'or',
      args: [
        { kind: 'compare', op: '=', property: 'jumlah', value: 1 },
        {
          kind: 'and',
          args: [
            { kind: 'compare', op: '=', property: 'jumlah', value: 2 },
            { kind: 'compare', op: '<>', property: 'jumlah', value: 3 },
          ],
        },
      ],
    });
    expect(parse("NOT (jumlah > 1 AND nama LIKE 'A%')")).toEqual({
      kind: 'or',
      args: [
        { kind: 'compare', op: '<=', property: 'jumlah', value: 1 },
        { kind: 'like', property: 'nama', pattern: 'A%', negate: true },
      ],
    });
    expect(parse('NOT NOT jumlah IS NULL')).toEqual({ kind: 'isNull', property: 'jumlah', negate: false });
  });

  it('reads IN, NOT IN, BETWEEN and IS [NOT] NULL', () => {
    expect(parse("nama IN ('a', 'b')")).toEqual({ kind: 'in', property: 'nama', values: ['a', 'b'], negate: false });
    expect(parse('jumlah NOT IN (1, 2, 3)')).toMatchObject({ kind: 'in', values: [1, 2, 3], negate: true });
    expect(parse('luas BETWEEN 1 AND 2.5')).toEqual({
      kind: 'between',
      property: 'luas',
      low: 1,
      high: 2.5,
      negate: false,
    });
    expect(parse('luas NOT BETWEEN 1 AND 2')).toMatchObject({ kind: 'between', negate: true });
    expect(parse('nama IS NOT NULL')).toEqual({ kind: 'isNull', property: 'nama', negate: true });
  });

  it('reads LIKE patterns with their ESCAPE character, and a lone backslash as itself', () => {
    expect(parse("nama LIKE 'A!_%' ESCAPE '!'")).toMatchObject({ pattern: 'A\\_%' });
    expect(parse("nama LIKE 'C:\\%'")).toMatchObject({ pattern: 'C:\\\\%' });
    expect(parse("nama NOT LIKE '%x_'")).toMatchObject({ kind: 'like', negate: true });
  });

  it('reads dates and timestamps against a date field as whole days', () => {
    expect(parse("tanggal >= DATE '2024-03-01'")).toMatchObject({ op: '>=', value: { date: '2024-03-01' } });
    expect(parse("tanggal < '2024-03-01'")).toMatchObject({ op: '<', value: { date: '2024-03-01' } });
    expect(parse("tanggal = TIMESTAMP '2024-03-01 00:00:00'")).toMatchObject({ value: { date: '2024-03-01' } });
    // 10:00 falls inside 1 March: after it means from 2 March, before it means up to 1 March.
    expect(parse("tanggal > TIMESTAMP '2024-03-01 10:00:00'")).toMatchObject({
      op: '>',
      value: { date: '2024-03-01' },
    });
    expect(parse("tanggal < TIMESTAMP '2024-03-01 10:00:00'")).toMatchObject({
      op: '<=',
      value: { date: '2024-03-01' },
    });
    expect(parse("tanggal = TIMESTAMP '2024-03-01 10:00:00'")).toEqual({ kind: 'bool', value: false });
    expect(parse("tanggal BETWEEN DATE '2024-01-01' AND DATE '2024-12-31'")).toMatchObject({ kind: 'and' });
  });

  it('reads 1/0 for boolean fields and OBJECTID comparisons as feature ids', () => {
    expect(parse('aktif = 1')).toEqual({ kind: 'compare', op: '=', property: 'aktif', value: true });
    expect(parse('aktif <> 0')).toMatchObject({ value: false, op: '<>' });
    expect(parse('objectid > 10')).toEqual({ kind: 'fid', op: '>', value: 10 });
    expect(parse('OBJECTID IN (1, 2, 2.5)')).toEqual({ kind: 'ids', ids: [1, 2] });
    expect(parse('OBJECTID IS NOT NULL')).toEqual({ kind: 'bool', value: true });
  });

  it('compiles to SQL whose every value is bound', () => {
    const e = parse("nama = 'x'' or ''1''=''1' AND jumlah IN (1, 2) AND tanggal > DATE '2024-01-01'");
    const layer = { slug: 'uji', fields: FIELDS } as LayerRecord;
    const sql = buildFeatureQuery(layer, { filterExpr: e }, { defaultLimit: 1, maxLimit: 1, overMax: 'clamp' }).where;
    expect(sql?.sql).not.toContain("'x");
    expect(sql?.bindings).toContain("x' or '1'='1");
  });

  it('refuses what is not a where clause, naming the character where reading stopped', () => {
    const cases: [string, number, RegExp][] = [
      ['1=1; drop table features', 4, /";" is not allowed/],
      ["nama = 'a' -- comment", 12, /Comments/],
      ['jumlah = ', 10, /clause ended/],
      ["nama = 'open", 8, /not closed/],
      ['tidak_ada = 1', 1, /not a field.*Fields: OBJECTID, nama/],
      ["jumlah = 'lima'", 10, /number field: compare it with a number, not 'lima'/],
      ['nama = 5', 8, /text field.*quoted string/],
      ['jumlah = luas', 10, /two fields/],
      ["UPPER(nama) = 'A'", 1, /Functions/],
      ['jumlah = NULL', 10, /IS NULL/],
      ['(jumlah = 1', 12, /"\)"/],
      ['jumlah = 1 jumlah = 2', 12, /Unexpected "jumlah"/],
      ['aktif > 0', 9, /only = and <>/],
      ["jumlah LIKE '1%'", 13, /LIKE needs a text field/],
      ["tanggal = DATE '2024-02-30'", 16, /not a date/],
      ['', 1, /empty/],
      ['jumlah * 2 > 1', 8, /Unexpected "\*"/],
    ];
    for (const [text, at, message] of cases) {
      const r = refusal(text);
      expect(r.message, text).toMatch(message);
      expect(r.at, text).toBe(at);
    }
    expect(refusal('('.repeat(200) + '1=1' + ')'.repeat(200)).message).toMatch(/deeper than 64/);
  });
});
