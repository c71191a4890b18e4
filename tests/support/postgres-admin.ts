import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** TEST_DATABASE_URL names a PostgreSQL server (any database on it); unset means the embedded backend. */
export function serverUrl(): string | null {
  const url = process.env.TEST_DATABASE_URL;
  return url ? url : null;
}

/**
 * Creates a uniquely named database on the server and returns its URL; with a template (the URL
 * of a database nobody is connected to), as a copy of it.
 */
export async function createTestDatabase(server: string, purpose: string, templateUrl?: string): Promise<string> {
  const name = `satupeta_test_${purpose}_${randomBytes(4).toString('hex')}`;
  const template = templateUrl ? new URL(templateUrl).pathname.slice(1) : null;
  if (template !== null && !/^satupeta_test_[a-z]+_[0-9a-f]{8}$/.test(template))
    throw new Error(`refusing template ${template}`);
  await admin(server, template ? `create database ${name} template ${template}` : `create database ${name}`);
  const url = new URL(server);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function dropTestDatabase(server: string, databaseUrl: string): Promise<void> {
  const name = new URL(databaseUrl).pathname.slice(1);
  if (!/^satupeta_test_[a-z]+_[0-9a-f]{8}$/.test(name)) throw new Error(`refusing to drop ${name}`);
  await admin(server, `drop database if exists ${name} with (force)`);
}

async function admin(server: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: server });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
