import fs from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { isSeeded, seedDatabase, seedIfEmpty } from '../fixtures/seed.js';
import { openDatabase, type Database } from '../server/db/database.js';
import { get } from './http-load.js';
import { fmt, percentile, runConcurrent, startServer, type ServerProcess } from './support.js';

/**
 * npm run bench: GeoJSON throughput of /api/layers/{id}/features against the same query run
 * directly in SQL (JSON built by the database), catalog search latency, and server RSS, all
 * measured in this one run. BENCH_DATABASE_URL set: real PostgreSQL at `full` scale (seeded on
 * first use); unset: the embedded PGlite default at `demo` scale.
 */
const databaseUrl = process.env.BENCH_DATABASE_URL ?? '';
const backend = databaseUrl ? 'postgresql' : 'embedded';
const PAGE = 10_000;
const WORKERS = 4;
const ROUNDS = 3;
const OGC_PAGE = 1000;
/** Compare the endpoint's work with the SQL's, not gzip's (clients that ask do get gzip). */
const IDENTITY = { headers: { 'Accept-Encoding': 'identity' } };

const SEARCHES = [
  'sekolah',
  'posyandu',
  'banjir',
  'jalan',
  'pasar',
  'sekolah dasar cipondoh',
  'pju',
  'taman',
  'puskesmas karawaci',
  'drainase',
  'menara telekomunikasi',
  'halte brt',
  'kantor',
  'rtlh',
  'zonasi',
  'pipa air',
  'sek',
  'ban',
  'batas kelurahan',
  'umkm ciledug',
];

const FEATURE_SQL = `
  select json_build_object('type', 'FeatureCollection', 'features', coalesce(json_agg(json_build_object(
           'type', 'Feature', 'id', f.fid, 'geometry', ST_AsGeoJSON(ST_ForcePolygonCCW(f.geom), 7)::json,
           'properties', f.properties) order by f.fid), '[]'::json))::text as body
    from (select fid, geom, properties from features where layer_id = ? and fid > ? order by fid limit ?) f`;

