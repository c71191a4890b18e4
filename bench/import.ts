import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { seedDatabase } from '../fixtures/seed.js';
import { openDatabase } from '../server/db/database.js';
import { adminQuery, fmt, insertBenchLayer, ROOT } from './support.js';

/**
 * Import throughput: a generated GeoJSON FeatureCollection of N building footprints (sample data,
 * made here) loaded (1) by our pipeline (`npm run import`: stream, check every feature, stage by
 * COPY, GEOS validity, swap in one transaction, refresh stats, audit) into the features table of a
 * real PostGIS, and (2) by GDAL's ogr2ogr (PostgreSQL driver, COPY) into a plain new table, in
 * the same run on the same database. Ratio = ogr2ogr seconds / ours (≥ 1.0: we are as fast).
 *
 * BENCH_DATABASE_URL: a PostgreSQL server (a scratch database is created and dropped on it).
 * BENCH_FEATURES (default 1000000), BENCH_ROUNDS (default 2; the best round of each counts), BENCH_KEEP=1 keeps the database.
 */
const server = process.env.BENCH_DATABASE_URL;
if (!server)
  throw new Error(
    'BENCH_DATABASE_URL must name a PostgreSQL server with PostGIS, e.g. postgres://postgres@127.0.0.1:5432/postgres',
  );
const N = Number(process.env.BENCH_FEATURES ?? 1_000_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const dbName = 'satupeta_import_bench';
const dbUrl = Object.assign(new URL(server), { pathname: `/${dbName}` }).toString();
const admin = (sql: string) => adminQuery(server, sql);

await admin(`drop database if exists ${dbName} with (force)`);
await admin(`create database ${dbName}`);
const file = path.join(os.tmpdir(), `satupeta-import-${N}.geojson`);
try {
  const db = await openDatabase({ databaseUrl: dbUrl, poolMax: 2, dataDir: '' });
  await seedDatabase(db.knex, 'reference');
  await insertBenchLayer(db.knex, 'bench-bangunan', 'import', []);
  await db.close();
  const bytes = await writeSample(file, N);
  console.log(
    `${N.toLocaleString('en-US')} building footprints, ${fmt(bytes / 1024 / 1024, 0)} MB of GeoJSON (generated sample data)`,
  );

  const ours: number[] = [];
  const ogr: number[] = [];
  let peakMb = 0;
  for (let round = 1; round <= ROUNDS; round++) {
    const o = await timed(
      'ogr2ogr',
      [
        '-f',
        'PostgreSQL',
        `PG:dbname=${dbName} host=${new URL(server).hostname} port=${new URL(server).port || 5432} user=${new URL(server).username || 'postgres'}`,
        file,
        '-nln',
        'ogr_import',
        '-overwrite',
        '-lco',
        'GEOMETRY_NAME=geom',
        '-nlt',
        'PROMOTE_TO_MULTI',
        '--config',
        'PG_USE_COPY',
        'YES',
      ],
      {},
    );
    ogr.push(o.seconds);
    const u = await timed(
      process.execPath,
      [path.join(ROOT, 'dist/scripts/import.js'), file, '--layer', 'bench-bangunan', '--mode', 'replace'],
      { DATABASE_URL: dbUrl, LOG_LEVEL: 'warn' },
    );
    ours.push(u.seconds);
    peakMb = Math.max(peakMb, Number(/peak memory (\d+) MB/.exec(u.output)?.[1] ?? NaN));
    console.log(
      `round ${round}: ogr2ogr ${fmt(o.seconds, 1)} s, satupeta ${fmt(u.seconds, 1)} s — ${u.output.trim().split('\n').at(-1) ?? ''}`,
    );
  }
  const bestOgr = Math.min(...ogr);
  const bestOurs = Math.min(...ours);
  console.log(
    `\nimport ${N.toLocaleString('en-US')} features: satupeta ${fmt(bestOurs, 1)} s (${fmt(N / bestOurs, 0)} features/s), ogr2ogr ${fmt(bestOgr, 1)} s`,
  );
  console.log(
    `ratio ogr2ogr / satupeta = ${fmt(bestOgr / bestOurs)} (target ≥ 1.0); peak RSS of the import ${peakMb} MB (target ≤ 512)`,
  );
} finally {
  await fs.rm(file, { force: true });
  if (!process.env.BENCH_KEEP) await admin(`drop database if exists ${dbName} with (force)`);
}

async function timed(
  cmd: string,
  args: string[],
  env: Record<string, string>,
): Promise<{ seconds: number; output: string }> {
  const started = performance.now();
  const child = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (c: Buffer) => {
    output += c.toString();
  });
  child.stderr.on('data', (c: Buffer) => {
    output += c.toString();
  });
  const [code] = (await once(child, 'exit')) as [number];
  if (code !== 0) throw new Error(`${cmd} failed (${code}):\n${output}`);
  return { seconds: (performance.now() - started) / 1000, output };
}

/** Footprints of 8–20 m inside the city's box, 4 attributes each, deterministic. */
async function writeSample(target: string, n: number): Promise<number> {
  const out = createWriteStream(target);
  let seed = 2491;
  const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  let bytes = 0;
  const write = async (s: string) => {
    bytes += Buffer.byteLength(s);
    if (!out.write(s)) await once(out, 'drain');
  };
  await write('{"type":"FeatureCollection","name":"bench-bangunan","features":[\n');
  for (let i = 0; i < n; i++) {
    const x = 106.56 + rnd() * 0.15;
    const y = -6.26 + rnd() * 0.11;
    const w = 0.00008 + rnd() * 0.0001;
    const h = 0.00008 + rnd() * 0.0001;
    const r = (v: number) => Math.round(v * 1e7) / 1e7;
    const ring = [
      [r(x), r(y)],
      [r(x + w), r(y)],
      [r(x + w), r(y + h)],
      [r(x), r(y + h)],
      [r(x), r(y)],
    ];
    const props = {
      id_bangunan: `B${i}`,
      lantai: 1 + Math.floor(rnd() * 4),
      luas_m2: Math.round(w * h * 1.2e10) / 10,
      fungsi: ['hunian', 'usaha', 'campuran', 'sosial'][i % 4],
    };
    await write(
      `${i ? ',\n' : ''}{"type":"Feature","properties":${JSON.stringify(props)},"geometry":{"type":"Polygon","coordinates":[${JSON.stringify(ring)}]}}`,
    );
  }
  await write('\n]}\n');
  out.end();
  await once(out, 'finish');
  return bytes;
}
