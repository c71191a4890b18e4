import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './support/test-server.js';
import { hasGdal } from './support/clients.js';

const run = promisify(execFile);

let s: TestServer;
let dir: string;
const KEL = 'batas-kelurahan-kota-tangerang';

describe.skipIf(!hasGdal)('GDAL reads the OGC API as a real client', () => {
  beforeAll(async () => {
    s = await startTestServer();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'satupeta-gdal-'));
  });
  afterAll(async () => {
    fs.rmSync(dir, { recursive: true, force: true });
    await s.close();
  });

  it('lists the collections with ogrinfo (OAPIF driver)', async () => {
    const { stdout } = await run('ogrinfo', ['-ro', '-q', `OAPIF:${s.url}/ogc`], {
      maxBuffer: 64 * 1024 * 1024,
      timeout: 120_000,
    });
    const visible = await s.json<{ total: number }>('/api/layers?limit=1');
    const listed = stdout.split('\n').filter((l) => /^\d+: /.test(l));
    expect(listed.length).toBe(visible.body.total);
    expect(stdout).toContain(KEL);
  }, 150_000);

  it('reads every feature of a layer, paging by next links, and writes a GeoPackage with ogr2ogr', async () => {
    const n = Number(
      (
        await s.db
          .knex('features as f')
          .join('layers as l', 'l.storage_id', 'f.layer_id')
          .where('l.slug', KEL)
          .count<{ c: string }[]>('* as c')
      )[0]?.c,
    );
    const gpkg = path.join(dir, 'kelurahan.gpkg');
    await run('ogr2ogr', ['-f', 'GPKG', gpkg, `OAPIF:${s.url}/ogc`, KEL, '-oo', 'PAGE_SIZE=25'], { timeout: 120_000 });
    const { stdout } = await run('ogrinfo', ['-ro', '-so', gpkg, KEL], { timeout: 60_000 });
    expect(stdout).toMatch(new RegExp(`Feature Count: ${n}\\b`));
    const { stdout: pajang } = await run(
      'ogrinfo',
      ['-ro', '-q', gpkg, '-sql', `SELECT kode FROM "${KEL}" WHERE nama = 'Pajang'`],
      { timeout: 60_000 },
    );
    expect(pajang).toContain('36.71.04.1004');
  }, 150_000);

  it('reads exactly the features that intersect a -spat box (bbox sent with 18 digits)', async () => {
    const box = [106.62, -6.2, 106.63, -6.19];
    const { rows } = await s.db.knex.raw<{ rows: { n: number }[] }>(
      `select count(*)::int as n from features f join layers l on l.storage_id = f.layer_id
        where l.slug = ? and ST_Intersects(f.geom, ST_MakeEnvelope(?, ?, ?, ?, 4326))`,
      [KEL, ...box],
    );
    const { stdout, stderr } = await run(
      'ogrinfo',
      ['-ro', '-so', '-spat', ...box.map(String), `OAPIF:${s.url}/ogc`, KEL],
      { timeout: 120_000, env: { ...process.env, CPL_DEBUG: 'ON' } },
    );
    expect(stderr).toMatch(/items\?limit=\d+&bbox=106\.62000000000000\d+,-6\.2000000000000\d+,/);
    expect(stdout).toMatch(new RegExp(`Feature Count: ${rows[0]?.n}\\b`));
  }, 150_000);

  it('sends -where on a queryable to the server as one filtered request, not a download of the collection', async () => {
    const { stdout, stderr } = await run(
      'ogrinfo',
      ['-ro', '-q', `OAPIF:${s.url}/ogc`, KEL, '-where', "nama = 'Pajang'"],
      { timeout: 120_000, env: { ...process.env, CPL_DEBUG: 'ON' } },
    );
    const fetched = [...stderr.matchAll(/HTTP: Fetch\((\S+)\)/g)]
      .map((m) => m[1] ?? '')
      .filter((u) => u.includes('/items'));
    expect(fetched.filter((u) => u.includes('nama=Pajang'))).toHaveLength(1);
    // Besides the filtered request, only the first page GDAL reads to learn the schema.
    expect(fetched.filter((u) => !u.includes('nama=Pajang'))).toEqual([
      `${s.url}/ogc/collections/${KEL}/items?limit=10`,
    ]);
    expect(stdout).toContain('36.71.04.1004');
  }, 150_000);

  it('turns a -where on a date field into datetime, which the server answers with the same features', async () => {
    const {
      rows: [layer],
    } = await s.db.knex.raw<{ rows: { slug: string; id: number }[] }>(
      `select slug, id from layers where classification = 'publik' and fields @> '[{"name": "tanggal", "type": "date"}]' and feature_count > 5 order by slug limit 1`,
    );
    if (!layer) throw new Error('no dated layer in the fixtures');
    const {
      rows: [mid],
    } = await s.db.knex.raw<{ rows: { d: string; n: number }[] }>(
      `select d, (select count(*)::int from features where layer_id = ? and properties ->> 'tanggal' >= d) as n
         from (select percentile_disc(0.5) within group (order by properties ->> 'tanggal') as d from features where layer_id = ?) m`,
      [layer.id, layer.id],
    );
    const { stdout, stderr } = await run(
      'ogrinfo',
      ['-ro', '-so', `OAPIF:${s.url}/ogc`, layer.slug, '-where', `tanggal >= '${mid?.d}'`],
      { timeout: 120_000, env: { ...process.env, CPL_DEBUG: 'ON' } },
    );
    expect(stderr).toContain(`datetime=${mid?.d}T%2F..`);
    expect(stdout).toMatch(new RegExp(`Feature Count: ${mid?.n}\\b`));
  }, 150_000);
});
