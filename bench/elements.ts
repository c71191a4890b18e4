import { createReadStream, createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { pino } from 'pino';
import { isSeeded, seedDatabase, seedIfEmpty } from '../fixtures/seed.js';
import { TokenStore } from '../server/auth/token-store.js';
import { loadConfig } from '../server/config.js';
import { openDatabase } from '../server/db/database.js';
import { buildServices } from '../server/services.js';
import { fmt, sleep, startServer, type ServerProcess } from './support.js';

/**
 * npm run bench:elements (PostgreSQL only: BENCH_DATABASE_URL): the two write paths of data
 * elements against baselines measured in the same run, rounds rotated.
 * 1. Values import: a 1,000,640-row CSV (10 monthly elements × 848 months × 118 districts)
 *    POSTed to /api/elements/values, against a plain COPY of the same file into a bare table and
 *    against that COPY followed by the same INSERT the server's merge runs, both from this
 *    process. Server RSS is sampled during the 1 M-row load and a 100 k-row load (flat memory =
 *    the same peak).
 * 2. Recomputing a layer-derived count for the largest publik layer at every level (118
 *    districts), through the same service call an upload makes, against one plain
 *    `ST_Intersects` + `GROUP BY` over the same layer and districts run directly.
 */
const databaseUrl = process.env.BENCH_DATABASE_URL ?? '';
const ROUNDS = 3;
const ELEMENTS = 10;
const MONTHS = 848;
/** The JavaScript heap the memory check allows the server: far below what 1 M rows would need in memory. */
const HEAP_MB = 96;

async function main(): Promise<void> {
  if (!databaseUrl) {
    console.log('bench:elements measures PostgreSQL (COPY and its backends); set BENCH_DATABASE_URL.');
    return;
  }
  const db = await openDatabase({ databaseUrl, dataDir: '', poolMax: 4 });
  if (!(await isSeeded(db.knex))) {
    console.log('seeding full scale (first run only)…');
    console.log(await seedDatabase(db.knex, 'full', (m) => console.log(`  ${m}`)));
  }
  await seedIfEmpty(db.knex, 'full', (m) => console.log(`  ${m}`));
  const admin = (
    await new TokenStore(db.knex).create({ name: 'bench', role: 'admin', agencies: [], createdBy: 'bench' })
  ).token;
  await db.knex.raw(`delete from elements where slug like 'bench-%'`);
  const districts = (await db.knex.raw<{ rows: { code: string }[] }>('select code from districts order by code')).rows;
  const server: ServerProcess = await startServer({ DATABASE_URL: databaseUrl, DATABASE_POOL_MAX: '4' }, 3951);
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'satupeta-bench-elements-'));
  try {
    const auth = { Authorization: `Bearer ${admin}` };
    for (let i = 0; i < ELEMENTS; i++) {
      for (const kind of ['bench-impor', 'bench-dasar']) {
        const res = await fetch(`${server.url}/api/elements`, {
          method: 'POST',
          headers: { ...auth, 'Content-Type': 'application/json' },
          body: JSON.stringify({
            slug: `${kind}-${i}`,
            name: `Bench ${kind} ${i} (data sampel)`,
            unit: 'unit',
            measureType: 'count',
            frequency: 'bulanan',
            agency: 'diskominfo',
            theme: 'kependudukan-sosial',
          }),
        });
        if (res.status !== 201) throw new Error(`element create: ${res.status} ${await res.text()}`);
      }
    }
    const big = await writeCsv(path.join(dir, 'big.csv'), 'bench-impor', ELEMENTS, MONTHS, districts);
    const small = await writeCsv(path.join(dir, 'small.csv'), 'bench-impor', 1, MONTHS, districts);
    console.log(`values file: ${fmt(big.rows, 0)} rows, ${fmt(big.bytes / 1024 / 1024, 1)} MB`);

    // Memory: each size on a freshly started server whose JavaScript heap is capped at
    // HEAP_MB, so one load's heap does not hide another's, and a load that held its rows in
    // memory would run out of heap instead of passing.
    const growth: Record<string, string> = {};
    for (const f of [small, big]) {
      const fresh = await startServer(
        { DATABASE_URL: databaseUrl, DATABASE_POOL_MAX: '4', NODE_OPTIONS: `--max-old-space-size=${HEAP_MB}` },
        3952,
      );
      try {
        growth[f.file] = `${fmt((await upload(fresh, auth, f.file)).growthMb, 0)} MB, accepted`;
      } catch (err) {
        growth[f.file] = `failed: ${String(err).slice(0, 80)}`;
      } finally {
        await fresh.stop();
      }
      await db.knex.raw(
        `delete from element_values where element_id in (select id from elements where slug like 'bench-%')`,
      );
    }

    const ours: number[] = [];
    const copyOnly: number[] = [];
    const copyInsert: number[] = [];
    let phases: Record<string, number> = {};
    for (let round = 0; round < ROUNDS; round++) {
      const order = [0, 1, 2].map((i) => (i + round) % 3);
      for (const which of order) {
        await db.knex.raw(
          `delete from element_values where element_id in (select id from elements where slug like 'bench-%')`,
        );
        await db.knex.raw('vacuum analyze element_values');
        if (which === 0) {
          const { seconds, phases: p } = await upload(server, auth, big.file);
          ours.push(seconds);
          phases = p;
        } else if (which === 1) {
          copyOnly.push(await copyBaseline(databaseUrl, big.file, false));
        } else {
          copyInsert.push(await copyBaseline(databaseUrl, big.file, true));
        }
      }
    }
    await db.knex.raw(
      `delete from element_values where element_id in (select id from elements where slug like 'bench-%')`,
    );
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
    const rate = (s: number) => big.rows / s;

    // 2. Recompute a layer-derived count.
    const layer = (
      await db.knex.raw<{ rows: { id: number; storage_id: number; slug: string; feature_count: number }[] }>(
        `select id, storage_id, slug, feature_count from layers where classification = 'publik' order by feature_count desc, slug limit 1`,
      )
    ).rows[0];
    if (!layer) throw new Error('no layer');
    const created = await fetch(`${server.url}/api/elements`, {
      method: 'POST',
      headers: { ...auth, 'Content-Type': 'application/json' },
      body: JSON.stringify({
        slug: 'bench-hitung',
        name: 'Bench: jumlah objek per wilayah (data sampel)',
        agency: 'diskominfo',
        theme: 'kependudukan-sosial',
        measure: 'count',
        sources: [{ layer: layer.slug, period: '2025' }],
      }),
    });
    if (created.status !== 201) throw new Error(`derived create: ${created.status} ${await created.text()}`);
    const services = buildServices({
      db,
      config: loadConfig({ DATABASE_URL: databaseUrl, LOG_LEVEL: 'silent' }),
      log: pino({ level: 'silent' }),
    });
    const recompute: number[] = [];
    const direct: number[] = [];
    for (let round = 0; round < ROUNDS + 2; round++) {
      for (const which of round % 2 ? [1, 0] : [0, 1]) {
        const t0 = performance.now();
        if (which === 0) {
          await db.knex.transaction((trx) => services.elements.refreshDerivedFor(trx, [layer.id]));
        } else {
          await db.knex.raw(
            `select d.code, count(f.fid) from districts d join features f on f.layer_id = ? and ST_Intersects(f.geom, d.geom) group by d.code`,
            [layer.storage_id],
          );
        }
        (which === 0 ? recompute : direct).push((performance.now() - t0) / 1000);
      }
    }

    const lines = [
      `| measure | value |`,
      `|---|---|`,
      `| values upload, ${fmt(big.rows, 0)} rows CSV, /api/elements/values (median of ${ROUNDS}) | ${fmt(median(ours), 1)} s = ${fmt(rate(median(ours)), 0)} rows/s |`,
      `| plain COPY of the same file into a bare table, run directly | ${fmt(median(copyOnly), 1)} s = ${fmt(rate(median(copyOnly)), 0)} rows/s |`,
      `| COPY + the server's INSERT into element_values, run directly | ${fmt(median(copyInsert), 1)} s = ${fmt(rate(median(copyInsert)), 0)} rows/s |`,
      `| **ratio upload / (COPY + INSERT)** | **${fmt(median(copyInsert) / median(ours))}** |`,
      `| ratio upload / plain COPY | ${fmt(median(copyOnly) / median(ours))} |`,
      `| where the upload's time went (last round, s) | ${Object.entries(phases)
        .map(([k, v]) => `${k} ${fmt(v, 1)}`)
        .join(', ')} |`,
      `| server RSS growth during a ${fmt(small.rows, 0)}-row upload (fresh server, JS heap capped at ${HEAP_MB} MB) | ${growth[small.file]} |`,
      `| server RSS growth during a ${fmt(big.rows, 0)}-row upload (fresh server, JS heap capped at ${HEAP_MB} MB) | ${growth[big.file]} |`,
      `| recompute a count from ${layer.slug} (${fmt(layer.feature_count, 0)} features) at 118 districts, median of ${ROUNDS + 2} | ${fmt(median(recompute) * 1000, 0)} ms |`,
      `| plain ST_Intersects + GROUP BY over the same layer and districts, run directly | ${fmt(median(direct) * 1000, 0)} ms |`,
      `| **ratio recompute / direct** (target ≥ 0.8) | **${fmt(median(direct) / median(recompute))}** |`,
    ];
    console.log(lines.join('\n'));
  } finally {
    await db.knex.raw(`delete from elements where slug like 'bench-%'`);
    await server.stop();
    await db.close();
    await fs.rm(dir, { recursive: true, force: true });
  }
}

