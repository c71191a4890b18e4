import type { LayerRecord } from '../catalog/layer-types.js';
import type { ChangeFeed } from '../db/change-feed.js';
import { isDatabaseUnavailable } from '../http/database-errors.js';

/** A registry lookup as the tile path keeps it, with its key parts worked out once. */
export interface Remembered {
  at: number;
  layers: LayerRecord[];
  ids: string;
  version: string;
}

/** With change notices flowing, a lookup is kept this long at most (a safety net, not the bound). */
const LIVE_MAX_AGE_MS = 300_000;
const MAX_ENTRIES = 10_000;

/**
 * The tile path's memory of registry lookups, by visibility class and layer list. While the
 * database's change notices are live, a lookup is kept until a notice says layers changed, so a
 * cached tile never waits for the database and every process drops it within the notice's
 * delivery (milliseconds); while they are not (the listening connection is down), for `ttlMs`
 * only. Concurrent misses of one key share one lookup, and a lookup that started before a notice
 * is answered but not kept. While the database is away the last lookup is still offered, so the
 * tiles in memory keep being served.
 */
export class LayerLookups {
  private readonly entries = new Map<string, Remembered>();
  /** Lookups made before notices were lost: never fresh, only offered while the database is away. */
  private previous = new Map<string, Remembered>();
  private readonly inflight = new Map<string, Promise<Remembered>>();
  private generation = 0;

  constructor(
    private readonly ttlMs: number,
    private readonly changes: ChangeFeed | undefined,
    versionOf: (layers: LayerRecord[]) => string,
  ) {
    this.versionOf = versionOf;
    changes?.subscribe((topic) => {
      if (topic === 'layers') this.forget();
      // Notices may have been missed (the listening connection dropped, or came back): nothing
      // kept is fresh any more, but it may still stand in while the database is away.
      if (topic === 'reset') this.forget(true);
    });
  }

  private readonly versionOf: (layers: LayerRecord[]) => string;

  /** Drops every kept lookup: layer metadata changed (or, keepForOutage, may have). */
  forget(keepForOutage = false): void {
    this.generation += 1;
    this.previous = keepForOutage ? new Map([...this.previous, ...this.entries]) : new Map<string, Remembered>();
    this.entries.clear();
    this.inflight.clear();
  }

  /** A kept lookup still fresh enough to answer from, else null. */
  fresh(key: string): Remembered | null {
    const hit = this.entries.get(key);
    if (!hit) return null;
    const maxAge = this.changes?.live ? LIVE_MAX_AGE_MS : this.ttlMs;
    return performance.now() - hit.at < maxAge ? hit : null;
  }

  /** The last lookup of a key, however old: what is offered while the database is away. */
  last(key: string): Remembered | null {
    return this.entries.get(key) ?? this.previous.get(key) ?? null;
  }

  /** Looks the layers up (one lookup for concurrent callers of a key) and keeps the answer. */
  lookup(key: string, load: () => Promise<LayerRecord[]>): Promise<Remembered> {
    const running = this.inflight.get(key);
    if (running) return running;
    const generation = this.generation;
    const p = load().then(
      (layers) => {
        const r: Remembered = {
          at: performance.now(),
          layers,
          ids: layers.map((l) => l.id).join(','),
          version: this.versionOf(layers),
        };
        if (this.inflight.get(key) === p) this.inflight.delete(key);
        if (generation === this.generation) this.keep(key, r);
        return r;
      },
      (err: unknown) => {
        if (this.inflight.get(key) === p) this.inflight.delete(key);
        const stale = this.last(key);
        if (stale && isDatabaseUnavailable(err)) return stale;
        throw err;
      },
    );
    this.inflight.set(key, p);
    return p;
  }

  private keep(key: string, r: Remembered): void {
    if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
    this.entries.set(key, r);
    this.previous.delete(key);
  }
}