async function main(): Promise<void> {
  const dataDir = databaseUrl ? '' : await fs.mkdtemp(path.join(os.tmpdir(), 'satupeta-bench-'));
  let db = await openDatabase({ databaseUrl, dataDir, poolMax: WORKERS });
  if (!(await isSeeded(db.knex))) {
    const scale = databaseUrl ? 'full' : 'demo';
    console.log(`seeding ${scale} scale into the ${backend} database (first run only)…`);
    console.log(await seedDatabase(db.knex, scale, (m) => console.log(`  ${m}`)));
  }
  // A bench database seeded before data elements existed gets them now (layers untouched).
  await seedIfEmpty(db.knex, databaseUrl ? 'full' : 'demo', (m) => console.log(`  ${m}`));
  const big = await biggestLayer(db);
  const elementPicks = await elementSample(db);
  const totalFeatures = await countFeatures(db);
  const plan = await bboxPlan(db, big.id);
  if (!databaseUrl) await db.close();

  console.log(
    `backend ${backend}, ${fmt(totalFeatures, 0)} features; large layer ${big.slug} (${fmt(big.count, 0)} features)`,
  );
  const afters = Array.from({ length: Math.ceil(big.count / PAGE) }, (_, i) => i * PAGE);
  const jobs = Array.from({ length: ROUNDS }, () => afters).flat();

  const server: ServerProcess = await startServer(
    databaseUrl ? { DATABASE_URL: databaseUrl, DATABASE_POOL_MAX: String(WORKERS) } : { DATA_DIR: dataDir },
    3950,
  );
  let rssPeak = server.rssMb();
  await fetch(`${server.url}/api/layers/${big.slug}/features?limit=${PAGE}`, IDENTITY).then((r) => r.text());
  let httpFeatures = 0;
  const httpSeconds = await runConcurrent(jobs, WORKERS, async (after) => {
    const body = await (
      await fetch(`${server.url}/api/layers/${big.slug}/features?limit=${PAGE}&after=${after}`, IDENTITY)
    ).text();
    httpFeatures += (JSON.parse(body) as { numberReturned: number }).numberReturned;
    rssPeak = Math.max(rssPeak, server.rssMb());
  });

  // Sequential requests on one keep-alive connection (node:http: fetch adds about 1 ms of its own).
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const latencies: number[] = [];
  for (let round = 0; round < 21; round++) {
    for (const q of SEARCHES) {
      const t0 = performance.now();
      await get(`${server.url}/api/layers?q=${encodeURIComponent(q)}&limit=20`, agent);
      if (round > 0) latencies.push(performance.now() - t0);
    }
  }
  latencies.sort((a, b) => a - b);

  // Data elements, the same way: search, one element/level/period, a kelurahan's profile.
  const timed = async (urls: string[], rounds: number): Promise<number[]> => {
    const out: number[] = [];
    for (let round = 0; round < rounds; round++) {
      for (const u of urls) {
        const t0 = performance.now();
        await get(`${server.url}${u}`, agent);
        if (round > 0) out.push(performance.now() - t0);
      }
    }
    return out.sort((a, b) => a - b);
  };
  const elementSearch = await timed(
    ELEMENT_SEARCHES.map((q) => `/api/elements?q=${encodeURIComponent(q)}&limit=20`),
    11,
  );
  const elementValues = await timed(
    elementPicks.values.map((id) => `/api/elements/${id}/values?level=kelurahan`),
    11,
  );
  const profiles = await timed(
    elementPicks.kelurahan.map((code) => `/api/districts/${code}/profile`),
    6,
  );
  agent.destroy();

  // OGC API items at limit 1,000, with its exact numberMatched, through the whole layer.
  const ogcJobs = Array.from({ length: Math.ceil(big.count / OGC_PAGE) }, (_, i) => i * OGC_PAGE);
  let ogcFeatures = 0;
  const ogcSeconds = await runConcurrent(ogcJobs, WORKERS, async (after) => {
    const body = await (
      await fetch(`${server.url}/ogc/collections/${big.slug}/items?limit=${OGC_PAGE}&after=${after}`, IDENTITY)
    ).text();
    ogcFeatures += (JSON.parse(body) as { numberReturned: number }).numberReturned;
  });
  const rssAfter = server.rssMb();
  await server.stop();

  if (!databaseUrl) db = await openDatabase({ dataDir, poolMax: 1 });
  let sqlFeatures = 0;
  const sqlSeconds = await runConcurrent(jobs, WORKERS, async (after) => {
    const { rows } = await db.knex.raw<{ rows: { body: string }[] }>(FEATURE_SQL, [big.id, after, PAGE]);
    sqlFeatures += (JSON.parse(rows[0]?.body ?? '{"features":[]}') as { features: unknown[] }).features.length;
  });
  // The baseline counts the layer once, as the server does (it remembers numberMatched per data
  // version), and then reads the same pages.
  let ogcSqlFeatures = 0;
  const ogcSqlSeconds = await runConcurrent(['count', ...ogcJobs], WORKERS, async (job) => {
    if (job === 'count') {
      await db.knex.raw('select count(*)::int as n from features where layer_id = ?', [big.id]);
      return;
    }
    const { rows } = await db.knex.raw<{ rows: { body: string }[] }>(FEATURE_SQL, [big.id, job, OGC_PAGE]);
    ogcSqlFeatures += (JSON.parse(rows[0]?.body ?? '{"features":[]}') as { features: unknown[] }).features.length;
  });
  const plans = await filterPlans(db, big.id);
  await db.close();
  if (!databaseUrl) await fs.rm(dataDir, { recursive: true, force: true });

  const httpRate = httpFeatures / httpSeconds;
  const sqlRate = sqlFeatures / sqlSeconds;
  console.log(
    `\n## ${backend} (${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} cores, node ${process.version})\n`,
  );
  console.log('| measure | value |\n|---|---|');
  console.log(
    `| GeoJSON via /api/layers/{id}/features (limit ${PAGE}, ${WORKERS} concurrent) | ${fmt(httpRate, 0)} features/s |`,
  );
  console.log(
    `| same query, JSON built in SQL, run directly (${WORKERS} concurrent) | ${fmt(sqlRate, 0)} features/s |`,
  );
  console.log(`| **ratio endpoint / direct SQL** (target ≥ 0.8) | **${fmt(httpRate / sqlRate)}** |`);
  console.log(`| catalog search over ${fmt(big.catalog, 0)} layers, median | ${fmt(percentile(latencies, 50))} ms |`);
  console.log(`| catalog search, p95 (target < 10 ms on PostgreSQL) | ${fmt(percentile(latencies, 95))} ms |`);
  console.log(`| server RSS after the run / peak during GeoJSON | ${fmt(rssAfter, 0)} MB / ${fmt(rssPeak, 0)} MB |`);
  console.log(
    `| OGC API items (limit ${OGC_PAGE}, numberMatched included, ${WORKERS} concurrent) | ${fmt(ogcFeatures / ogcSeconds, 0)} features/s |`,
  );
  console.log(
    `| same pages run directly in SQL, the layer counted once | ${fmt(ogcSqlFeatures / ogcSqlSeconds, 0)} features/s |`,
  );
  console.log(
    `| **ratio OGC items / direct SQL** (target ≥ 0.8) | **${fmt(ogcFeatures / ogcSeconds / (ogcSqlFeatures / ogcSqlSeconds))}** |`,
  );
  console.log(
    `| data element search over ${fmt(elementPicks.total, 0)} elements, p95 (target < 10 ms) | ${fmt(percentile(elementSearch, 95))} ms |`,
  );
  console.log(
    `| values of one element, kelurahan level, latest period, p95 (target < 15 ms) | ${fmt(percentile(elementValues, 95))} ms |`,
  );
  console.log(
    `| profile of one kelurahan (every visible element), p95 (target < 50 ms) | ${fmt(percentile(profiles, 95))} ms |`,
  );
  console.log(`\nCQL2 filters as the server writes them, spatial then attribute:\n\n\`\`\`\n${plans}\n\`\`\``);
  console.log(`\nbbox query plan for one layer (index on layer_id + geom):\n\n\`\`\`\n${plan}\n\`\`\``);
}

