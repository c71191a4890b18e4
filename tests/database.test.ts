import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { migrateDownAll, migrateLatest } from '../server/db/migrate.js';
import type { Database } from '../server/db/database.js';
import { openDatabase } from '../server/db/database.js';
import { createTestDatabase, dropTestDatabase, serverUrl } from './support/postgres-admin.js';
import { layerRow } from './support/queries.js';
import { openTestDatabase } from './support/test-db.js';

let db: Database;
beforeAll(async () => {
  db = await openTestDatabase();
});
afterAll(() => db.close());

const count = async (table: string, where: Record<string, unknown> = {}) =>
  Number((await db.knex(table).where(where).count<{ n: string }[]>('* as n'))[0]?.n);

const ALL_MIGRATIONS = [
  '001-schema',
  '002-tile-fields',
  '003-properties-index',
  '004-geometry-checks',
  '005-access',
  '006-time-extent',
  '007-elements',
  '008-derived-elements',
  '009-element-history',
  '010-element-search',
  '011-change-notices',
  '012-rate-windows',
  '013-layer-search',
  '014-layer-versions',
  '015-review',
  '016-webhooks',
];

describe('fixtures', () => {
  it('load 43 agencies, 13 kecamatan, 104 kelurahan and 2,491 layers', async () => {
    expect(await count('agencies')).toBe(43);
    expect(await count('districts', { level: 'kota' })).toBe(1);
    expect(await count('districts', { level: 'kecamatan' })).toBe(13);
    expect(await count('districts', { level: 'kelurahan' })).toBe(104);
    expect(await count('layers')).toBe(2491);
  });

  it('mark about one layer in ten terbatas and every generated layer as sample data', async () => {
    const terbatas = await count('layers', { classification: 'terbatas' });
    expect(terbatas / 2491).toBeGreaterThan(0.07);
    expect(terbatas / 2491).toBeLessThan(0.15);
    expect(await count('layers', { is_sample: false })).toBe(3);
    const samples = (await db.knex('layers').where({ is_sample: true }).pluck('description')) as string[];
    expect(samples.every((d) => d.includes('Data sampel'))).toBe(true);
  });

  it('place every sample feature inside Kota Tangerang', async () => {
    const { rows } = await db.knex.raw<{ rows: { outside: number }[] }>(
      `with city as materialized (select ST_Buffer(geom, 0.001) as g from districts where level = 'kota')
       select count(*)::int as outside from features f, city where not ST_Intersects(city.g, f.geom)`,
    );
    expect(rows[0]?.outside).toBe(0);
  });

  it('keep feature counts and extents of layers in step with their features', async () => {
    const { rows } = await db.knex.raw<{ rows: { n: number }[] }>(
      `select count(*)::int as n from layers l
        where l.feature_count <> (select count(*) from features f where f.layer_id = l.storage_id)`,
    );
    expect(rows[0]?.n).toBe(0);
  });
});

