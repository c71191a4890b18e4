import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openDatabase, type Database } from '../server/db/database.js';
import { createTestDatabase, dropTestDatabase, serverUrl } from './support/postgres-admin.js';

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '..');
let env: Record<string, string> = {};
let cleanup: () => Promise<void> = () => Promise.resolve();

/** The command-line tools against a private copy of the seeded database (PostgreSQL or an embedded data folder). */
beforeAll(async () => {
  const server = serverUrl();
  if (inject('databaseUrl') && server) {
    const url = await createTestDatabase(server, 'cli', inject('templateDatabaseUrl'));
    env = { DATABASE_URL: url };
    cleanup = () => dropTestDatabase(server, url);
  } else {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'satupeta-cli-'));
    await fs.cp(inject('templateDir'), dir, { recursive: true });
    env = { DATA_DIR: dir };
    cleanup = () => fs.rm(dir, { recursive: true, force: true });
  }
});
afterAll(() => cleanup());

async function cli(script: string, args: string[]): Promise<{ code: number; out: string }> {
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      ['--import', 'tsx', path.join(ROOT, 'scripts', script), ...args],
      { cwd: ROOT, env: { ...process.env, ...env, LOG_LEVEL: 'warn' } },
    );
    return { code: 0, out: stdout + stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, out: e.stdout + e.stderr };
  }
}

/** Reads the database after a CLI run (the embedded folder admits one process at a time). */
async function withDb<T>(fn: (db: Database) => Promise<T>): Promise<T> {
  const db = await openDatabase({ databaseUrl: env.DATABASE_URL, poolMax: 1, dataDir: env.DATA_DIR ?? '' });
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

// Each command opens the database itself: on the embedded one that is a few seconds per call.
describe('npm run token and npm run import', { timeout: 120_000 }, () => {
  it('creates, lists and revokes tokens, and refuses a wrong scope', async () => {
    const created = await cli('token.ts', [
      'create',
      '--role',
      'editor',
      '--agency',
      'bappeda',
      '--name',
      'Bappeda GIS',
    ]);
    expect(created.code).toBe(0);
    const secret = /\bsp_[A-Za-z0-9_-]{43}\b/.exec(created.out)?.[0];
    expect(secret).toBeDefined();
    const listed = await cli('token.ts', ['list']);
    expect(listed.out).toMatch(/editor\tbappeda\tsp_/);
    expect(listed.out).not.toContain(secret);
    const id = /Created token (\d+)/.exec(created.out)?.[1] ?? '';
    expect((await cli('token.ts', ['revoke', id])).out).toMatch(/revoked/);
    expect(
      await withDb(
        async (db) =>
          (await db
            .knex('api_tokens')
            .where({ id: Number(id) })
            .first('revoked_at')) as unknown,
      ),
    ).toMatchObject({ revoked_at: expect.anything() as unknown });
    const wrong = await cli('token.ts', ['create', '--role', 'editor']);
    expect(wrong.code).toBe(2);
    expect(wrong.out).toMatch(/exactly one agency/);
  });

  it('imports a zipped Shapefile through the same checks and records "cli" in the history', async () => {
    const slug = await withDb(
      async (db) =>
        (
          await db
            .knex<{ slug: string; geometry_type: string; classification: string }>('layers')
            .where({ geometry_type: 'Point', classification: 'publik' })
            .orderBy('slug')
            .first('slug')
        )?.slug ?? '',
    );
    const ok = await cli('import.ts', [
      path.join(ROOT, 'tests/fixtures/uploads/titik-utm48s.zip'),
      '--layer',
      slug,
      '--mode',
      'replace',
    ]);
    expect(ok.code, ok.out).toBe(0);
    expect(ok.out).toMatch(new RegExp(`${slug}: replace with 3 features from shapefile`));
    const bad = await cli('import.ts', [
      path.join(ROOT, 'tests/fixtures/uploads/titik-tanpa-prj.zip'),
      '--layer',
      slug,
      '--mode',
      'append',
    ]);
    expect(bad.code).toBe(1);
    expect(bad.out).toMatch(/missing_prj/);
    await withDb(async (db) => {
      const { rows } = await db.knex.raw<{ rows: { n: number; actor: string }[] }>(
        `select l.feature_count as n, (select actor from layer_history h where h.layer_id = l.id order by id desc limit 1) as actor from layers l where slug = ?`,
        [slug],
      );
      expect(rows[0]?.n).toBe(3);
      expect(rows[0]?.actor).toMatch(/^cli /);
    });
  });
});