const ELEMENT_SEARCHES = [
  'penduduk',
  'sekolah',
  'banjir',
  'jalan',
  'posyandu',
  'umkm',
  'pajak',
  'puskesmas',
  'stunting',
  'rtlh',
  'penduduk perempuan umur',
  'kunjungan puskesmas',
  'izin usaha',
  'sampah',
  'kecelakaan',
  'pen',
  'sek',
  'guru smp',
  'bansos',
  'air minum',
];

/** 20 publik elements with kelurahan values and 10 kelurahan, for the element timings. */
async function elementSample(db: Database): Promise<{ values: string[]; kelurahan: string[]; total: number }> {
  const { rows: values } = await db.knex.raw<{ rows: { slug: string }[] }>(
    `select slug from elements where classification = 'publik' and 'kelurahan' = any(levels) order by slug limit 20`,
  );
  const { rows: kel } = await db.knex.raw<{ rows: { code: string }[] }>(
    `select code from districts where level = 'kelurahan' order by code limit 10`,
  );
  const {
    rows: [n],
  } = await db.knex.raw<{ rows: { n: number }[] }>('select count(*)::int as n from elements');
  return { values: values.map((r) => r.slug), kelurahan: kel.map((r) => r.code), total: n?.n ?? 0 };
}

/** The largest public layer; `id` is its current storage, what the replayed feature statements read. */
async function biggestLayer(db: Database): Promise<{ id: number; slug: string; count: number; catalog: number }> {
  const { rows } = await db.knex.raw<{ rows: { id: number; slug: string; feature_count: number; catalog: number }[] }>(
    `select storage_id as id, slug, feature_count, (select count(*)::int from layers) as catalog
       from layers where classification = 'publik' order by feature_count desc, slug limit 1`,
  );
  const row = rows[0];
  if (!row) throw new Error('the catalog is empty');
  return { id: row.id, slug: row.slug, count: row.feature_count, catalog: row.catalog };
}

async function countFeatures(db: Database): Promise<number> {
  const { rows } = await db.knex.raw<{ rows: { n: number }[] }>(
    'select sum(feature_count)::bigint::float8 as n from layers',
  );
  return rows[0]?.n ?? 0;
}

async function bboxPlan(db: Database, layerId: number): Promise<string> {
  const { rows } = await db.knex.raw<{ rows: { 'QUERY PLAN': string }[] }>(
    `explain (analyze, buffers, costs off) select fid from features
      where layer_id = ? and geom && (select ST_Expand(ST_Centroid(extent), 0.003) from layers where id = ?)`,
    [layerId, layerId],
  );
  return rows.map((r) => r['QUERY PLAN']).join('\n');
}

/** EXPLAIN of an S_INTERSECTS filter and a text-equality filter, in the SQL the CQL2 translator emits. */
async function filterPlans(db: Database, layerId: number): Promise<string> {
  const { rows: sample } = await db.knex.raw<{ rows: { key: string; value: string }[] }>(
    `select e.key, e.value from features f, jsonb_each_text(f.properties) e where f.layer_id = ? and jsonb_typeof(f.properties -> e.key) = 'string' limit 1`,
    [layerId],
  );
  const spatial = await db.knex.raw<{ rows: { 'QUERY PLAN': string }[] }>(
    `explain (costs off) select fid from features f where f.layer_id = ?
       and ST_Intersects(f.geom, ST_MakeEnvelope(106.62, -6.20, 106.64, -6.18, 4326))`,
    [layerId],
  );
  const attribute = await db.knex.raw<{ rows: { 'QUERY PLAN': string }[] }>(
    `explain (costs off) select fid from features f where f.layer_id = ? and f.properties @> jsonb_build_object(?::text, ?::text)`,
    [layerId, sample[0]?.key ?? 'nama', sample[0]?.value ?? ''],
  );
  return [...spatial.rows, { 'QUERY PLAN': '' }, ...attribute.rows].map((r) => r['QUERY PLAN']).join('\n');
}

await main();
