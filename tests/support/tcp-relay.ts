import net from 'node:net';
import type { AddressInfo } from 'node:net';

/**
 * A TCP relay to PostgreSQL that can be taken down (every socket destroyed, the port closed, so
 * new connections are refused) and brought back on the same port: the database going away, as
 * the server sees it, without stopping the PostgreSQL other tests use.
 */
export class Relay {
  private listener: net.Server | null = null;
  private readonly sockets = new Set<net.Socket>();
  port = 0;

  constructor(private readonly target: { host: string; port: number }) {}

  /** A relay to the server of `databaseUrl`, and that URL rewritten to go through the relay. */
  static async to(databaseUrl: string): Promise<{ relay: Relay; url: string }> {
    const direct = new URL(databaseUrl);
    const relay = new Relay({ host: direct.hostname, port: Number(direct.port || 5432) });
    await relay.up();
    const proxied = new URL(databaseUrl);
    proxied.hostname = '127.0.0.1';
    proxied.port = String(relay.port);
    return { relay, url: proxied.toString() };
  }

  async up(): Promise<void> {
    if (this.listener) return;
    this.listener = net.createServer((client) => {
      const upstream = net.connect(this.target);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => s.destroy());
      }
      client.pipe(upstream).pipe(client);
    });
    const listener = this.listener;
    await new Promise<void>((resolve, reject) => {
      listener.once('error', reject);
      listener.listen(this.port, '127.0.0.1', resolve);
    });
    this.port = (listener.address() as AddressInfo).port;
  }

  async down(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => (this.listener ? this.listener.close(() => resolve()) : resolve()));
    this.listener = null;
  }
}