describe('features table', () => {
  it('keeps the EPSG:3857 geometry in step with the EPSG:4326 one', async () => {
    const { rows } = await db.knex.raw<{ rows: { srid: number; x: number }[] }>(
      `select ST_SRID(geom_3857) as srid, ST_X(ST_PointOnSurface(geom_3857)) as x from features where fid = 1 limit 1`,
    );
    expect(rows[0]?.srid).toBe(3857);
    expect(rows[0]?.x).toBeGreaterThan(11_860_000);
    expect(rows[0]?.x).toBeLessThan(11_885_000);
  });

  it("reads only one layer's rows for a bbox query (index on layer and geometry)", async () => {
    const { id } = await layerRow(db.knex, { slug: 'batas-kelurahan-kota-tangerang' });
    await db.knex.raw('set enable_seqscan = off');
    const { rows } = await db.knex.raw<{ rows: { 'QUERY PLAN': string }[] }>(
      `explain select fid from features where layer_id = ? and geom && ST_MakeEnvelope(106.6, -6.2, 106.7, -6.1, 4326)`,
      [id],
    );
    await db.knex.raw('reset enable_seqscan');
    const plan = rows.map((r) => r['QUERY PLAN']).join('\n');
    expect(plan).toMatch(/features_layer_geom_idx/);
    expect(plan).toMatch(/Index Cond: \(\(layer_id = \d+\) AND \(geom && /);
  });

  it('gives a layer a new data version whenever its features change', async () => {
    const undo = new Error('undo the test change');
    const change = db.knex.transaction(async (trx) => {
      const before = await layerRow(trx, { slug: 'batas-kota-tangerang' });
      await trx('features')
        .where({ layer_id: before.id, fid: 1 })
        .update({ properties: JSON.stringify({ nama: 'diubah' }) });
      const after = await layerRow(trx, { id: before.id });
      expect(after.data_version).toBeGreaterThan(before.data_version);
      throw undo;
    });
    await expect(change).rejects.toBe(undo);
  });

  it('keeps the narrow search copy of every layer in step with the layer (insert, update, delete)', async () => {
    expect(await count('layer_search')).toBe(await count('layers'));
    const undo = new Error('undo the test change');
    const change = db.knex.transaction(async (trx) => {
      const layer = await layerRow(trx, { slug: 'batas-kota-tangerang' });
      const search = (id: number) => trx('layer_search').where({ id }).first<Record<string, unknown> | undefined>();
      await trx('layers')
        .where({ id: layer.id })
        .update({ title: 'Judul baru', classification: 'terbatas', search_a: 'judul baru' });
      const updated = await search(layer.id);
      expect(updated).toMatchObject({ title: 'Judul baru', classification: 'terbatas' });
      expect(String(updated?.search_vector)).toContain("'judul'");
      await trx('layers').where({ id: layer.id }).del();
      expect(await search(layer.id)).toBeUndefined();
      throw undo;
    });
    await expect(change).rejects.toBe(undo);
  });
});

describe('migrations', () => {
  it('run down to empty and up again', async () => {
    const server = serverUrl();
    const url = server ? await createTestDatabase(server, 'migrate') : '';
    const fresh = server ? await openDatabase({ databaseUrl: url, poolMax: 2, dataDir: '', migrate: false }) : db;
    try {
      if (server) expect(await migrateLatest(fresh.knex)).toEqual(ALL_MIGRATIONS);
      expect(await migrateDownAll(fresh.knex)).toEqual([
        '016-webhooks',
        '015-review',
        '014-layer-versions',
        '013-layer-search',
        '012-rate-windows',
        '011-change-notices',
        '010-element-search',
        '009-element-history',
        '008-derived-elements',
        '007-elements',
        '006-time-extent',
        '005-access',
        '004-geometry-checks',
        '003-properties-index',
        '002-tile-fields',
        '001-schema',
      ]);
      const { rows } = await fresh.knex.raw<{ rows: { n: number }[] }>(
        `select count(*)::int as n from information_schema.tables where table_schema = 'public' and table_name in ('layers', 'features', 'districts', 'agencies', 'themes', 'layer_districts', 'elements', 'element_values')`,
      );
      expect(rows[0]?.n).toBe(0);
      expect(await migrateLatest(fresh.knex)).toEqual(ALL_MIGRATIONS);
      const layers = await fresh.knex('layers').count<{ n: string }[]>('* as n');
      expect(Number(layers[0]?.n)).toBe(0);
    } finally {
      if (server) {
        await fresh.close();
        await dropTestDatabase(server, url);
      }
    }
  });
});

it('knows which backend it runs on', () => {
  expect(db.backend).toBe(inject('databaseUrl') ? 'postgresql' : 'embedded');
});

describe.skipIf(!serverUrl())('a connection whose backend was terminated', () => {
  it('is never handed out again, even before its socket has closed', async () => {
    const one = await openDatabase({ databaseUrl: serverUrl() ?? '', poolMax: 1, dataDir: '', migrate: false });
    try {
      for (let round = 0; round < 5; round++) {
        const before = await one.knex.raw<{ rows: { pid: number }[] }>('select pg_backend_pid() as pid');
        // The backend ends itself while answering: FATAL 57P01 arrives as this query's error.
        await expect(one.knex.raw('select pg_terminate_backend(pg_backend_pid())')).rejects.toThrow();
        // At once, with no event-loop turn for the socket's close to arrive: a fresh connection answers.
        const after = await one.knex.raw<{ rows: { pid: number }[] }>('select pg_backend_pid() as pid');
        expect(after.rows[0]?.pid).not.toBe(before.rows[0]?.pid);
      }
    } finally {
      await one.close();
    }
  });
});
