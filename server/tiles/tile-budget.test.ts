import { describe, expect, it } from 'vitest';
import { encodeTile, type TileLayer } from './mvt-encoder.js';
import { featureCounts, nextCap } from './tile-budget.js';

const square = (x: number, size: number) => ({
  type: 'Polygon',
  coordinates: [
    [
      [x, 0],
      [x, size],
      [x + size, size],
      [x + size, 0],
      [x, 0],
    ],
  ],
});

function layer(name: string, n: number): TileLayer {
  return {
    name,
    features: Array.from({ length: n }, (_, i) => ({
      id: i + 1,
      properties: { nama: `bangunan ${i}`, lantai: i % 4 },
      geometry: square((i * 7) % 4000, 5 + (i % 30)),
    })),
  };
}

describe('tile byte budget', () => {
  it('counts the features of each layer present in an encoded tile (empty layers are left out), in order', () => {
    expect(featureCounts(encodeTile([layer('a', 3), layer('b', 0), layer('c', 250)]))).toEqual([3, 250]);
    expect(featureCounts(new Uint8Array(0))).toEqual([]);
  });

  it('lowers the cap so the layers at their bytes per feature come to 90 % of the budget', () => {
    const tile = encodeTile([layer('a', 1000), layer('b', 10)]);
    const cap = nextCap(tile, Math.floor(tile.byteLength / 2), 10_000) ?? 0;
    expect(cap).toBeGreaterThan(400);
    expect(cap).toBeLessThan(460);
    // Many layers of the same size share the budget: each is cut to the same cap.
    const twenty = encodeTile(Array.from({ length: 20 }, (_, i) => layer(`l${i}`, 300)));
    const shared = nextCap(twenty, Math.floor(twenty.byteLength / 4), 10_000) ?? 0;
    expect(shared).toBeGreaterThan(60);
    expect(shared).toBeLessThan(75);
    const kept = encodeTile(Array.from({ length: 20 }, (_, i) => layer(`l${i}`, shared)));
    expect(kept.byteLength).toBeLessThanOrEqual(Math.floor(twenty.byteLength / 4));
    // The cap never rises above the busiest layer's count, and a one-feature tile cannot be helped.
    expect(nextCap(tile, tile.byteLength - 1, 10_000)).toBeLessThan(1000);
    expect(nextCap(encodeTile([layer('a', 1)]), 1, 10_000)).toBeNull();
  });

  it('refuses a message that is not protobuf framing', () => {
    expect(() => featureCounts(Uint8Array.from([0x1a, 0x85]))).toThrow(/truncated/);
  });
});
