import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { seedDatabase } from '../fixtures/seed.js';
import { openDatabase } from '../server/db/database.js';
import { freePort } from '../tests/support/ports.js';
import { adminQuery, fmt, insertBenchLayer, startServer, type ServerProcess } from './support.js';

/**
 * npm run bench:downloads — issue 12's full downloads of a 1 M-feature layer (generated sample
 * footprints, 4 fields), each against its peer in the same run on the same database:
 *   GeoJSON  /api/layers/{id}/download.geojson  vs  COPY (SELECT <the server's Feature text>) TO STDOUT
 *   GPKG     /api/layers/{id}/download.gpkg     vs  ogr2ogr -f GPKG PG:… -sql (the same columns)
 *   SHP      /api/layers/{id}/download.shp.zip  vs  ogr2ogr -f "ESRI Shapefile" into a .shp.zip
 * Our GPKG and SHP are timed cold (their cache folder emptied each round) and warm (the same
 * version again). Peak RSS of the server during each download. Rounds alternate the order.
 * BENCH_DATABASE_URL: a PostgreSQL server (a scratch database is made and dropped on it).
 */
const run = promisify(execFile);
const server = process.env.BENCH_DATABASE_URL;
if (!server) throw new Error('BENCH_DATABASE_URL must name a PostgreSQL server with PostGIS');
const N = Number(process.env.BENCH_FEATURES ?? 1_000_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
/** BENCH_STEPS=geojson,copy runs only those steps (names as printed); all by default. */
const ONLY = process.env.BENCH_STEPS ? new Set(process.env.BENCH_STEPS.split(',')) : null;
const dbName = 'satupeta_download_bench';
const dbUrl = Object.assign(new URL(server), { pathname: `/${dbName}` }).toString();
const SLUG = 'bench-bangunan-unduh';

const admin = (sql: string) => adminQuery(server, sql);

/** Seconds a download takes, read to the end, and the server's peak RSS meanwhile. */
async function fetchTimed(
  srv: ServerProcess,
  url: string,
): Promise<{ seconds: number; bytes: number; peakMb: number }> {
  let peak = srv.rssMb();
  const sampler = setInterval(() => (peak = Math.max(peak, srv.rssMb())), 20);
  // curl as the client: a native reader, so the client's own speed is not what is measured.
  const { stdout } = await run(
    'curl',
    ['-s', '-o', '/dev/null', '-w', '%{http_code} %{time_total} %{size_download}', srv.url + url],
    {
      timeout: 1_800_000,
    },
  );
  clearInterval(sampler);
  const [status, seconds, bytes] = stdout.trim().split(' ');
  if (status !== '200') throw new Error(`${url}: HTTP ${status}`);
  return { seconds: Number(seconds), bytes: Number(bytes), peakMb: peak };
}

async function copyJson(layerId: number): Promise<{ seconds: number; bytes: number }> {
  const c = new pg.Client({ connectionString: dbUrl });
  await c.connect();
  try {
    const started = performance.now();
    const stream = c.query(
      copyTo(
        // The text the server builds for each feature (features-sql.ts featureText), run directly.
        `COPY (SELECT '{"type":"Feature","id":' || fid || ',"geometry":' || ST_AsGeoJSON(ST_ForcePolygonCCW(geom), 7)
             || ',"properties":' || properties::text || '}'
           FROM features WHERE layer_id = ${layerId} ORDER BY fid) TO STDOUT`,
      ),
    );
    let bytes = 0;
    for await (const chunk of stream as AsyncIterable<Buffer>) bytes += chunk.length;
    return { seconds: (performance.now() - started) / 1000, bytes };
  } finally {
    await c.end();
  }
}

async function ogr(format: 'GPKG' | 'ESRI Shapefile', target: string, layerId: number): Promise<number> {
  const u = new URL(server as string);
  const started = performance.now();
  await run(
    'ogr2ogr',
    [
      '-f',
      format,
      target,
      `PG:dbname=${dbName} host=${u.hostname} port=${u.port || 5432} user=${u.username || 'postgres'}`,
      '-sql',
      `SELECT fid, properties ->> 'id_bangunan' AS id_bangunan, (properties ->> 'lantai')::int AS lantai,
         (properties ->> 'luas_m2')::float8 AS luas_m2, properties ->> 'fungsi' AS fungsi, ST_Multi(geom) AS geom
         FROM features WHERE layer_id = ${layerId} ORDER BY fid`,
      '-nln',
      SLUG,
      '-lco',
      format === 'GPKG' ? 'SPATIAL_INDEX=NO' : 'ENCODING=UTF-8',
    ],
    { maxBuffer: 1 << 24, timeout: 1_800_000 },
  );
  return (performance.now() - started) / 1000;
}

await admin(`drop database if exists ${dbName} with (force)`);
await admin(`create database ${dbName}`);
const work = await fs.mkdtemp(path.join(os.tmpdir(), 'satupeta-download-bench-'));
const cache = path.join(work, 'cache');
try {
  const db = await openDatabase({ databaseUrl: dbUrl, poolMax: 2, dataDir: '' });
  await seedDatabase(db.knex, 'reference');
  const layerId = await insertBenchLayer(db.knex, SLUG, 'download', [
    { name: 'id_bangunan', type: 'string' },
    { name: 'lantai', type: 'integer' },
    { name: 'luas_m2', type: 'number' },
    { name: 'fungsi', type: 'string' },
  ]);
  // 1 M footprints of 9–20 m inside the city's box, deterministic.
  await db.knex.raw('select setseed(0.2491)');
  await db.knex.raw(
    `insert into features (layer_id, fid, properties, geom)
     select ?, i, jsonb_build_object('id_bangunan', 'B' || i, 'lantai', 1 + (i % 4), 'luas_m2', round((80 + random() * 300)::numeric, 1),
              'fungsi', (array['hunian','usaha','campuran','sosial'])[1 + i % 4]),
            ST_MakeEnvelope(x, y, x + 0.00008 + random() * 0.0001, y + 0.00008 + random() * 0.0001, 4326)
       from (select i, 106.56 + random() * 0.15 as x, -6.26 + random() * 0.11 as y from generate_series(1, ?) i) g`,
    [layerId, N],
  );
  await db.knex.raw('analyze features');
  console.log(`${N.toLocaleString('en-US')} generated footprints in layer ${SLUG}`);
  const port = await freePort();
  const srv = await startServer({ DATABASE_URL: dbUrl, DOWNLOAD_CACHE_DIR: cache }, port);
  const idleMb = srv.rssMb();
  const results: Record<string, number[]> = {};
  const note = (k: string, v: number) => (results[k] = [...(results[k] ?? []), v]);
  const peaks: Record<string, number> = {};
  try {
    for (let round = 1; round <= ROUNDS; round++) {
      const steps: [string, () => Promise<void>][] = [
        [
          'geojson',
          async () => {
            const r = await fetchTimed(srv, `/api/layers/${SLUG}/download.geojson`);
            note('geojson', r.seconds);
            peaks.geojson = Math.max(peaks.geojson ?? 0, r.peakMb);
          },
        ],
        [
          'copy',
          async () => {
            note('copy', (await copyJson(layerId)).seconds);
          },
        ],
        [
          'gpkg',
          async () => {
            await fs.rm(cache, { recursive: true, force: true });
            const cold = await fetchTimed(srv, `/api/layers/${SLUG}/download.gpkg`);
            note('gpkg', cold.seconds);
            peaks.gpkg = Math.max(peaks.gpkg ?? 0, cold.peakMb);
            note('gpkg warm', (await fetchTimed(srv, `/api/layers/${SLUG}/download.gpkg`)).seconds);
          },
        ],
        [
          'ogr gpkg',
          async () => {
            const target = path.join(work, `ogr-${round}.gpkg`);
            note('ogr gpkg', await ogr('GPKG', target, layerId));
            await fs.rm(target, { force: true });
          },
        ],
        [
          'shp',
          async () => {
            await fs.rm(cache, { recursive: true, force: true });
            const cold = await fetchTimed(srv, `/api/layers/${SLUG}/download.shp.zip`);
            note('shp', cold.seconds);
            peaks.shp = Math.max(peaks.shp ?? 0, cold.peakMb);
            note('shp warm', (await fetchTimed(srv, `/api/layers/${SLUG}/download.shp.zip`)).seconds);
          },
        ],
        [
          'ogr shp',
          async () => {
            const target = path.join(work, `ogr-${round}.shp.zip`);
            note('ogr shp', await ogr('ESRI Shapefile', target, layerId));
            await fs.rm(target, { force: true });
          },
        ],
      ];
      for (const [name, step] of (round % 2 ? steps : [...steps].reverse()).filter(([n]) => !ONLY || ONLY.has(n))) {
        await step();
        console.log(`round ${round} ${name.padEnd(10)} ${fmt(results[name]?.at(-1) ?? 0, 2)} s`);
      }
    }
  } finally {
    await srv.stop();
    await db.close();
  }
  const best = (k: string) => Math.min(...(results[k] ?? [Infinity]));
  console.log('\n| measure | value |\n|---|---|');
  console.log(
    `| GeoJSON download, ${N.toLocaleString('en')} features | ${fmt(best('geojson'), 1)} s (${fmt(N / best('geojson'), 0)} features/s) |`,
  );
  console.log(`| the same Feature texts as COPY (SELECT …) TO STDOUT | ${fmt(best('copy'), 1)} s |`);
  console.log(`| **GeoJSON / COPY** (target ≥ 0.8) | **${fmt(best('copy') / best('geojson'), 2)}** |`);
  console.log(
    `| GeoPackage download, cold / warm (same version again) | ${fmt(best('gpkg'), 1)} s / ${fmt(best('gpkg warm'), 2)} s |`,
  );
  console.log(`| ogr2ogr -f GPKG from the same rows | ${fmt(best('ogr gpkg'), 1)} s |`);
  console.log(`| **GeoPackage / ogr2ogr** (target ≥ 0.5) | **${fmt(best('ogr gpkg') / best('gpkg'), 2)}** |`);
  console.log(`| Shapefile (zip) download, cold / warm | ${fmt(best('shp'), 1)} s / ${fmt(best('shp warm'), 2)} s |`);
  console.log(`| ogr2ogr -f "ESRI Shapefile" into a .shp.zip from the same rows | ${fmt(best('ogr shp'), 1)} s |`);
  console.log(`| **Shapefile / ogr2ogr** (target ≥ 0.5) | **${fmt(best('ogr shp') / best('shp'), 2)}** |`);
  console.log(`| server RSS idle, before the downloads | ${fmt(idleMb, 0)} MB |`);
  console.log(
    `| server peak RSS: GeoJSON / GeoPackage / Shapefile (target ≤ 300 MB) | ${fmt(peaks.geojson ?? 0, 0)} / ${fmt(peaks.gpkg ?? 0, 0)} / ${fmt(peaks.shp ?? 0, 0)} MB |`,
  );
} finally {
  await fs.rm(work, { recursive: true, force: true });
  await admin(`drop database if exists ${dbName} with (force)`);
}
