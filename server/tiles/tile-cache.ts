/** A cached tile: the raw MVT and, once a client asked for it, its gzip form. Empty tiles are cached too. */
export interface CachedTile {
  raw: Uint8Array;
  gzip?: Uint8Array;
  /** The per-layer feature cap the byte budget lowered the tile to (absent: not trimmed). */
  trimmedCap?: number;
}

/**
 * In-process LRU bounded by bytes. Keys carry the layers' data versions, so an entry can never
 * be stale: a data change makes new keys and the old ones age out.
 */
export class TileCache {
  private readonly entries = new Map<string, CachedTile>();
  private bytes = 0;
  hits = 0;
  misses = 0;

  constructor(private readonly budgetBytes: number) {}

  get(key: string): CachedTile | undefined {
    const entry = this.entries.get(key);
    if (entry) {
      this.hits++;
      // Re-insert to mark as most recently used (Map keeps insertion order).
      this.entries.delete(key);
      this.entries.set(key, entry);
    } else this.misses++;
    return entry;
  }

  /** Like get, but a miss is not counted: the caller will ask get() next. */
  peek(key: string): CachedTile | undefined {
    return this.entries.has(key) ? this.get(key) : undefined;
  }

  set(key: string, entry: CachedTile): void {
    const size = sizeOf(entry) + key.length;
    if (size > this.budgetBytes) return;
    const old = this.entries.get(key);
    if (old) {
      this.bytes -= sizeOf(old) + key.length;
      this.entries.delete(key);
    }
    this.entries.set(key, entry);
    this.bytes += size;
    for (const [k, v] of this.entries) {
      if (this.bytes <= this.budgetBytes) break;
      this.entries.delete(k);
      this.bytes -= sizeOf(v) + k.length;
    }
  }

  stats(): { entries: number; bytes: number; budgetBytes: number; hits: number; misses: number } {
    return {
      entries: this.entries.size,
      bytes: this.bytes,
      budgetBytes: this.budgetBytes,
      hits: this.hits,
      misses: this.misses,
    };
  }
}

function sizeOf(e: CachedTile): number {
  return e.raw.byteLength + (e.gzip?.byteLength ?? 0) + 64;
}
