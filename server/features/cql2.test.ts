import { describe, expect, it } from 'vitest';
import { CqlError, parseCql2 } from './cql2-parser.js';
import { parseCql2Json } from './cql2-json.js';
import { cql2ToSql } from './cql2-sql.js';

const fields = [
  { name: 'nama', type: 'string' as const },
  { name: 'luas_km2', type: 'number' as const },
  { name: 'aktif', type: 'boolean' as const },
];

describe('CQL2 text', () => {
  it('respects precedence: NOT binds tighter than AND, AND tighter than OR', () => {
    expect(parseCql2('a = 1 OR b = 2 AND NOT c = 3')).toEqual({
      kind: 'or',
      args: [
        { kind: 'compare', op: '=', property: 'a', value: 1 },
        {
          kind: 'and',
          args: [
            { kind: 'compare', op: '=', property: 'b', value: 2 },
            { kind: 'not', arg: { kind: 'compare', op: '=', property: 'c', value: 3 } },
          ],
        },
      ],
    });
  });

  it('reads LIKE, IN, BETWEEN, IS NULL, quotes and spatial literals', () => {
    expect(parseCql2("nama NOT LIKE 'O''Brien%'")).toEqual({
      kind: 'like',
      property: 'nama',
      pattern: "O'Brien%",
      negate: true,
    });
    expect(parseCql2("nama IN ('a', 'b')")).toMatchObject({ kind: 'in', values: ['a', 'b'] });
    expect(parseCql2('luas_km2 BETWEEN 1 AND 2.5')).toMatchObject({ kind: 'between', low: 1, high: 2.5 });
    expect(parseCql2('nama IS NOT NULL')).toMatchObject({ kind: 'isNull', negate: true });
    expect(parseCql2('S_INTERSECTS(geometry, POLYGON((0 0, 1 0, 1 1, 0 0)))')).toEqual({
      kind: 'spatial',
      op: 's_intersects',
      args: [
        { property: 'geometry' },
        {
          geometry: {
            type: 'Polygon',
            coordinates: [
              [
                [0, 0],
                [1, 0],
                [1, 1],
                [0, 0],
              ],
            ],
          },
        },
      ],
    });
    expect(parseCql2('s_intersects(geometry, bbox(1, 2, 3, 4))')).toMatchObject({
      args: [{ property: 'geometry' }, { geometry: { type: 'BBox', bbox: [1, 2, 3, 4] } }],
    });
    expect(parseCql2('S_WITHIN(MULTIPOINT(1 2, 3 4), geometry)')).toMatchObject({
      op: 's_within',
      args: [
        {
          geometry: {
            type: 'MultiPoint',
            coordinates: [
              [1, 2],
              [3, 4],
            ],
          },
        },
        { property: 'geometry' },
      ],
    });
  });

  it.each([
    ["nama = 'x", 8],
    ['nama =', 7],
    ["(nama = 'x'", 12],
    ["nama = 'x' nama", 12],
    ['nama ~ 1', 6],
    ['S_INTERSECTS(geometry, CIRCLE(1 2))', 24],
    ['S_INTERSECTS(geometry, POLYGON((0 0, 1 0, 1 1)))', 24],
    ["tanggal > DATE('2024-02-30')", 16],
    ["tanggal > TIMESTAMP('2024-02-03')", 21],
    ['', 1],
  ])('says where %j goes wrong', (text, position) => {
    let err: unknown;
    try {
      parseCql2(text);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CqlError);
    expect((err as CqlError).position + 1).toBe(position);
  });

  it('binds names and values and never puts them in the SQL text', () => {
    const f = cql2ToSql(parseCql2("nama = 'x'' or 1=1 --' AND luas_km2 >= 2 AND aktif = TRUE"), fields);
    expect(f.sql).not.toMatch(/or 1=1|nama|luas/);
    expect(f.bindings).toEqual(['nama', "x' or 1=1 --", 'luas_km2', 'luas_km2', 2, 'aktif', true]);
    expect((f.sql.match(/\?/g) ?? []).length).toBe(f.bindings.length);
    expect(f.sql).toContain('::numeric');
  });

  it('refuses properties that are not queryable and text where a number is due', () => {
    expect(() => cql2ToSql(parseCql2("warna = 'merah'"), fields)).toThrow(/not a queryable/);
    expect(() => cql2ToSql(parseCql2("luas_km2 > 'besar'"), fields)).toThrow(/compare it with a number/);
    expect(() => cql2ToSql(parseCql2("aktif = 'abc'"), fields)).toThrow(/TRUE or FALSE/);
    expect(() => cql2ToSql(parseCql2("aktif IN ('x', 'y')"), fields)).toThrow(/TRUE or FALSE/);
    expect(() => cql2ToSql(parseCql2("luas_km2 LIKE '1%'"), fields)).toThrow(/LIKE needs a text property/);
    expect(() => cql2ToSql(parseCql2('S_INTERSECTS(nama, POINT(1 2))'), fields)).toThrow(/geometry/);
  });

  it('reads DATE, TIMESTAMP and boolean literals, and comparisons written value-first', () => {
    expect(parseCql2("tanggal >= DATE('2024-11-30')")).toEqual({
      kind: 'compare',
      op: '>=',
      property: 'tanggal',
      value: { date: '2024-11-30' },
    });
    expect(parseCql2("TIMESTAMP('2024-11-30T10:00:00Z') < tanggal")).toEqual({
      kind: 'compare',
      op: '>',
      property: 'tanggal',
      value: { timestamp: '2024-11-30T10:00:00Z' },
    });
    expect(parseCql2('TRUE AND NOT FALSE')).toEqual({
      kind: 'and',
      args: [
        { kind: 'bool', value: true },
        { kind: 'not', arg: { kind: 'bool', value: false } },
      ],
    });
    expect(parseCql2('aktif = TRUE')).toEqual({ kind: 'compare', op: '=', property: 'aktif', value: true });
  });
});

