import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import yauzl from 'yauzl';
import { hasGdal } from './support/clients.js';
import { adminAuth, createLayer, replaceFeatures } from './support/layers.js';
import { useTestServer } from './support/use-test-server.js';

const run = promisify(execFile);
const KEL = 'batas-kelurahan-kota-tangerang';
const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'satupeta-gpkg-cache-'));
// Its own database copy (it uploads) and its own download cache folder.
const s = useTestServer({ writable: true, env: { DOWNLOAD_CACHE_DIR: cacheDir } });
let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'satupeta-gpkg-'));
});
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.rmSync(cacheDir, { recursive: true, force: true });
});

async function save(url: string, name: string): Promise<string> {
  const res = await s.get(url);
  expect(
    res.status,
    await res
      .clone()
      .text()
      .catch(() => ''),
  ).toBe(200);
  const file = path.join(dir, name);
  fs.writeFileSync(file, Buffer.from(await res.arrayBuffer()));
  return file;
}

/** One entry of a zip file as text (yauzl, the library uploads are read with). */
function zipEntry(file: string, name: string): Promise<string> {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true }, (err, zip) => {
      if (err) return reject(err);
      zip.on('entry', (entry: yauzl.Entry) => {
        if (entry.fileName !== name) return zip.readEntry();
        zip.openReadStream(entry, (e, stream) => {
          if (e) return reject(e);
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('end', () => {
            zip.close();
            resolve(Buffer.concat(chunks).toString('utf8'));
          });
        });
      });
      zip.on('end', () => reject(new Error(`no ${name} in ${file}`)));
      zip.readEntry();
    });
  });
}

async function sql<T>(text: string, bindings: (string | number)[] = []): Promise<T[]> {
  return (await s.db.knex.raw<{ rows: T[] }>(text, bindings)).rows;
}

describe('zipped Shapefile download', () => {
  it.skipIf(!hasGdal)('reads in GDAL with every feature and its attributes, and the field-name sidecar', async () => {
    const file = await save(`/api/layers/${KEL}/download.shp.zip`, 'kel.shp.zip');
    const { stdout } = await run('ogrinfo', ['-ro', '-so', `/vsizip/${file}`, KEL], { timeout: 60_000 });
    expect(stdout).toMatch(/Feature Count: 104\b/);
    expect(stdout).toMatch(/luas_km2: Real/);
    const { stdout: rows } = await run(
      'ogrinfo',
      [
        '-ro',
        '-q',
        `/vsizip/${file}`,
        '-sql',
        `SELECT nama, luas_km2, ST_Area(geometry) AS a FROM "${KEL}"`,
        '-dialect',
        'SQLite',
      ],
      { timeout: 60_000, maxBuffer: 16 * 1024 * 1024 },
    );
    const got = [
      ...rows.matchAll(/nama \(String\) = ([^\n]+)\n\s+luas_km2 \(Real\) = ([\d.]+)\n\s+a \(Real\) = ([\d.e-]+)/g),
    ].map((m) => [m[1], Number(m[2]), Number(m[3])] as const);
    const want = await sql<{ nama: string; luas: number; a: number }>(
      `select f.properties ->> 'nama' as nama, (f.properties ->> 'luas_km2')::float8 as luas, ST_Area(f.geom) as a
         from features f join layers l on l.storage_id = f.layer_id where l.slug = ? order by f.fid`,
      [KEL],
    );
    expect(got.map((g) => [g[0], g[1]])).toEqual(want.map((w) => [w.nama, w.luas]));
    for (const [i, g] of got.entries()) expect(g[2]).toBeCloseTo(want[i]?.a ?? 0, 9);
    const sidecar = await zipEntry(file, `${KEL}.fields.csv`);
    expect(sidecar).toBe(
      'field,dbf_name,type\n"kode",kode,string\n"nama",nama,string\n"level",level,string\n"luas_km2",luas_km2,number\n',
    );
  });

  it.skipIf(!hasGdal)(
    'keeps holes as holes (rings oriented as the format wants) and long names shortened',
    async () => {
      const auth = await adminAuth(s.db.knex, 'shp');
      const slug = 'setda-uji-shapefile';
      await createLayer(s, auth, {
        slug,
        title: 'Uji Shapefile',
        agency: 'setda',
        theme: 'batas-wilayah',
        geometryType: 'Polygon',
        fields: [
          { name: 'nama_lengkap_bangunan', type: 'string' },
          { name: 'nama_lengkap_pemilik', type: 'string' },
          { name: 'jumlah', type: 'integer' },
        ],
      });
      // A square with a square hole: 0.01 × 0.01 degrees less 0.004 × 0.004.
      const donut = [
        [
          [106.64, -6.19],
          [106.65, -6.19],
          [106.65, -6.18],
          [106.64, -6.18],
          [106.64, -6.19],
        ],
        [
          [106.643, -6.187],
          [106.643, -6.183],
          [106.647, -6.183],
          [106.647, -6.187],
          [106.643, -6.187],
        ],
      ];
      await replaceFeatures(s, auth, slug, [
        {
          type: 'Feature',
          properties: { nama_lengkap_bangunan: 'Gedung Ü', nama_lengkap_pemilik: 'Pemkot', jumlah: 3 },
          geometry: { type: 'Polygon', coordinates: donut },
        },
      ]);
      const file = await save(`/api/layers/${slug}/download.shp.zip`, 'donut.shp.zip');
      const { stdout } = await run(
        'ogrinfo',
        [
          '-ro',
          '-q',
          `/vsizip/${file}`,
          '-sql',
          `SELECT nama_lengk, nama_len_2, jumlah, ST_Area(geometry) AS a FROM "${slug}"`,
          '-dialect',
          'SQLite',
        ],
        { timeout: 60_000 },
      );
      expect(stdout).toContain('nama_lengk (String) = Gedung Ü');
      expect(stdout).toContain('nama_len_2 (String) = Pemkot');
      expect(stdout).toMatch(/jumlah \(Integer(64)?\) = 3/);
      expect(Number(/a \(Real\) = ([\d.e-]+)/.exec(stdout)?.[1])).toBeCloseTo(0.0001 - 0.000016, 12);
    },
  );
});

