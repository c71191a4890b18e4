import { describe, expect, it } from 'vitest';
import { TileCache } from './tile-cache.js';

const tile = (n: number) => ({ raw: new Uint8Array(n) });

describe('TileCache', () => {
  it('evicts the least recently used entries past its byte budget', () => {
    const cache = new TileCache(500);
    cache.set('a', tile(100));
    cache.set('b', tile(100));
    cache.get('a');
    cache.set('c', tile(200));
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBeDefined();
    expect(cache.get('c')).toBeDefined();
    expect(cache.stats().bytes).toBeLessThanOrEqual(500);
  });

  it('counts hits and misses', () => {
    const cache = new TileCache(1000);
    cache.set('a', tile(10));
    cache.get('a');
    cache.get('zz');
    expect(cache.stats()).toMatchObject({ hits: 1, misses: 1, entries: 1 });
  });

  it('does not keep an entry larger than the whole budget', () => {
    const cache = new TileCache(100);
    cache.set('big', tile(1000));
    expect(cache.stats().entries).toBe(0);
  });

  it('replaces an entry under the same key without double counting', () => {
    const cache = new TileCache(1000);
    cache.set('a', tile(100));
    cache.set('a', { raw: new Uint8Array(100), gzip: new Uint8Array(50) });
    expect(cache.stats().bytes).toBe(100 + 50 + 64 + 1);
  });
});
