/**
 * The composite tile's byte budget. A tile over budget is drawn again with a lower per-layer
 * feature cap: each layer keeps its largest features (the tile SQL's order), so the smallest go
 * first, and layers with fewer features than the cap keep all of them. The cap comes from the
 * tile itself (features and bytes of each layer), so one or two more rounds usually fit.
 */

/** Features and bytes of each layer present in an encoded MVT, in layer order (reads only the message framing). */
export function layerStats(tile: Uint8Array): { features: number; bytes: number }[] {
  const stats: { features: number; bytes: number }[] = [];
  forEachField(tile, 0, tile.byteLength, (field, start, end) => {
    if (field !== 3) return; // Tile.layers
    let n = 0;
    forEachField(tile, start, end, (f) => {
      if (f === 2) n++; // Layer.features
    });
    stats.push({ features: n, bytes: end - start });
  });
  return stats;
}

/** Features per layer present in an encoded MVT (empty layers are left out, as encoders do). */
export function featureCounts(tile: Uint8Array): number[] {
  return layerStats(tile).map((s) => s.features);
}

/**
 * The next per-layer cap for a tile over `budget`, or null when lowering it cannot help: the
 * largest cap under which the layers, at their average bytes per feature, come to 90 % of the
 * budget (a layer under the cap keeps its size). Dropped features are the smallest, so usually
 * below average in bytes: a second round may be needed, which the caller allows.
 */
export function nextCap(tile: Uint8Array, budget: number, currentCap: number): number | null {
  const layers = layerStats(tile).filter((l) => l.features > 0);
  const busiest = Math.min(currentCap, Math.max(0, ...layers.map((l) => l.features)));
  if (busiest <= 1) return null;
  const estimate = (cap: number) =>
    layers.reduce((sum, l) => sum + Math.min(l.features, cap) * (l.bytes / l.features), 0);
  let lo = 1;
  let hi = busiest - 1;
  if (estimate(lo) > budget * 0.9) return 1;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (estimate(mid) <= budget * 0.9) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Calls `visit` for each field of the message in [start, end); length-delimited fields get their bounds. */
function forEachField(
  buf: Uint8Array,
  start: number,
  end: number,
  visit: (field: number, start: number, end: number) => void,
): void {
  let pos = start;
  while (pos < end) {
    const [key, afterKey] = varint(buf, pos);
    const field = Math.floor(key / 8);
    const wire = key % 8;
    pos = afterKey;
    if (wire === 0) {
      pos = varint(buf, pos)[1];
      visit(field, pos, pos);
    } else if (wire === 2) {
      const [length, body] = varint(buf, pos);
      pos = body + length;
      visit(field, body, pos);
    } else if (wire === 1) pos += 8;
    else if (wire === 5) pos += 4;
    else throw new Error(`unexpected protobuf wire type ${wire}`);
  }
}

function varint(buf: Uint8Array, at: number): [number, number] {
  let value = 0;
  let shift = 1;
  let pos = at;
  for (;;) {
    const b = buf[pos++];
    if (b === undefined) throw new Error('truncated protobuf varint');
    value += (b & 0x7f) * shift;
    if (b < 0x80) return [value, pos];
    shift *= 128;
  }
}
