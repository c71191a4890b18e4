import { AsyncLocalStorage } from 'node:async_hooks';
import type { Knex } from 'knex';
import type { ChangeFeed } from './change-feed.js';

/** How often replicas' replay positions and the primary's write position are read. */
const POLL_MS = 250;
/** A replica that does not answer its poll within this is treated as down until it does. */
const POLL_TIMEOUT_MS = 1000;
/** Primary positions kept to tell how far back in time a replica's position is. */
const SAMPLES = 240;

export interface Replica {
  name: string;
  knex: Knex;
}

interface ReplicaState extends Replica {
  up: boolean;
  /** Last replayed WAL position, as a number of bytes. */
  lsn: bigint;
  lagMs: number;
}

/** pg_lsn text (`16/B374D848`) as a byte position. */
export function lsnBytes(text: string): bigint {
  const [hi = '0', lo = '0'] = text.split('/');
  return (BigInt(`0x${hi}`) << 32n) + BigInt(`0x${lo}`);
}

/**
 * Sends anonymous reads to streaming replicas and everything else to the primary. A replica is
 * used only while it is up, no further behind the primary than `maxLagMs`, and has replayed every
 * change this process knows of: its own writes (the primary's position is read after each one
 * ends, and reads go to the primary while one is under way) and every other process's (a change
 * notice sends reads to the primary until the primary's position at that moment is replayed).
 * Reads with a token always go to the primary: a producer sees what it just wrote.
 */
export class ReadRouter {
  private readonly context = new AsyncLocalStorage<Knex>();
  private readonly replicas: ReplicaState[];
  private readonly samples: { at: number; lsn: bigint }[] = [];
  private required = 0n;
  private writes = 0;
  /** Notices whose primary position is still being read. */
  private noticed = 0;
  private next = 0;
  private timer: NodeJS.Timeout | null = null;
  readonly served = { primary: 0, replica: 0 };

  constructor(
    private readonly primary: Knex,
    replicas: Replica[],
    private readonly maxLagMs: number,
    changes: ChangeFeed,
  ) {
    this.replicas = replicas.map((r) => ({ ...r, up: false, lsn: 0n, lagMs: Infinity }));
    changes.subscribe((topic) => {
      if (topic === 'layers' || topic === 'elements' || topic === 'reset') this.noteChange();
    });
  }

  /** The knex the current request should read with (the primary outside any request). */
  current(): Knex {
    return this.context.getStore() ?? this.primary;
  }

  /** Runs a request's handling with the database its reads should use. */
  run<T>(method: string, withToken: boolean, handle: () => T): T {
    const reading = method === 'GET' || method === 'HEAD';
    const replica = reading && !withToken ? this.pick() : null;
    if (replica) this.served.replica++;
    else this.served.primary++;
    return this.context.run(replica ?? this.primary, handle);
  }

  /**
   * Called when a query failed because its database is away: true when the current request was
   * reading from a replica, which is then not used again until a poll finds it back. The request
   * can then be answered again from the primary.
   */
  failedOnReplica(): boolean {
    const knex = this.context.getStore();
    const replica = knex && knex !== this.primary ? this.replicas.find((r) => r.knex === knex) : undefined;
    if (!replica) return false;
    replica.up = false;
    return true;
  }

  /** Runs `handle` reading from the primary (a request retried after its replica failed). */
  onPrimary<T>(handle: () => T): T {
    this.served.primary++;
    return this.context.run(this.primary, handle);
  }

