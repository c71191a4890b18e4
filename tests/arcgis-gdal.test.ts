import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { featureServer } from './support/arcgis.js';
import { hasGdal } from './support/clients.js';
import { startTestServer, type TestServer } from './support/test-server.js';

const run = promisify(execFile);
const KEL = 'batas-kelurahan-kota-tangerang';
/** Pages of 40: the 104 kelurahan take three, so GDAL must page to read them all. */
const PAGE = 40;

let s: TestServer;
let dir: string;
let url: string;

interface Row {
  fid: number;
  nama: string;
}

describe.skipIf(!hasGdal)("GDAL's ESRIJSON driver reads the FeatureServer as a real client", () => {
  let rows: Row[] = [];
  let extent = { x0: 0, y1: 0 };

  beforeAll(async () => {
    s = await startTestServer({ FEATURES_MAX_LIMIT: String(PAGE), FEATURES_DEFAULT_LIMIT: '10' });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'satupeta-esrijson-'));
    const agency = await s.db.knex('layers').where('slug', KEL).first<{ agency_code: string }>('agency_code');
    url = `${s.url}${featureServer(agency?.agency_code ?? '', KEL)}/0/query?where=1%3D1&outFields=*&f=json`;
    const from = 'from features f join layers l on l.storage_id = f.layer_id where l.slug = ?';
    const result = await s.db.knex.raw<{ rows: Row[] }>(
      `select f.fid, f.properties ->> 'nama' as nama ${from} order by f.fid`,
      [KEL],
    );
    rows = result.rows;
    const box = await s.db.knex.raw<{ rows: { x0: number; y1: number }[] }>(
      `select ST_XMin(e) as x0, ST_YMax(e) as y1 from (select ST_Extent(f.geom) as e ${from}) s`,
      [KEL],
    );
    extent = box.rows[0] ?? extent;
  });
  afterAll(async () => {
    fs.rmSync(dir, { recursive: true, force: true });
    await s?.close();
  });

  it('reports the layer feature count, fields and extent with ogrinfo -so (a layer larger than maxRecordCount)', async () => {
    expect(rows.length).toBeGreaterThan(2 * PAGE);
    const { stdout } = await run('ogrinfo', ['-ro', '-so', '-al', `ESRIJSON:${url}`], { timeout: 120_000 });
    expect(stdout).toMatch(new RegExp(`Feature Count: ${rows.length}\\b`));
    expect(stdout).toMatch(/Geometry: (Multi )?Polygon/);
    expect(stdout).toMatch(/kode: String/);
    expect(stdout).toMatch(/luas_km2: Real/);
    const box = /Extent: \(([-\d.]+), ([-\d.]+)\) - \(([-\d.]+), ([-\d.]+)\)/.exec(stdout);
    expect(Number(box?.[1])).toBeCloseTo(extent.x0, 5);
    expect(Number(box?.[4])).toBeCloseTo(extent.y1, 5);
  }, 150_000);

  it('pages through every feature with resultOffset (ogr2ogr to a GeoPackage), ids and values intact', async () => {
    const gpkg = path.join(dir, 'kelurahan.gpkg');
    const { stderr } = await run(
      'ogr2ogr',
      ['-f', 'GPKG', gpkg, `ESRIJSON:${url}&orderByFields=OBJECTID+ASC`, '-nln', 'kel', '-preserve_fid'],
      { timeout: 120_000, env: { ...process.env, CPL_DEBUG: 'ON' } },
    );
    // GDAL asked for the pages after the first one, each the size of the first.
    expect(stderr).toMatch(new RegExp(`resultRecordCount=${PAGE}&resultOffset=${PAGE}\\b`));
    expect(stderr).toMatch(new RegExp(`resultOffset=${2 * PAGE}\\b`));
    const { stdout } = await run('ogrinfo', ['-ro', '-q', gpkg, '-sql', 'SELECT fid, nama FROM kel ORDER BY fid'], {
      timeout: 60_000,
    });
    const got = [...stdout.matchAll(/OGRFeature\(SELECT\):(\d+)\n\s+nama \(String\) = (.*)/g)].map((m) => [
      Number(m[1]),
      m[2],
    ]);
    expect(got).toEqual(rows.map((r) => [r.fid, r.nama]));
  }, 150_000);
});
