import fs from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { isSeeded, seedDatabase, seedIfEmpty } from '../fixtures/seed.js';
import { openDatabase } from '../server/db/database.js';
import { fmt, percentile, runConcurrent, startServer } from './support.js';

/**
 * npm run bench:interop: WFS GetFeature (GML 3.2 and GeoJSON) against OGC API items for the same
 * pages of the largest publik layer, in rounds with the order rotated, and CSW GetRecords paged
 * by 100 through the whole catalogue (Dublin Core and ISO 19139). BENCH_DATABASE_URL set: real
 * PostgreSQL at `full` scale (seeded on first use); unset: the embedded default at `demo` scale.
 */
const databaseUrl = process.env.BENCH_DATABASE_URL ?? '';
const PAGE = 10_000;
const WORKERS = 4;
const ROUNDS = 5;
const IDENTITY = { headers: { 'Accept-Encoding': 'identity' } };

async function main(): Promise<void> {
  const dataDir = databaseUrl ? '' : await fs.mkdtemp(path.join(os.tmpdir(), 'satupeta-bench-'));
  const db = await openDatabase({ databaseUrl, dataDir, poolMax: 2 });
  const scale = databaseUrl ? 'full' : 'demo';
  if (!(await isSeeded(db.knex))) console.log(await seedDatabase(db.knex, scale, (m) => console.log(`  ${m}`)));
  await seedIfEmpty(db.knex, scale, (m) => console.log(`  ${m}`));
  const { rows } = await db.knex.raw<{ rows: { slug: string; feature_count: number; catalog: number }[] }>(
    `select slug, feature_count,
            (select count(*)::int from layers where classification = 'publik')
              + (select count(*)::int from elements where classification = 'publik') as catalog
       from layers where classification = 'publik' order by feature_count desc, slug limit 1`,
  );
  await db.close();
  const big = rows[0];
  if (!big) throw new Error('the catalog is empty');
  const server = await startServer(
    databaseUrl ? { DATABASE_URL: databaseUrl, DATABASE_POOL_MAX: String(WORKERS) } : { DATA_DIR: dataDir },
    3951,
  );
  const offsets = Array.from({ length: Math.ceil(big.feature_count / PAGE) }, (_, i) => i * PAGE);
  const type = `satupeta:${big.slug}`;
  const variants: Record<string, (offset: number) => string> = {
    ogc: (o) => `/ogc/collections/${big.slug}/items?limit=${PAGE}&offset=${o}`,
    wfsGml: (o) => `/wfs?SERVICE=WFS&VERSION=2.0.0&REQUEST=GetFeature&TYPENAMES=${type}&COUNT=${PAGE}&STARTINDEX=${o}`,
    wfsJson: (o) =>
      `/wfs?SERVICE=WFS&VERSION=2.0.0&REQUEST=GetFeature&TYPENAMES=${type}&COUNT=${PAGE}&STARTINDEX=${o}&OUTPUTFORMAT=application/json`,
  };
  const names = Object.keys(variants);
  // Warm every path once (the count of numberMatched is remembered per data version by all).
  for (const n of names) await fetch(`${server.url}${variants[n]?.(0) ?? ''}`, IDENTITY).then((r) => r.text());
  const rates: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  for (let round = 0; round < ROUNDS; round++) {
    const order = [...names.slice(round % names.length), ...names.slice(0, round % names.length)];
    for (const n of order) {
      let features = 0;
      const seconds = await runConcurrent(offsets, WORKERS, async (o) => {
        const body = await (await fetch(`${server.url}${variants[n]?.(o) ?? ''}`, IDENTITY)).text();
        const m = /numberReturned"?[=:]"?(\d+)/.exec(body);
        features += Number(m?.[1] ?? 0);
      });
      rates[n]?.push(features / seconds);
    }
  }
  const ratio = (a: string, b: string) => {
    const r = (rates[a] ?? []).map((x, i) => x / (rates[b]?.[i] ?? NaN)).sort((x, y) => x - y);
    return percentile(r, 50);
  };
  const median = (n: string) =>
    percentile(
      [...(rates[n] ?? [])].sort((x, y) => x - y),
      50,
    );

  // A deep offset page against the first: each timed alone, 5 times, rotated.
  const deepest = offsets.at(-1) ?? 0;
  const pageTimes: Record<'first' | 'deep', number[]> = { first: [], deep: [] };
  for (let round = 0; round < 10; round++) {
    const which = round % 2 ? 'deep' : 'first';
    const t0 = performance.now();
    await (await fetch(`${server.url}${variants.ogc?.(which === 'deep' ? deepest : 0) ?? ''}`, IDENTITY)).text();
    pageTimes[which].push(performance.now() - t0);
  }
  const med = (xs: number[]) =>
    percentile(
      [...xs].sort((a, b) => a - b),
      50,
    );

  // CSW: the whole catalogue paged by 100 on one keep-alive connection, as a harvester does.
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const cswPages = async (schema: string): Promise<number[]> => {
    const times: number[] = [];
    for (let round = 0; round < 3; round++) {
      for (let start = 1; start > 0;) {
        const t0 = performance.now();
        const body = await text(
          `${server.url}/csw?service=CSW&version=2.0.2&request=GetRecords&resultType=results&elementSetName=full&maxRecords=100&startPosition=${start}&outputSchema=${encodeURIComponent(schema)}`,
          agent,
        );
        if (round > 0) times.push(performance.now() - t0);
        start = Number(/nextRecord="(\d+)"/.exec(body)?.[1] ?? 0);
      }
    }
    return times.sort((a, b) => a - b);
  };
  const dc = await cswPages('http://www.opengis.net/cat/csw/2.0.2');
  const iso = await cswPages('http://www.isotc211.org/2005/gmd');
  agent.destroy();
  await server.stop();
  if (!databaseUrl) await fs.rm(dataDir, { recursive: true, force: true });

  console.log(
    `\n## ${databaseUrl ? 'postgresql' : 'embedded'} (${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} cores, node ${process.version})\n`,
  );
  console.log(
    `Largest publik layer ${big.slug}: ${fmt(big.feature_count, 0)} features, pages of ${fmt(PAGE, 0)}, ${WORKERS} concurrent, ${ROUNDS} rounds with the order rotated.\n`,
  );
  console.log('| measure | value |\n|---|---|');
  console.log(`| OGC API items (offset pages), median | ${fmt(median('ogc'), 0)} features/s |`);
  console.log(`| WFS GetFeature, GML 3.2 (STARTINDEX pages), median | ${fmt(median('wfsGml'), 0)} features/s |`);
  console.log(`| WFS GetFeature, GeoJSON, median | ${fmt(median('wfsJson'), 0)} features/s |`);
  console.log(
    `| **ratio WFS GML / OGC items** (median of per-round ratios; target ≥ 0.8) | **${fmt(ratio('wfsGml', 'ogc'))}** |`,
  );
  console.log(`| ratio WFS GeoJSON / OGC items | ${fmt(ratio('wfsJson', 'ogc'))} |`);
  console.log(
    `| OGC items page at offset ${fmt(deepest, 0)} / first page, median time | ${fmt(med(pageTimes.deep), 0)} / ${fmt(med(pageTimes.first), 0)} ms = **${fmt(med(pageTimes.deep) / med(pageTimes.first))}** |`,
  );
  console.log(
    `| CSW GetRecords, ${fmt(big.catalog, 0)} records (layers and data elements) by 100, Dublin Core full: median / p95 (target p95 < 100 ms) | ${fmt(percentile(dc, 50))} / **${fmt(percentile(dc, 95))}** ms |`,
  );
  console.log(
    `| CSW GetRecords by 100, ISO 19139: median / p95 | ${fmt(percentile(iso, 50))} / **${fmt(percentile(iso, 95))}** ms |`,
  );
}

function text(url: string, agent: http.Agent): Promise<string> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent, headers: { 'Accept-Encoding': 'identity' } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      })
      .on('error', reject);
  });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
