/**
 * Fixed-window counters per key (a token or a client address), in process memory. Enough for one
 * server process; behind several processes each limits on its own (README, "At scale").
 */
export class WindowCounter {
  private readonly windows = new Map<string, { count: number; resetAt: number }>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}

  /** Counts one event for the key. */
  hit(key: string, now = Date.now()): void {
    const w = this.current(key, now);
    if (w) w.count += 1;
    else this.windows.set(key, { count: 1, resetAt: now + this.windowMs });
    if (this.windows.size > 100_000) this.sweep(now);
  }

  /** Seconds until the key may act again, or 0 when it is under the limit. */
  retryAfter(key: string, now = Date.now()): number {
    const w = this.current(key, now);
    return w && w.count >= this.limit ? Math.max(1, Math.ceil((w.resetAt - now) / 1000)) : 0;
  }

  private current(key: string, now: number): { count: number; resetAt: number } | undefined {
    const w = this.windows.get(key);
    if (w && w.resetAt <= now) {
      this.windows.delete(key);
      return undefined;
    }
    return w;
  }

  private sweep(now: number): void {
    for (const [key, w] of this.windows) if (w.resetAt <= now) this.windows.delete(key);
  }
}
