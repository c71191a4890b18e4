import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { useTestServer } from './support/use-test-server.js';
import { PYTHON, hasOwslib } from './support/clients.js';

const run = promisify(execFile);
const KEL = 'batas-kelurahan-kota-tangerang';

interface Read {
  collections: string[];
  queryables: string[];
  bbox: number[];
  bboxMatched: number;
  filter: number[];
  sorted: { nama: string; luas_km2: number }[];
  sortedIds: number[];
  datetime: number[];
  item: number;
}

const s = useTestServer();

describe.skipIf(!hasOwslib)('OWSLib reads the OGC API as a real client', () => {
  it('lists collections and queryables, and pages items by bbox, CQL2 filter, sortby with offset, properties and datetime', async () => {
    const {
      rows: [dated],
    } = await s.db.knex.raw<{ rows: { slug: string; id: number }[] }>(
      `select slug, id from layers where classification = 'publik' and fields @> '[{"name": "tanggal", "type": "date"}]' and feature_count > 5 order by slug limit 1`,
    );
    if (!dated) throw new Error('no dated layer in the fixtures');
    const { stdout } = await run(PYTHON, ['tests/clients/owslib_read.py', `${s.url}/ogc`, KEL, dated.slug], {
      timeout: 120_000,
      maxBuffer: 64 * 1024 * 1024,
    });
    const got = JSON.parse(stdout) as Read;

    const visible = await s.json<{ total: number }>('/api/layers?limit=1');
    expect(got.collections).toHaveLength(visible.body.total);
    expect(got.collections).not.toContain(s.terbatas);
    expect(got.queryables).toEqual(['geometry', 'kode', 'level', 'luas_km2', 'nama']);

    const sql = async (where: string, bindings: (string | number)[]) =>
      (
        await s.db.knex.raw<{ rows: { fid: number }[] }>(
          `select f.fid from features f join layers l on l.storage_id = f.layer_id where l.slug = ? and ${where} order by f.fid`,
          [KEL, ...bindings],
        )
      ).rows.map((r) => r.fid);
    const inBox = await sql('ST_Intersects(f.geom, ST_MakeEnvelope(?, ?, ?, ?, 4326))', [106.62, -6.2, 106.66, -6.16]);
    expect(got.bbox).toEqual(inBox);
    expect(got.bboxMatched).toBe(inBox.length);
    expect(got.filter).toEqual(
      await sql(`f.properties ->> 'kode' like '36.71.04.%' and (f.properties ->> 'luas_km2')::numeric > 1`, []),
    );

    const { rows: byArea } = await s.db.knex.raw<{ rows: { fid: number }[] }>(
      `select f.fid from features f join layers l on l.storage_id = f.layer_id where l.slug = ? order by (f.properties ->> 'luas_km2')::numeric desc, f.fid limit 5 offset 5`,
      [KEL],
    );
    expect(got.sortedIds).toEqual(byArea.map((r) => r.fid));
    expect(Object.keys(got.sorted[0] ?? {}).sort()).toEqual(['luas_km2', 'nama']);

    const { rows: since } = await s.db.knex.raw<{ rows: { fid: number }[] }>(
      `select fid from features where layer_id = ? and properties ->> 'tanggal' >= '2025-01-01' order by fid`,
      [dated.id],
    );
    expect(got.datetime).toEqual(since.map((r) => r.fid));
    expect(got.item).toBe(3);
  }, 150_000);
});