  /** A write is under way: reads go to the primary until it has ended and its position is known. */
  writeStarted(): () => void {
    this.writes++;
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      this.primaryPosition().then(
        (lsn) => {
          if (lsn > this.required) this.required = lsn;
          this.writes--;
        },
        () => this.writes--,
      );
    };
  }

  replicaPools(): Replica[] {
    return this.replicas.map((r) => ({ name: r.name, knex: r.knex }));
  }

  /** What /metrics and /api/health report of each replica. */
  state(): { name: string; up: boolean; lagMs: number | null; usable: boolean }[] {
    return this.replicas.map((r) => ({
      name: r.name,
      up: r.up,
      lagMs: Number.isFinite(r.lagMs) ? r.lagMs : null,
      usable: this.usable(r),
    }));
  }

  start(): void {
    if (this.timer || this.replicas.length === 0) return;
    const tick = () => {
      void this.poll().finally(() => {
        if (this.timer) this.timer = setTimeout(tick, POLL_MS).unref();
      });
    };
    this.timer = setTimeout(tick, 0).unref();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private pick(): Knex | null {
    if (this.writes > 0 || this.noticed > 0) return null;
    for (let i = 0; i < this.replicas.length; i++) {
      const r = this.replicas[(this.next + i) % this.replicas.length];
      if (r && this.usable(r)) {
        this.next = (this.next + i + 1) % this.replicas.length;
        return r.knex;
      }
    }
    return null;
  }

  private usable(r: ReplicaState): boolean {
    return r.up && r.lsn >= this.required && r.lagMs <= this.maxLagMs;
  }

  private noteChange(): void {
    this.noticed++;
    this.primaryPosition().then(
      (lsn) => {
        if (lsn > this.required) this.required = lsn;
        this.noticed--;
      },
      () => this.noticed--,
    );
  }

  private async primaryPosition(): Promise<bigint> {
    const { rows } = await this.primary.raw<{ rows: { lsn: string }[] }>('select pg_current_wal_lsn()::text as lsn');
    return lsnBytes(rows[0]?.lsn ?? '0/0');
  }

  private async poll(): Promise<void> {
    const now = Date.now();
    try {
      const lsn = await this.primaryPosition();
      this.samples.push({ at: now, lsn });
      if (this.samples.length > SAMPLES) this.samples.shift();
    } catch {
      // The primary is away: replicas keep their last state; writes fail on their own.
    }
    await Promise.all(this.replicas.map((r) => this.pollReplica(r)));
  }

  private async pollReplica(r: ReplicaState): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    try {
      const answer = r.knex.raw<{ rows: { lsn: string | null; recovery: boolean }[] }>(
        'select pg_last_wal_replay_lsn()::text as lsn, pg_is_in_recovery() as recovery',
      );
      const late = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('replica poll timed out')), POLL_TIMEOUT_MS);
      });
      answer.catch(() => undefined);
      const { rows } = await Promise.race([answer, late]);
      const row = rows[0];
      if (!row?.recovery || row.lsn === null) throw new Error('not a streaming replica');
      r.lsn = lsnBytes(row.lsn);
      r.lagMs = this.lagOf(r.lsn);
      r.up = true;
    } catch {
      r.up = false;
      r.lagMs = Infinity;
    } finally {
      clearTimeout(timer);
    }
  }

  /** How long ago the primary was last at or behind this position: 0 when nothing newer was written. */
  private lagOf(lsn: bigint): number {
    const latest = this.samples[this.samples.length - 1];
    if (!latest || lsn >= latest.lsn) return 0;
    // The oldest sample the replica has not reached: it is at least that far behind.
    for (const s of this.samples) if (s.lsn > lsn) return Date.now() - s.at;
    return Infinity;
  }
}

/**
 * A knex that queries through whichever database the current request reads with, so services
 * built once keep one `knex` and never need to know about replicas. Outside a request (startup,
 * migrations, background work) it is the primary.
 */
export function routedKnex(router: ReadRouter, primary: Knex): Knex {
  return new Proxy(primary, {
    apply(_target, thisArg, args: unknown[]) {
      return Reflect.apply(router.current() as unknown as (...a: unknown[]) => unknown, thisArg, args);
    },
    get(_target, prop) {
      const knex = router.current();
      const value: unknown = Reflect.get(knex, prop, knex);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(knex) : value;
    },
  });
}
