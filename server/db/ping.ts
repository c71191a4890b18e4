import pg from 'pg';

/**
 * Readiness asks "does the database answer?", not "is a pool connection free?": under load every
 * pool connection is busy and a probe queued behind them would report a healthy database as
 * slow. So the probe keeps one connection of its own, outside the pool, and drops it on any
 * error (the next probe connects again).
 */
export class PostgresPing {
  private client: pg.Client | null = null;
  private connecting: Promise<pg.Client> | null = null;

  constructor(
    private readonly url: string,
    private readonly timeoutMs: number,
  ) {}

  async ping(): Promise<void> {
    const client = await this.connect();
    try {
      await client.query('select 1');
    } catch (err) {
      this.drop(client);
      throw err;
    }
  }

  async close(): Promise<void> {
    const client = this.client ?? (await this.connecting?.catch(() => null)) ?? null;
    this.client = null;
    if (client) await client.end().catch(() => undefined);
  }

  private connect(): Promise<pg.Client> {
    if (this.client) return Promise.resolve(this.client);
    this.connecting ??= (async () => {
      const client = new pg.Client({
        connectionString: this.url,
        application_name: 'satupeta-ready',
        connectionTimeoutMillis: this.timeoutMs,
        query_timeout: this.timeoutMs,
      });
      client.on('error', () => this.drop(client));
      try {
        await client.connect();
      } catch (err) {
        void client.end().catch(() => undefined);
        throw err;
      }
      this.client = client;
      return client;
    })().finally(() => (this.connecting = null));
    return this.connecting;
  }

  private drop(client: pg.Client): void {
    if (this.client === client) this.client = null;
    void client.end().catch(() => undefined);
  }
}
