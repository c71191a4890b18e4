import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './ports.js';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * A PostgreSQL cluster of the test's own, in a temporary folder on a loopback port, made with the
 * machine's PostgreSQL binaries (the same major version as the running server, so its PostGIS
 * package serves both). As root the binaries run as the `postgres` user, as PostgreSQL requires.
 */
export class PgCluster {
  private constructor(
    readonly dir: string,
    readonly port: number,
    private readonly bin: string,
  ) {}

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  /** A new primary that accepts replication connections from loopback. */
  static async primary(settings: string[] = []): Promise<PgCluster> {
    const cluster = await PgCluster.make();
    await cluster.exec('initdb', ['-D', cluster.dir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C']);
    await fs.appendFile(path.join(cluster.dir, 'pg_hba.conf'), 'host replication all 127.0.0.1/32 trust\n');
    await cluster.configure(['wal_level = replica', 'max_wal_senders = 4', ...settings]);
    return cluster;
  }

  /** A streaming replica of `primary` (pg_basebackup -R), not yet started. */
  static async replicaOf(primary: PgCluster): Promise<PgCluster> {
    const cluster = await PgCluster.make();
    await fs.rm(cluster.dir, { recursive: true, force: true });
    await cluster.exec('pg_basebackup', [
      '-h',
      '127.0.0.1',
      '-p',
      String(primary.port),
      '-U',
      'postgres',
      '-D',
      cluster.dir,
      '-R',
      '-X',
      'stream',
      '-c',
      'fast',
    ]);
    await cluster.configure(['hot_standby = on']);
    return cluster;
  }

  async start(): Promise<void> {
    await this.exec('pg_ctl', ['-D', this.dir, '-l', path.join(this.dir, 'server.log'), '-w', '-t', '60', 'start']);
  }

  /** Stops the cluster; `immediate` is a crash as far as clients can tell. */
  async stop(mode: 'fast' | 'immediate' = 'fast'): Promise<void> {
    await this.exec('pg_ctl', ['-D', this.dir, '-m', mode, '-w', '-t', '60', 'stop']).catch(() => undefined);
  }

  async remove(): Promise<void> {
    await this.stop('immediate');
    await fs.rm(path.dirname(this.dir), { recursive: true, force: true });
  }

  private async configure(lines: string[]): Promise<void> {
    const settings = [
      `port = ${this.port}`,
      "listen_addresses = '127.0.0.1'",
      `unix_socket_directories = '${path.dirname(this.dir)}'`,
      'fsync = off',
      'shared_buffers = 32MB',
      ...lines,
    ];
    await fs.appendFile(path.join(this.dir, 'postgresql.auto.conf'), `${settings.join('\n')}\n`);
  }

  private static async make(): Promise<PgCluster> {
    const root = await fs.mkdtemp(path.join(os.tmpdir(), 'satupeta-pg-'));
    const dir = path.join(root, 'data');
    await fs.mkdir(dir, { mode: 0o700 });
    if (process.getuid?.() === 0) await run('chown', ['-R', 'postgres:postgres', root]);
    return new PgCluster(dir, await freePort(), await binDir());
  }

  private async exec(tool: string, args: string[]): Promise<void> {
    const file = path.join(this.bin, tool);
    if (process.getuid?.() === 0) await run('runuser', ['-u', 'postgres', '--', file, ...args], { cwd: '/tmp' });
    else await run(file, args);
  }
}

/** The binaries of the newest installed PostgreSQL that has a cluster configured (the running one). */
async function binDir(): Promise<string> {
  const versions = (await fs.readdir('/etc/postgresql').catch(() => [] as string[]))
    .filter((v) => /^\d+$/.test(v))
    .sort((a, b) => Number(b) - Number(a));
  const major = versions[0];
  if (!major) throw new Error('no PostgreSQL installation under /etc/postgresql');
  return `/usr/lib/postgresql/${major}/bin`;
}
