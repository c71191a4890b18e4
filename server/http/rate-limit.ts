import type { Knex } from 'knex';
import { hitWindow, peekWindow, sweepWindows } from './rate-limit-sql.js';

const SWEEP_EVERY_MS = 5 * 60_000;

/**
 * Fixed-window counters per key (a token, a client address), kept in PostgreSQL so every server
 * process counts against one limit. Only writes and wrong tokens are counted, so reads never
 * pay for it. A key found over its limit is also remembered in this process until its window
 * ends, so a client that keeps going is refused without a database round trip.
 */
export class WindowCounter {
  private readonly blocked = new Map<string, number>();
  private lastSweep = Date.now();

  constructor(
    private readonly knex: Knex,
    /** Keeps the keys of different limits apart in the one table. */
    private readonly name: string,
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}

  /** Counts one event for the key; returns seconds until it may act again, 0 while within the limit. */
  async hit(key: string): Promise<number> {
    this.maybeSweep();
    const w = await hitWindow(this.knex, `${this.name}:${key}`, this.windowMs);
    return this.waitOf(key, w.hits > this.limit, w.resetAt);
  }

  /** Seconds until the key may act again, or 0 when it is under the limit; counts nothing. */
  async retryAfter(key: string): Promise<number> {
    const local = this.blockedFor(key);
    if (local > 0) return local;
    const w = await peekWindow(this.knex, `${this.name}:${key}`);
    return w ? this.waitOf(key, w.hits >= this.limit, w.resetAt) : 0;
  }

  /** The same, from this process's memory only (no database call): 0 when it knows of no block. */
  blockedFor(key: string): number {
    const until = this.blocked.get(key);
    if (until === undefined) return 0;
    if (until <= Date.now()) {
      this.blocked.delete(key);
      return 0;
    }
    return Math.max(1, Math.ceil((until - Date.now()) / 1000));
  }

  private waitOf(key: string, over: boolean, resetAt: number): number {
    if (!over) return 0;
    if (this.blocked.size >= 100_000) this.blocked.clear();
    this.blocked.set(key, resetAt);
    return this.blockedFor(key);
  }

  private maybeSweep(): void {
    if (Date.now() - this.lastSweep < SWEEP_EVERY_MS) return;
    this.lastSweep = Date.now();
    sweepWindows(this.knex).catch(() => undefined);
  }
}
