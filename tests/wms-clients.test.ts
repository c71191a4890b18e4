import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasGdal, hasOwslib, PYTHON } from './support/clients.js';
import { decodeImage, type Pixels } from './support/png.js';
import { useTestServer } from './support/use-test-server.js';

const run = promisify(execFile);
const KEL = 'batas-kelurahan-kota-tangerang';

const s = useTestServer();
let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'satupeta-wms-clients-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const readImage = async (file: string): Promise<Pixels> => decodeImage(fs.readFileSync(file));

interface OwslibRead {
  title: string;
  layers: string[];
  bbox: number[];
  crs: string[];
  queryable: number;
  legend: string;
  operations: string[];
  info: string[];
  layers111: number;
}

describe.skipIf(!hasOwslib)('OWSLib reads the WMS as a real client', () => {
  it('lists the layers, draws the layer where it is and not elsewhere, and finds Pajang at the airport', async () => {
    const { stdout } = await run(PYTHON, ['tests/clients/owslib_wms.py', `${s.url}/wms`, KEL, dir], {
      timeout: 120_000,
      maxBuffer: 64 * 1024 * 1024,
    });
    const got = JSON.parse(stdout) as OwslibRead;
    const visible = await s.json<{ total: number }>('/api/layers?limit=1');
    expect(got.layers).toHaveLength(visible.body.total);
    expect(got.layers).not.toContain(s.terbatas);
    expect(got.layers111).toBe(visible.body.total);
    expect(got.crs).toEqual(['CRS:84', 'EPSG:3857', 'EPSG:4326']);
    expect(got.queryable).toBe(1);
    expect(got.operations).toEqual(expect.arrayContaining(['GetCapabilities', 'GetMap', 'GetFeatureInfo']));
    const [w, south, e, north] = got.bbox as [number, number, number, number];
    expect(w).toBeGreaterThan(106.5);
    expect(e).toBeLessThan(106.8);
    expect(south).toBeGreaterThan(-6.3);
    expect(north).toBeLessThan(-6.05);
    expect((await s.get(new URL(got.legend).pathname + new URL(got.legend).search)).status).toBe(200);

    // OWSLib swaps the EPSG:4326 box to latitude first for 1.3.0 itself: both versions draw the same.
    const inside = await readImage(path.join(dir, 'inside.png'));
    expect(inside.opaque()).toBeGreaterThan(200 * 170 * 0.3);
    const old = await readImage(path.join(dir, 'inside-111.png'));
    expect(old.opaque()).toBe(inside.opaque());
    expect((await readImage(path.join(dir, 'outside.png'))).opaque()).toBe(0);
    expect(got.info).toEqual(['Pajang']);
  });
});

describe.skipIf(!hasGdal)("GDAL's WMS driver reads the WMS as a real client", () => {
  it('makes a georeferenced image whose pixels are those of a direct GetMap', async () => {
    const url =
      `WMS:${s.url}/wms?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&LAYERS=${KEL}` +
      '&CRS=EPSG:4326&BBOX=-6.26,106.55,-6.09,106.75&FORMAT=image/png';
    const out = path.join(dir, 'gdal.png');
    // GDAL asks for its 1024-pixel overview in one GetMap (latitude first, as 1.3.0 wants).
    await run('gdal_translate', ['-q', '-of', 'PNG', '-outsize', '1024', '870', url, out], { timeout: 120_000 });
    const { stdout } = await run('gdalinfo', ['-json', out], { timeout: 60_000 });
    const info = JSON.parse(stdout) as { geoTransform: number[]; size: number[] };
    expect(info.size).toEqual([1024, 870]);
    const [x0, dx, , y0, , dy] = info.geoTransform as [number, number, number, number, number, number];
    expect(x0).toBeCloseTo(106.55, 9);
    expect(y0).toBeCloseTo(-6.09, 9);
    expect(x0 + dx * 1024).toBeCloseTo(106.75, 9);
    expect(y0 + dy * 870).toBeCloseTo(-6.26, 9);

    const gdal = await readImage(out);
    const direct = await decodeImage(
      new Uint8Array(
        await (
          await s.get(
            `/wms?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&LAYERS=${KEL}&STYLES=&CRS=EPSG:4326` +
              '&BBOX=-6.26,106.55,-6.09,106.75&WIDTH=1024&HEIGHT=870&FORMAT=image/png&TRANSPARENT=FALSE',
          )
        ).arrayBuffer(),
      ),
    );
    let differing = 0;
    let drawn = 0;
    for (let y = 0; y < 870; y += 3)
      for (let x = 0; x < 1024; x += 3) {
        const [a, b] = [gdal.at(x, y), direct.at(x, y)];
        if (a.slice(0, 3).join() !== b.slice(0, 3).join()) differing++;
        if (b.slice(0, 3).join() !== '255,255,255') drawn++;
      }
    expect(drawn).toBeGreaterThan(1000);
    expect(differing).toBe(0);
  });
});
