import pg from 'pg';

/** What changed: a registry table's topic, or `reset` when notices may have been missed. */
export type ChangeTopic = 'layers' | 'elements' | 'tokens' | 'reset';

export type ChangeListener = (topic: ChangeTopic) => void;

const CHANNEL = 'satupeta_changes';
const TOPICS: ReadonlySet<string> = new Set(['layers', 'elements', 'tokens']);
const RETRY_MIN_MS = 500;
const RETRY_MAX_MS = 10_000;

/**
 * Registry change notices from every process sharing the database (migration 011's triggers).
 * `live` is true while notices are being received; while it is false a process must not rely on
 * them (memory is then kept only for a short TTL). Listening starts with the first subscriber.
 */
export interface ChangeFeed {
  readonly live: boolean;
  /** Calls the listener for each notice; returns its unsubscribe. */
  subscribe(listener: ChangeListener): () => void;
  close(): Promise<void>;
}

abstract class BaseFeed implements ChangeFeed {
  private readonly listeners = new Set<ChangeListener>();
  protected started = false;
  protected closed = false;
  live = false;

  subscribe(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    if (!this.started && !this.closed) {
      this.started = true;
      this.start();
    }
    return () => this.listeners.delete(listener);
  }

  protected emit(topic: ChangeTopic): void {
    for (const l of this.listeners) l(topic);
  }

  protected notice(payload: string | undefined): void {
    if (payload !== undefined && TOPICS.has(payload)) this.emit(payload as ChangeTopic);
  }

  protected abstract start(): void;
  abstract close(): Promise<void>;
}

/**
 * PostgreSQL: one connection of its own (outside the pool) runs LISTEN. When it drops (the
 * database restarts, the network cuts), `live` goes false, listeners get `reset` (notices may be
 * lost meanwhile) and it reconnects with backoff; once listening again they get another `reset`.
 */
export class PostgresChangeFeed extends BaseFeed {
  private client: pg.Client | null = null;
  private retryMs = RETRY_MIN_MS;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly url: string) {
    super();
  }

  protected start(): void {
    void this.connect();
  }

  private async connect(): Promise<void> {
    if (this.closed) return;
    const client = new pg.Client({ connectionString: this.url, application_name: 'satupeta-changes' });
    this.client = client;
    client.on('notification', (n) => {
      if (n.channel === CHANNEL) this.notice(n.payload);
    });
    client.on('error', () => this.lost(client));
    client.on('end', () => this.lost(client));
    try {
      await client.connect();
      await client.query(`listen ${CHANNEL}`);
      if (this.closed || this.client !== client) return;
      this.live = true;
      this.retryMs = RETRY_MIN_MS;
      this.emit('reset');
    } catch {
      this.lost(client);
    }
  }

  private lost(client: pg.Client): void {
    if (this.client !== client) return;
    this.client = null;
    const wasLive = this.live;
    this.live = false;
    client.removeAllListeners('notification');
    client.end().catch(() => undefined);
    if (wasLive) this.emit('reset');
    if (this.closed) return;
    this.timer = setTimeout(() => void this.connect(), this.retryMs);
    this.timer.unref();
    this.retryMs = Math.min(RETRY_MAX_MS, this.retryMs * 2);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.live = false;
    if (this.timer) clearTimeout(this.timer);
    const client = this.client;
    this.client = null;
    if (client) await client.end().catch(() => undefined);
  }
}

/** What the embedded database offers: PGlite delivers NOTIFY to its own listeners. */
export interface NoticeSource {
  listen(channel: string, callback: (payload: string) => void): Promise<() => Promise<void>>;
}

/** The embedded database: one process, so its notices are its own writes; it never drops. */
export class EmbeddedChangeFeed extends BaseFeed {
  private unlisten: (() => Promise<void>) | null = null;

  constructor(private readonly source: NoticeSource) {
    super();
  }

  protected start(): void {
    this.source
      .listen(CHANNEL, (payload) => this.notice(payload))
      .then(
        (unlisten) => {
          if (this.closed) void unlisten();
          else {
            this.unlisten = unlisten;
            this.live = true;
          }
        },
        () => undefined,
      );
  }

  async close(): Promise<void> {
    this.closed = true;
    this.live = false;
    await this.unlisten?.().catch(() => undefined);
  }
}
