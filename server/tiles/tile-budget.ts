/**
 * The composite tile's byte budget. A tile over budget is drawn again with a lower per-layer
 * feature cap: each layer keeps its largest features (the tile SQL's order), so the smallest go
 * first, and layers with few features keep all of them. The cap comes from the tile itself: the
 * busiest layer's feature count scaled by budget / size, a little under, so one or two more
 * rounds at most usually fit.
 */

/** Features per layer present in an encoded MVT, in layer order (reads only the message framing). */
export function featureCounts(tile: Uint8Array): number[] {
  const counts: number[] = [];
  forEachField(tile, 0, tile.byteLength, (field, start, end) => {
    if (field !== 3) return; // Tile.layers
    let n = 0;
    forEachField(tile, start, end, (f) => {
      if (f === 2) n++; // Layer.features
    });
    counts.push(n);
  });
  return counts;
}

/** The next per-layer cap for a tile of `size` bytes over `budget`, or null when lowering it cannot help. */
export function nextCap(tile: Uint8Array, budget: number, currentCap: number): number | null {
  const busiest = Math.min(currentCap, Math.max(0, ...featureCounts(tile)));
  if (busiest <= 1) return null;
  const cap = Math.floor(busiest * (budget / tile.byteLength) * 0.9);
  return Math.max(1, Math.min(cap, busiest - 1));
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
