import type { Knex } from 'knex';
import type { Logger } from 'pino';
import { sign, SIGNATURE_HEADER } from './signature.js';
import { claimDue, markAttemptFailed, markDelivered, nextDue, type ClaimedDelivery } from './webhooks-sql.js';

export interface DispatchOptions {
  /** Attempts before a delivery is given up (failed). */
  maxAttempts: number;
  /** The wait after the first failed attempt; each further one doubles it, up to 6 hours. */
  retryBaseMs: number;
  /** How long one POST may take. */
  timeoutMs: number;
}

const BATCH = 10;
const MAX_RETRY_MS = 6 * 3600_000;
/** When the database could not be asked at all, the next look comes after this. */
const RECHECK_MS = 30_000;
/** The longest a process sleeps before looking at the outbox again while something is pending. */
const MAX_SLEEP_MS = 60_000;

/**
 * Sends the outbox (webhook_deliveries). It runs when asked (`kick`, after a change that queued
 * deliveries committed, and once at start for what a stopped process left) and then sleeps until
 * the next pending delivery comes due; with nothing pending it holds no timer. Several processes
 * may run one each: claims never overlap (webhooks-sql claimDue).
 */
export class WebhookDispatcher {
  private running: Promise<void> | null = null;
  private again = false;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    private readonly knex: Knex,
    private readonly log: Logger,
    private readonly options: DispatchOptions,
  ) {}

  /** Look at the outbox now (or right after the pass that is running). */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.running = this.run().finally(() => {
      this.running = null;
    });
  }

  /** No further passes; waits for the one in progress (its POSTs end within timeoutMs). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  /** The wait after a delivery's `attempt`-th failed attempt, or null when it was the last. */
  retryAfter(attempt: number): number | null {
    if (attempt >= this.options.maxAttempts) return null;
    return Math.min(MAX_RETRY_MS, this.options.retryBaseMs * 2 ** (attempt - 1));
  }

  private async run(): Promise<void> {
    let wait: number | null;
    try {
      do {
        this.again = false;
        for (;;) {
          const batch = await claimDue(this.knex, BATCH, this.options.timeoutMs + RECHECK_MS);
          if (!batch.length || this.stopped) break;
          await Promise.all(batch.map((d) => this.send(d)));
        }
      } while (this.again && !this.stopped);
      const at = await nextDue(this.knex);
      wait = at === null ? null : Math.max(0, at.getTime() - Date.now());
    } catch (err) {
      if (!this.stopped) this.log.warn({ err }, 'webhooks: the outbox could not be read; trying again later');
      wait = RECHECK_MS;
    }
    if (wait !== null && !this.stopped) {
      this.timer = setTimeout(() => this.kick(), Math.min(wait + 50, MAX_SLEEP_MS));
      this.timer.unref();
    }
  }

  private async send(d: ClaimedDelivery): Promise<void> {
    const body = JSON.stringify({ id: d.id, event: d.event, createdAt: d.created_at, ...d.payload });
    let status: number | null = null;
    let error = '';
    try {
      const res = await fetch(d.url, {
        method: 'POST',
        redirect: 'manual',
        signal: AbortSignal.timeout(this.options.timeoutMs),
        headers: {
          'Content-Type': 'application/json',
          'User-Agent': 'satupeta-webhooks/1',
          'X-Satupeta-Event': d.event,
          'X-Satupeta-Delivery': d.id,
          [SIGNATURE_HEADER]: sign(d.secret, Math.floor(Date.now() / 1000), body),
        },
        body,
      });
      status = res.status;
      await res.body?.cancel();
      if (res.ok) {
        await markDelivered(this.knex, d.id, res.status);
        return;
      }
      error = `HTTP ${res.status}`;
    } catch (err) {
      error = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    }
    const retryMs = this.retryAfter(d.attempts);
    this.log.warn({ delivery: d.id, url: d.url, status, error, retryMs }, 'webhook delivery failed');
    await markAttemptFailed(this.knex, d.id, { status, error, retryMs });
  }
}