describe('CQL2 JSON', () => {
  it('reads the same tree as the text encoding', () => {
    const text = parseCql2("nama = 'Pajang' AND luas_km2 BETWEEN 1 AND 2 OR NOT nama IN ('a', 'b')");
    const json = parseCql2Json(
      JSON.stringify({
        op: 'or',
        args: [
          {
            op: 'and',
            args: [
              { op: '=', args: [{ property: 'nama' }, 'Pajang'] },
              { op: 'between', args: [{ property: 'luas_km2' }, 1, 2] },
            ],
          },
          { op: 'not', args: [{ op: 'in', args: [{ property: 'nama' }, ['a', 'b']] }] },
        ],
      }),
    );
    expect(json).toEqual({
      ...text,
      args: [
        (text as { args: unknown[] }).args[0],
        { kind: 'not', arg: { kind: 'in', property: 'nama', values: ['a', 'b'], negate: false } },
      ],
    });
    expect(
      parseCql2Json('{"op":"s_contains","args":[{"property":"geometry"},{"type":"Point","coordinates":[106.6,-6.1]}]}'),
    ).toEqual(parseCql2('S_CONTAINS(geometry, POINT(106.6 -6.1))'));
    expect(parseCql2Json('{"op":">","args":[{"property":"tanggal"},{"date":"2024-01-31"}]}')).toEqual(
      parseCql2("tanggal > DATE('2024-01-31')"),
    );
    expect(parseCql2Json('{"op":"<","args":[3,{"property":"luas_km2"}]}')).toEqual(parseCql2('luas_km2 > 3'));
  });

  it.each([
    ['{"op":"=","args":[{"property":"nama"}]}', /Expected 2 arguments at \$\.args/],
    ['{"op":"xor","args":[]}', /Unsupported operator/],
    ['{"op":"and","args":[true]}', /at least two/],
    [
      '{"op":"s_intersects","args":[{"property":"geometry"},{"type":"Polygon","coordinates":[[[0,0],[1,1]]]}]}',
      /Polygon/,
    ],
    ['{"op":">","args":[{"property":"t"},{"date":"2024-13-01"}]}', /calendar date/],
    ['nama = 1', /JSON document/],
  ])('refuses %s and says where', (text, message) => {
    expect(() => parseCql2Json(text)).toThrow(message);
  });
});
