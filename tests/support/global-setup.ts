import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { seedDatabase } from '../../fixtures/seed.js';
import { openDatabase } from '../../server/db/database.js';
import { createTestDatabase, dropTestDatabase, serverUrl } from './postgres-admin.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** postgres:// URL of the run's seeded database, or '' for the embedded backend. */
    databaseUrl: string;
    /** Embedded backend: folder of the seeded template each test file copies. */
    templateDir: string;
    /** PostgreSQL: the seeded database nobody connects to, copied for tests that write. */
    templateDatabaseUrl: string;
  }
}

/**
 * Builds the run's database once: a fresh PostgreSQL database when TEST_DATABASE_URL is set,
 * else an embedded PGlite template folder. Both are migrated and seeded at demo scale and
 * removed when the run ends.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = serverUrl();
  if (server) {
    const template = await createTestDatabase(server, 'template');
    const db = await openDatabase({ databaseUrl: template, poolMax: 4, dataDir: '' });
    await seedDatabase(db.knex, 'demo');
    await db.close();
    const url = await createTestDatabase(server, 'run', template);
    project.provide('databaseUrl', url);
    project.provide('templateDir', '');
    project.provide('templateDatabaseUrl', template);
    return async () => {
      await dropTestDatabase(server, url);
      await dropTestDatabase(server, template);
    };
  }
  const templateDir = await fs.mkdtemp(path.join(os.tmpdir(), 'satupeta-template-'));
  const db = await openDatabase({ dataDir: templateDir, poolMax: 1 });
  await seedDatabase(db.knex, 'demo');
  await db.close();
  project.provide('databaseUrl', '');
  project.provide('templateDir', templateDir);
  project.provide('templateDatabaseUrl', '');
  return () => fs.rm(templateDir, { recursive: true, force: true });
}
