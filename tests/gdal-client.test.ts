import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './support/test-server.js';

const run = promisify(execFile);
// GDAL (Debian gdal-bin) is installed by .ci/run; on a machine without it these tests say so and
// skip, except in CI where they always run.
const hasGdal = fs.existsSync('/usr/bin/ogrinfo') || process.env.CI === 'true';

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
    const { stdout } = await run('ogrinfo', ['-ro', '-q', `OAPIF:${s.url}/ogc`], { maxBuffer: 64 * 1024 * 1024, timeout: 120_000 });
    const visible = await s.json<{ total: number }>('/api/layers?limit=1');
    const listed = stdout.split('\n').filter((l) => /^\d+: /.test(l));
    expect(listed.length).toBe(visible.body.total);
    expect(stdout).toContain(KEL);
  }, 150_000);

  it('reads every feature of a layer, paging by next links, and writes a GeoPackage with ogr2ogr', async () => {
    const n = Number((await s.db.knex('features as f').join('layers as l', 'l.id', 'f.layer_id').where('l.slug', KEL).count<{ c: string }[]>('* as c'))[0]?.c);
    const gpkg = path.join(dir, 'kelurahan.gpkg');
    await run('ogr2ogr', ['-f', 'GPKG', gpkg, `OAPIF:${s.url}/ogc`, KEL, '-oo', 'PAGE_SIZE=25'], { timeout: 120_000 });
    const { stdout } = await run('ogrinfo', ['-ro', '-so', gpkg, KEL], { timeout: 60_000 });
    expect(stdout).toMatch(new RegExp(`Feature Count: ${n}\\b`));
    const { stdout: pajang } = await run('ogrinfo', ['-ro', '-q', gpkg, '-sql', `SELECT kode FROM "${KEL}" WHERE nama = 'Pajang'`], { timeout: 60_000 });
    expect(pajang).toContain('36.71.04.1004');
  }, 150_000);
});
