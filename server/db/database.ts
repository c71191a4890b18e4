import knexFactory, { type Knex } from 'knex';
import { detectCapabilities, type Capabilities } from './capabilities.js';
import { EmbeddedChangeFeed, PostgresChangeFeed, type ChangeFeed } from './change-feed.js';
import { openEmbedded } from './embedded.js';
import { migrateLatest } from './migrate.js';

export type Backend = 'postgresql' | 'embedded';

export interface Database {
  knex: Knex;
  backend: Backend;
  capabilities: Capabilities;
  /** Registry change notices from every process sharing this database. */
  changes: ChangeFeed;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** postgres:// URL of a real PostgreSQL with PostGIS; unset means the embedded PGlite. */
  databaseUrl?: string | undefined;
  poolMax: number;
  /** Folder of the embedded database; ignored with databaseUrl. */
  dataDir: string;
  /** Apply pending migrations before detecting capabilities (default true; PostGIS arrives with them). */
  migrate?: boolean;
}

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  const { knex, backend, release, changes } = options.databaseUrl
    ? {
        knex: openPostgres(options.databaseUrl, options.poolMax),
        backend: 'postgresql' as const,
        release: () => Promise.resolve(),
        changes: new PostgresChangeFeed(options.databaseUrl),
      }
    : await embedded(options.dataDir);
  const close = async () => {
    await changes.close();
    await knex.destroy();
    await release();
  };
  try {
    if (options.migrate !== false) await migrateLatest(knex);
    const capabilities = await detectCapabilities(knex);
    return { knex, backend, capabilities, changes, close };
  } catch (err) {
    await close();
    throw err;
  }
}

async function embedded(dataDir: string) {
  const { knex, release, notices } = await openEmbedded(dataDir);
  return { knex, release, backend: 'embedded' as const, changes: new EmbeddedChangeFeed(notices) };
}

function openPostgres(url: string, poolMax: number): Knex {
  return knexFactory({
    client: 'pg',
    // JIT off: the server's statements are short, and a per-feature subquery (GML parts, property
    // picks) inflates cost estimates past jit_above_cost, so PostgreSQL spent ~240 ms compiling a
    // 10,000-feature page that runs in ~230 ms without it (bench/RESULTS.md, WFS).
    connection: { connectionString: url, application_name: 'satupeta', options: '-c jit=off' },
    pool: { min: 0, max: poolMax },
    acquireConnectionTimeout: 10_000,
  });
}
