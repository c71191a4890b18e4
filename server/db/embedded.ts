import fs from 'node:fs/promises';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { btree_gist } from '@electric-sql/pglite/contrib/btree_gist';
import { postgis } from '@electric-sql/pglite-postgis';
import knexFactory, { type Knex } from 'knex';
import ClientPgLite from 'knex-pglite';
import type { NoticeSource } from './change-feed.js';

/**
 * Embedded PostgreSQL + PostGIS (PGlite, WebAssembly) kept in a data folder, so a fresh machine
 * runs the product with no database server. One connection: knex-pglite pins the pool to 1.
 */
export async function openEmbedded(
  dataDir: string,
): Promise<{ knex: Knex; release: () => Promise<void>; notices: NoticeSource }> {
  await fs.mkdir(dataDir, { recursive: true });
  const release = await lockDataDir(dataDir);
  let pglite: PGlite;
  try {
    pglite = await PGlite.create({ dataDir, extensions: { postgis, btree_gist } });
  } catch (err) {
    await release();
    throw err;
  }
  const knex = knexFactory({
    client: ClientPgLite,
    dialect: 'postgres',
    // knex-pglite takes an existing instance through a connection function; it has no types for it.
    connection: (() => ({ pglite })) as unknown as Knex.StaticConnectionConfig,
  });
  return { knex, release, notices: pglite };
}

/**
 * One process per data folder: PGlite has no server to arbitrate, so two processes writing the
 * same folder would corrupt it. A lock file names the holder by process id and start time; a
 * stale one (its process gone, or its id now used by a process that started later) is taken over.
 */
async function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
  const lock = path.join(dataDir, 'satupeta.lock');
  const me = `${process.pid} ${await startTime(process.pid)}`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await fs.writeFile(lock, me, { flag: 'wx' });
      return () => fs.rm(lock, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const [pidText = '0', started = ''] = (await fs.readFile(lock, 'utf8').catch(() => '0')).trim().split(' ');
      const holder = Number(pidText);
      if (holder > 0 && holder !== process.pid && (await holds(holder, started))) {
        throw new Error(
          `The embedded database in ${dataDir} is in use by process ${holder} (the server?). Stop it first, ` +
            'or use the HTTP API of the running server instead (e.g. POST /api/tokens).',
        );
      }
      await fs.rm(lock, { force: true });
    }
  }
  throw new Error(`Could not lock ${dataDir}`);
}

/** Whether the process that wrote the lock still runs: its id is alive and started when the lock says. */
async function holds(pid: number, started: string): Promise<boolean> {
  if (!alive(pid)) return false;
  if (started === '') return true; // a lock of an older version: the id alone
  const now = await startTime(pid);
  return now === '' || now === started;
}

/** A process's start time in clock ticks after boot (Linux /proc), or '' where it cannot be read. */
async function startTime(pid: number): Promise<string> {
  const stat = await fs.readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  // Field 22; the command name (field 2) is in parentheses and may hold spaces.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return fields[19] ?? '';
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
