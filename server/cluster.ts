import cluster, { type Worker } from 'node:cluster';
import type { Logger } from 'pino';
import type { Config } from './config.js';

/** A server process that dies is replaced after this (a crash loop retries once a second, logged). */
const REFORK_MS = 1000;

/**
 * WORKERS > 1: this process forks that many server processes sharing one port (node:cluster hands
 * each new connection to one of them), replaces one that dies, and on SIGTERM/SIGINT passes the
 * signal on and exits when they have drained. It serves nothing itself; the workers share nothing
 * but PostgreSQL, exactly like processes behind a proxy.
 */
export function supervise(config: Config, log: Logger, graceMs: number): void {
  const live = new Set<Worker>();
  let stopping = false;
  const fork = () => {
    const worker = cluster.fork();
    live.add(worker);
  };
  for (let i = 0; i < config.workers; i++) fork();
  log.info({ workers: config.workers }, 'started server processes');

  cluster.on('exit', (worker, code, signal) => {
    live.delete(worker);
    if (stopping) {
      if (live.size === 0) {
        log.info('stopped');
        process.exit(0);
      }
      return;
    }
    log.error({ worker: worker.process.pid, code, signal }, 'a server process exited; starting another');
    setTimeout(() => {
      if (!stopping) fork();
    }, REFORK_MS);
  });

  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down: every server process finishes its open requests');
    for (const worker of live) worker.process.kill('SIGTERM');
    if (live.size === 0) process.exit(0);
    setTimeout(() => {
      log.warn('server processes did not stop within SHUTDOWN_TIMEOUT_MS; exiting');
      process.exit(1);
    }, config.shutdownTimeoutMs + graceMs).unref();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}
