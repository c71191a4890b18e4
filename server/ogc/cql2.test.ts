import { describe, expect, it } from 'vitest';
import { CqlError, parseCql2 } from './cql2-parser.js';
import { cql2ToSql } from './cql2-sql.js';

const fields = [{ name: 'nama', type: 'string' as const }, { name: 'luas_km2', type: 'number' as const }, { name: 'aktif', type: 'boolean' as const }];

describe('CQL2 text', () => {
  it('respects precedence: NOT binds tighter than AND, AND tighter than OR', () => {
    expect(parseCql2("a = 1 OR b = 2 AND NOT c = 3")).toEqual({
      kind: 'or', args: [
        { kind: 'compare', op: '=', property: 'a', value: 1 },
        { kind: 'and', args: [{ kind: 'compare', op: '=', property: 'b', value: 2 }, { kind: 'not', arg: { kind: 'compare', op: '=', property: 'c', value: 3 } }] },
      ],
    });
  });

  it('reads LIKE, IN, BETWEEN, IS NULL, quotes and spatial literals', () => {
    expect(parseCql2("nama NOT LIKE 'O''Brien%'")).toEqual({ kind: 'like', property: 'nama', pattern: "O'Brien%", negate: true });
    expect(parseCql2("nama IN ('a', 'b')")).toMatchObject({ kind: 'in', values: ['a', 'b'] });
    expect(parseCql2('luas_km2 BETWEEN 1 AND 2.5')).toMatchObject({ kind: 'between', low: 1, high: 2.5 });
    expect(parseCql2('nama IS NOT NULL')).toMatchObject({ kind: 'isNull', negate: true });
    expect(parseCql2('S_INTERSECTS(geometry, POLYGON((0 0, 1 0, 1 1, 0 0)))')).toMatchObject({ geometry: { type: 'Polygon', coordinates: [[[0, 0], [1, 0], [1, 1], [0, 0]]] } });
    expect(parseCql2('s_intersects(geometry, bbox(1, 2, 3, 4))')).toMatchObject({ geometry: { type: 'BBox', bbox: [1, 2, 3, 4] } });
  });

  it.each([
    ["nama = 'x", 8],
    ['nama =', 7],
    ["(nama = 'x'", 12],
    ["nama = 'x' nama", 12],
    ['nama ~ 1', 6],
    ['S_INTERSECTS(geometry, CIRCLE(1 2))', 24],
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
    expect(f.bindings).toEqual(['nama', "x' or 1=1 --", 'luas_km2', 2, 'aktif', true]);
    expect((f.sql.match(/\?/g) ?? []).length).toBe(f.bindings.length);
    expect(f.sql).toContain('::numeric');
  });

  it('refuses properties that are not queryable and text where a number is due', () => {
    expect(() => cql2ToSql(parseCql2("warna = 'merah'"), fields)).toThrow(/not a queryable/);
    expect(() => cql2ToSql(parseCql2("luas_km2 > 'besar'"), fields)).toThrow(/Expected a number/);
    expect(() => cql2ToSql(parseCql2('S_INTERSECTS(nama, POINT(1 2))'), fields)).toThrow(/geometry/);
  });
});