describe('GeoPackage download', () => {
  it('is a GeoPackage as an attachment with a length, and a second download of the same version is the same file', async () => {
    const res = await s.get(`/api/layers/${KEL}/download.gpkg`);
    expect(res.headers.get('content-type')).toBe('application/geopackage+sqlite3');
    expect(res.headers.get('content-disposition')).toContain(`${KEL}.gpkg`);
    const bytes = Buffer.from(await res.arrayBuffer());
    expect(res.headers.get('content-length')).toBe(String(bytes.length));
    expect(bytes.subarray(0, 16).toString('latin1')).toBe('SQLite format 3\0');
    // application_id "GPKG" at byte 68, user_version 10200 at byte 60.
    expect(bytes.readUInt32BE(68)).toBe(0x47504b47);
    expect(bytes.readUInt32BE(60)).toBe(10200);
    const again = Buffer.from(await (await s.get(`/api/layers/${KEL}/download.gpkg`)).arrayBuffer());
    expect(again.equals(bytes)).toBe(true);
    expect(fs.readdirSync(cacheDir).filter((f) => f.endsWith('.gpkg'))).toHaveLength(1);
  });

  it.skipIf(!hasGdal)('reads in GDAL with every feature, field and geometry the database holds', async () => {
    const file = await save(`/api/layers/${KEL}/download.gpkg`, 'kel.gpkg');
    const { stdout } = await run('ogrinfo', ['-ro', '-so', file, KEL], { timeout: 60_000 });
    expect(stdout).toMatch(/Geometry: Multi Polygon/);
    expect(stdout).toMatch(/Feature Count: 104\b/);
    expect(stdout).toMatch(/kode: String/);
    expect(stdout).toMatch(/luas_km2: Real/);
    const { stdout: rows } = await run(
      'ogrinfo',
      [
        '-ro',
        '-q',
        file,
        '-sql',
        `SELECT fid, nama, luas_km2, ST_Area(geom) AS a FROM "${KEL}" ORDER BY fid`,
        '-dialect',
        'SQLite',
      ],
      { timeout: 60_000, maxBuffer: 16 * 1024 * 1024 },
    );
    const got = [
      ...rows.matchAll(
        /OGRFeature\(SELECT\):(\d+)\n\s+nama \(String\) = ([^\n]+)\n\s+luas_km2 \(Real\) = ([\d.]+)\n\s+a \(Real\) = ([\d.e-]+)/g,
      ),
    ].map((m) => [Number(m[1]), m[2], Number(m[3]), Number(m[4])] as const);
    const want = await sql<{ fid: number; nama: string; luas: number; a: number }>(
      `select f.fid, f.properties ->> 'nama' as nama, (f.properties ->> 'luas_km2')::float8 as luas, ST_Area(f.geom) as a
         from features f join layers l on l.storage_id = f.layer_id where l.slug = ? order by f.fid`,
      [KEL],
    );
    expect(got.map((g) => [g[0], g[1], g[2]])).toEqual(want.map((w) => [w.fid, w.nama, w.luas]));
    for (const [i, g] of got.entries()) expect(g[3]).toBeCloseTo(want[i]?.a ?? 0, 9);
  });

  it.skipIf(!hasGdal)('cuts to a district on request: its features, clipped at its boundary', async () => {
    const file = await save(`/api/layers/${KEL}/download.gpkg?district=36.71.05&clip=true`, 'cipondoh.gpkg');
    const [{ n }] = (await sql<{ n: number }>(
      `select count(*)::int as n from features f join layers l on l.storage_id = f.layer_id join districts d on d.code = '36.71.05'
        where l.slug = ? and ST_Intersects(f.geom, d.geom)`,
      [KEL],
    )) as [{ n: number }];
    const { stdout } = await run('ogrinfo', ['-ro', '-so', file, KEL], { timeout: 60_000 });
    expect(stdout).toMatch(new RegExp(`Feature Count: ${n}\\b`));
    const [box] = (await sql<{ xmin: number; xmax: number }>(
      `select ST_XMin(geom) as xmin, ST_XMax(geom) as xmax from districts where code = '36.71.05'`,
    )) as [{ xmin: number; xmax: number }];
    const extent = /Extent: \(([\d.]+), -[\d.]+\) - \(([\d.]+), -[\d.]+\)/.exec(stdout);
    expect(Number(extent?.[1])).toBeGreaterThanOrEqual(box.xmin - 1e-9);
    expect(Number(extent?.[2])).toBeLessThanOrEqual(box.xmax + 1e-9);
  });

  it('is built anew when the layer gets a new data version', async () => {
    const auth = await adminAuth(s.db.knex, 'gpkg');
    const [layer] = await sql<{ slug: string; geometry_type: string }>(
      `select slug from layers where classification = 'publik' and geometry_type = 'Point' and agency_code = 'setda' order by slug limit 1`,
    );
    const slug = layer?.slug ?? '';
    const before = await s.get(`/api/layers/${slug}/download.gpkg`);
    const etag = before.headers.get('etag');
    await before.arrayBuffer();
    await replaceFeatures(s, auth, slug, [
      { type: 'Feature', properties: { nama: 'Satu' }, geometry: { type: 'Point', coordinates: [106.64, -6.18] } },
    ]);
    const after = await s.get(`/api/layers/${slug}/download.gpkg`);
    expect(after.headers.get('etag')).not.toBe(etag);
    const file = path.join(dir, 'after.gpkg');
    fs.writeFileSync(file, Buffer.from(await after.arrayBuffer()));
    if (hasGdal) {
      const { stdout } = await run('ogrinfo', ['-ro', '-so', file, slug], { timeout: 60_000 });
      expect(stdout).toMatch(/Feature Count: 1\b/);
    }
  });

  it('answers errors in our shape: an unknown district, a hidden layer, an unknown parameter', async () => {
    const cases: [string, number, string][] = [
      [`/api/layers/${KEL}/download.gpkg?district=36.71.99`, 400, 'unknown_district'],
      [`/api/layers/${s.terbatas}/download.gpkg`, 404, 'layer_not_found'],
      [`/api/layers/${KEL}/download.gpkg?format=shp`, 400, 'unknown_parameter'],
      [`/api/layers/${KEL}/download.gpkg?clip=yes`, 400, 'invalid_parameter'],
    ];
    for (const [url, status, code] of cases) {
      const res = await s.get(url);
      expect(res.status, url).toBe(status);
      expect(((await res.json()) as { error: { code: string } }).error.code, url).toBe(code);
    }
  });
});
