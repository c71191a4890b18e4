import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { owslibWfs, type OwslibWfsCommon } from './support/owslib-wfs.js';
import { useTestServer } from './support/use-test-server.js';
import { hasGdal, hasOwslib } from './support/clients.js';

const run = promisify(execFile);
const KEL = 'batas-kelurahan-kota-tangerang';

const s = useTestServer();
let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'satupeta-wfs-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function sql<T>(text: string, bindings: (string | number)[] = []): Promise<T[]> {
  return (await s.db.knex.raw<{ rows: T[] }>(text, bindings)).rows;
}
const kelFids = async (where: string, bindings: (string | number)[] = []) =>
  (
    await sql<{ fid: number }>(
      `select f.fid from features f join layers l on l.storage_id = f.layer_id where l.slug = ? and ${where} order by f.fid`,
      [KEL, ...bindings],
    )
  ).map((r) => r.fid);

describe.skipIf(!hasGdal)('GDAL reads the WFS as a real client', () => {
  it('ogr2ogr copies a whole layer page by page, and a -where/-spat copy selects what SQL selects', async () => {
    const all = await kelFids('true');
    const gpkg = path.join(dir, 'kel.gpkg');
    // PAGE_SIZE 25: the 104 kelurahan come in five GetFeature pages (COUNT/STARTINDEX).
    await run(
      'ogr2ogr',
      ['-f', 'GPKG', gpkg, `WFS:${s.url}/wfs`, KEL, '-oo', 'PAGE_SIZE=25', '-oo', 'EXPOSE_GML_ID=YES'],
      { timeout: 120_000 },
    );
    const { stdout } = await run('ogrinfo', ['-ro', '-so', gpkg, `satupeta:${KEL}`], { timeout: 60_000 });
    expect(stdout).toMatch(new RegExp(`Feature Count: ${all.length}\\b`));
    expect(stdout).toMatch(/Geometry: Multi (Polygon|Surface)/);
    // Axis order handled: longitudes are x.
    expect(stdout).toMatch(/Extent: \(106\.\d+, -6\.\d+\) - \(106\.\d+, -6\.\d+\)/);
    const { stdout: ids } = await run('ogrinfo', ['-ro', '-q', gpkg, '-sql', `SELECT gml_id FROM "satupeta:${KEL}"`], {
      timeout: 60_000,
    });
    const got = [...ids.matchAll(/gml_id \(String\) = \S+\.(\d+)/g)].map((m) => Number(m[1])).sort((a, b) => a - b);
    expect(got).toEqual(all);

    const part = path.join(dir, 'part.gpkg');
    await run(
      'ogr2ogr',
      [
        '-f',
        'GPKG',
        part,
        `WFS:${s.url}/wfs`,
        KEL,
        '-oo',
        'EXPOSE_GML_ID=YES',
        '-where',
        "luas_km2 > 1 AND nama LIKE 'P%'",
        '-spat',
        '106.6',
        '-6.25',
        '106.7',
        '-6.1',
      ],
      { timeout: 120_000 },
    );
    const { stdout: partIds } = await run(
      'ogrinfo',
      ['-ro', '-q', part, '-sql', `SELECT gml_id FROM "satupeta:${KEL}"`],
      {
        timeout: 60_000,
      },
    );
    const want = await kelFids(
      `(f.properties->>'luas_km2')::numeric > 1 and f.properties->>'nama' like 'P%' and ST_Intersects(f.geom, ST_MakeEnvelope(106.6, -6.25, 106.7, -6.1, 4326))`,
    );
    expect(want.length).toBeGreaterThan(3);
    expect(
      [...partIds.matchAll(/gml_id \(String\) = \S+\.(\d+)/g)].map((m) => Number(m[1])).sort((a, b) => a - b),
    ).toEqual(want);
  }, 300_000);

  it('lists every visible layer and none of the terbatas ones', async () => {
    const { stdout } = await run('ogrinfo', ['-ro', '-q', `WFS:${s.url}/wfs`], {
      maxBuffer: 64 * 1024 * 1024,
      timeout: 120_000,
    });
    const listed = stdout.split('\n').filter((l) => /^\d+: /.test(l));
    const visible = await s.json<{ total: number }>('/api/layers?limit=1');
    expect(listed.length).toBe(visible.body.total);
    expect(stdout).not.toContain(`satupeta:${s.terbatas} `);
  }, 150_000);
});

interface OwslibRead extends OwslibWfsCommon {
  geometryType: string;
  sortedIds: number[];
  sortedProps: string[];
  numberMatched: number;
  featureid: number[];
  firstPos: string[];
  geojson: number[];
}

describe.skipIf(!hasOwslib)('OWSLib reads the WFS as a real client', () => {
  it('reads capabilities and schema, and gets features by bbox, POSTed filter, sort and paging, id and as GeoJSON', async () => {
    const got = await owslibWfs<OwslibRead>(s, 'tests/clients/owslib_wfs.py', KEL, kelFids);
    const byArea = await sql<{ fid: number }>(
      `select f.fid from features f join layers l on l.storage_id = f.layer_id where l.slug = ?
       order by (f.properties ->> 'luas_km2')::numeric desc, f.fid limit 5 offset 5`,
      [KEL],
    );
    expect(got.sortedIds).toEqual(byArea.map((r) => r.fid));
    expect(got.sortedProps).toEqual(['luas_km2', 'nama']);
    expect(got.numberMatched).toBe((await kelFids('true')).length);
    expect(got.featureid).toEqual([3]);
    // Latitude first in the default CRS.
    expect(Number(got.firstPos[0])).toBeLessThan(0);
    expect(got.geojson).toEqual((await kelFids('true')).slice(0, 2));
  }, 150_000);
});