/** elemen,kode_wilayah,periode,nilai: `elements` monthly elements × `months` months from 1950-01 × every district. */
async function writeCsv(
  file: string,
  prefix: string,
  elements: number,
  months: number,
  districts: { code: string }[],
): Promise<{ file: string; rows: number; bytes: number }> {
  const out = createWriteStream(file);
  let rows = 0;
  function* lines() {
    yield 'elemen,kode_wilayah,periode,nilai\n';
    for (let e = 0; e < elements; e++) {
      const chunk: string[] = [];
      for (let m = 0; m < months; m++) {
        const period = `${1950 + Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, '0')}`;
        for (const d of districts) {
          chunk.push(`${prefix}-${e},${d.code},${period},${(m * 7 + rows) % 10_000}\n`);
          rows += 1;
        }
      }
      yield chunk.join('');
    }
  }
  await pipeline(lines(), out);
  return { file, rows, bytes: (await fs.stat(file)).size };
}

/** POSTs a file as a stream; seconds until the answer, and the server's RSS growth meanwhile. */
async function upload(
  server: ServerProcess,
  auth: Record<string, string>,
  file: string,
): Promise<{ seconds: number; growthMb: number; phases: Record<string, number> }> {
  const before = server.rssMb();
  let peak = before;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      peak = Math.max(peak, server.rssMb());
      await sleep(50);
    }
  })();
  const t0 = performance.now();
  const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = http.request(
      `${server.url}/api/elements/values`,
      { method: 'POST', headers: { ...auth, 'Content-Type': 'text/csv' } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    createReadStream(file).pipe(req);
  });
  const seconds = (performance.now() - t0) / 1000;
  sampling = false;
  await sampler;
  if (status !== 200) throw new Error(`values upload: ${status} ${body.slice(0, 500)}`);
  return {
    seconds,
    growthMb: peak - before,
    phases: (JSON.parse(body) as { seconds: Record<string, number> }).seconds,
  };
}

/**
 * The baseline, from this process: COPY the CSV into a bare temporary table and, with `insert`,
 * then the INSERT the server's merge runs (element ids and levels looked up, bound by primary key).
 */
async function copyBaseline(url: string, file: string, insert: boolean): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const t0 = performance.now();
    await client.query('begin');
    await client.query(
      'create temporary table raw_values (elemen text, kode text, periode text, nilai text) on commit drop',
    );
    await pipeline(
      createReadStream(file),
      client.query(copyFrom('copy raw_values from stdin with (format csv, header true)')),
    );
    if (insert) {
      await client.query(
        `insert into element_values (element_id, level, period, district_code, value, missing_reason, status, footnote)
         select e.id, d.level, r.periode, d.code, r.nilai::float8, null, 'tetap', null
           from raw_values r join elements e on e.slug = replace(r.elemen, 'bench-impor', 'bench-dasar') join districts d on d.code = r.kode
         on conflict (element_id, level, period, district_code) do update set value = excluded.value`,
      );
    }
    await client.query('commit');
    return (performance.now() - t0) / 1000;
  } finally {
    await client.end();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
