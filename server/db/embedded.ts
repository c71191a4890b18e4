import fs from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { btree_gist } from '@electric-sql/pglite/contrib/btree_gist';
import { postgis } from '@electric-sql/pglite-postgis';
import knexFactory, { type Knex } from 'knex';
import ClientPgLite from 'knex-pglite';

/**
 * Embedded PostgreSQL + PostGIS (PGlite, WebAssembly) kept in a data folder, so a fresh machine
 * runs the product with no database server. One connection: knex-pglite pins the pool to 1.
 */
export async function openEmbedded(dataDir: string): Promise<Knex> {
  await fs.mkdir(dataDir, { recursive: true });
  const pglite = await PGlite.create({ dataDir, extensions: { postgis, btree_gist } });
  return knexFactory({
    client: ClientPgLite,
    dialect: 'postgres',
    // knex-pglite takes an existing instance through a connection function; it has no types for it.
    connection: (() => ({ pglite })) as unknown as Knex.StaticConnectionConfig,
  });
}
