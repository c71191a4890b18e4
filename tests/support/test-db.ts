import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { inject } from 'vitest';
import { openDatabase, type Database } from '../../server/db/database.js';
import { createTestDatabase, dropTestDatabase, serverUrl } from './postgres-admin.js';

/**
 * The run's seeded database for one test file: the shared PostgreSQL database, or a private copy
 * of the embedded template (PGlite allows one process per data folder). Files that write (uploads,
 * tokens) ask for a private copy on PostgreSQL too, so other files' counts never move.
 */
export async function openTestDatabase(options: { writable?: boolean } = {}): Promise<Database> {
  const databaseUrl = inject('databaseUrl');
  const server = serverUrl();
  if (databaseUrl && options.writable && server) {
    const url = await createTestDatabase(server, 'write', inject('templateDatabaseUrl'));
    const db = await openDatabase({ databaseUrl: url, poolMax: 6, dataDir: '' });
    return {
      ...db,
      close: async () => {
        await db.close();
        await dropTestDatabase(server, url);
      },
    };
  }
  if (databaseUrl) return openDatabase({ databaseUrl, poolMax: 4, dataDir: '' });
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'satupeta-copy-'));
  await fs.cp(inject('templateDir'), dir, { recursive: true });
  const db = await openDatabase({ dataDir: dir, poolMax: 1 });
  return {
    ...db,
    close: async () => {
      await db.close();
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}
