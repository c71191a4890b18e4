import { describe, expect, it } from 'vitest';
import { AppError } from '../http/app-error.js';
import { parseLayerList, parseTileCoord } from './tile-coords.js';

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof AppError) return err.code;
    throw err;
  }
  return 'no error';
}

describe('tile coordinates', () => {
  it('accepts the corners of a zoom level', () => {
    expect(parseTileCoord('3', '7', '0')).toEqual({ z: 3, x: 7, y: 0 });
  });

  it.each([
    [['3', '8', '0'], 'tile_out_of_range'],
    [['23', '0', '0'], 'tile_out_of_range'],
    [['-1', '0', '0'], 'invalid_tile'],
    [['1.5', '0', '0'], 'invalid_tile'],
    [['z', '0', '0'], 'invalid_tile'],
  ])('rejects %j with %s', ([z, x, y], code) => {
    expect(codeOf(() => parseTileCoord(z as string, x as string, y as string))).toBe(code);
  });

  it('rejects duplicate, malformed and too many layers', () => {
    expect(codeOf(() => parseLayerList('a1,b2,a1', 5))).toBe('duplicate_layer');
    expect(codeOf(() => parseLayerList("a1,b2';--", 5))).toBe('invalid_layer_list');
    expect(codeOf(() => parseLayerList('a1,,b2', 5))).toBe('invalid_layer_list');
    expect(codeOf(() => parseLayerList('a1,b2,c3', 2))).toBe('too_many_layers');
    expect(parseLayerList('a1,b2', 2)).toEqual(['a1', 'b2']);
  });
});
