import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { seedIfEmpty } from '../fixtures/seed.js';
import { openDatabase } from '../server/db/database.js';
import { lonLatTo3857 } from '../server/render/map-frame.js';
import { selectRenderRows } from '../server/render/render-sql.js';
import { styleDocOf } from '../server/render/style-doc.js';
import { propertiesRead } from '../server/render/style-paint.js';
import { mapfileClasses, MAPSERV, writeMapfile } from '../tests/support/mapserver.js';
import { startNginx } from '../tests/support/nginx.js';
import { freePort } from '../tests/support/ports.js';
import { fmt, percentile, runConcurrent, sleep, startServer } from './support.js';
import type { LayerRecord } from '../server/catalog/layer-types.js';
import { wrk, type WrkResult } from './wrk.js';

/**
 * npm run bench:render — issue 13's measures, all in one run on one PostgreSQL database:
 *   1. WMS GetMap 1024×768 PNG, EPSG:3857, 3 layers over the densest area (the largest publik
 *      layer, the layer beside it, the kelurahan): our /wms (1 process, and WORKERS=2) against
 *      MapServer 8 (Debian mapserver-bin, FastCGI ×2 by spawn-fcgi behind nginx) drawing the same
 *      layers from the same `features` rows with the same colours (mapfile classes made from our
 *      stored styles), wrk as load, rounds rotated; and the render SQL of those maps replayed
 *      directly (what the database alone costs).
 *   2. Memory: extra RSS of the server while it draws static maps one after another.
 *   3. Print: an A3 300 dpi PDF of a kecamatan with 5 layers.
 * BENCH_DATABASE_URL names the database (seeded at `full` scale on first use).
 */
const databaseUrl = process.env.BENCH_DATABASE_URL ?? '';
const CONNECTIONS = Number(process.env.RENDER_CONNECTIONS ?? 8);
const SECONDS = Number(process.env.RENDER_SECONDS ?? 15);
const ROUNDS = Number(process.env.RENDER_ROUNDS ?? 3);
const POSITIONS = 24;
const WIDTH = 1024;
const HEIGHT = 768;

/** Map frames at zoom 16 around points of the densest layer's extent, EPSG:3857. */
function frames(bbox: [number, number, number, number]): [number, number, number, number][] {
  const res = (2 * Math.PI * 6378137) / 256 / 2 ** 16;
  const out: [number, number, number, number][] = [];
  for (let i = 0; i < POSITIONS; i++) {
    const lon = bbox[0] + (((i * 7919) % 97) / 97) * (bbox[2] - bbox[0]);
    const lat = bbox[1] + (((i * 104729) % 89) / 89) * (bbox[3] - bbox[1]);
    const [x, y] = lonLatTo3857(lon, lat);
    out.push([x - (WIDTH / 2) * res, y - (HEIGHT / 2) * res, x + (WIDTH / 2) * res, y + (HEIGHT / 2) * res]);
  }
  return out;
}

async function main(): Promise<void> {
  if (!databaseUrl) throw new Error('set BENCH_DATABASE_URL (a PostgreSQL database; MapServer reads it too)');
  const db = await openDatabase({ databaseUrl, poolMax: 8, dataDir: '' });
  await seedIfEmpty(db.knex, 'full', (m) => console.log(`  ${m}`));
  const { rows: dense } = await db.knex.raw<{ rows: { slug: string }[] }>(
    `select slug from layers where classification = 'publik' and geometry_type = 'Polygon'
      order by feature_count desc limit 1`,
  );
  const densest = dense[0]?.slug ?? '';
  const { rows: near } = await db.knex.raw<{ rows: { slug: string }[] }>(
    `select b.slug from layers a join layers b on b.extent && a.extent and b.id <> a.id
      where a.slug = ? and b.classification = 'publik' and b.slug <> 'batas-kelurahan-kota-tangerang'
      order by b.feature_count desc limit 1`,
    [densest],
  );
  const slugs = ['batas-kelurahan-kota-tangerang', near[0]?.slug ?? '', densest];
  const port = await freePort();
  const server = await startServer({ DATABASE_URL: databaseUrl }, port);
  const layers = await Promise.all(
    slugs.map(
      async (s) =>
        (await (await fetch(`${server.url}/api/layers/${s}`)).json()) as {
          id: string;
          bbox: [number, number, number, number];
          featureCount: number;
        },
    ),
  );
  interface Row {
    id: number;
    slug: string;
    style: Record<string, unknown>;
    geometry_type: LayerRecord['geometryType'];
    title: string;
    fields: LayerRecord['fields'];
  }
  const records: Row[] = await db
    .knex<Row>('layers')
    .whereIn('slug', slugs)
    .select('id', 'slug', 'style', 'geometry_type', 'title', 'fields');
  const bySlug = new Map(records.map((r) => [r.slug, r]));
  console.log(`layers: ${layers.map((l) => `${l.id} (${l.featureCount.toLocaleString('en')})`).join(', ')}`);

  // MapServer: the same rows, the same colours, FastCGI ×2 behind nginx.
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'satupeta-mapserver-'));
  const mapLayers = slugs.map((slug) => {
    const r = bySlug.get(slug);
    if (!r) throw new Error(`no layer ${slug}`);
    const doc = styleDocOf({ slug, title: r.title, geometryType: r.geometry_type, style: r.style });
    const numeric = new Set(r.fields.filter((f) => f.type === 'integer' || f.type === 'number').map((f) => f.name));
    return {
      name: slug,
      layerId: r.id,
      type:
        r.geometry_type === 'Polygon'
          ? ('POLYGON' as const)
          : r.geometry_type === 'LineString'
            ? ('LINE' as const)
            : ('POINT' as const),
      columns: propertiesRead(doc.layers).map((p) => ({
        name: p,
        type: numeric.has(p) ? ('float8' as const) : ('text' as const),
      })),
      classes: mapfileClasses(doc.rule, r.geometry_type),
    };
  });
  const files = await writeMapfile(dir, databaseUrl, mapLayers);
  const fcgiPort = await freePort();
  const fcgi: ChildProcess = spawn(
    'spawn-fcgi',
    ['-n', '-a', '127.0.0.1', '-p', String(fcgiPort), '-F', '2', '--', MAPSERV],
    {
      env: { ...process.env, MAPSERVER_CONFIG_FILE: files.config },
      stdio: 'ignore',
    },
  );
  const nginx = await startNginx([`127.0.0.1:${port}`], {
    extra: `location /mapserv { include /etc/nginx/fastcgi_params; fastcgi_pass 127.0.0.1:${fcgiPort}; }`,
  });
  await sleep(500);

  const boxes = frames(layers[2]?.bbox ?? [106.6, -6.2, 106.7, -6.1]);
  const q = (b: number[]) =>
    `SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&LAYERS=${slugs.join(',')}&STYLES=&CRS=EPSG:3857&BBOX=${b.join(',')}&WIDTH=${WIDTH}&HEIGHT=${HEIGHT}&FORMAT=image/png`;
  const ours = boxes.map((b) => `/wms?${q(b)}`);
  const theirs = boxes.map((b) => `/mapserv?map=${encodeURIComponent(files.map)}&${q(b)}`);
  for (const [base, paths] of [
    [server.url, ours],
    [nginx.url, theirs],
  ] as const) {
    const first = paths[0] ?? '';
    const res = await fetch(base + first);
    const type = res.headers.get('content-type');
    const bytes = (await res.arrayBuffer()).byteLength;
    if (res.status !== 200 || type !== 'image/png') throw new Error(`${base}: ${res.status} ${type}`);
    console.log(`check ${base === server.url ? 'satupeta' : 'MapServer'}: PNG of ${bytes} bytes`);
  }

  const workers2Port = await freePort();
  const workers2 = await startServer({ DATABASE_URL: databaseUrl, WORKERS: '2' }, workers2Port);
  const configs: { name: string; base: string; paths: string[] }[] = [
    { name: 'satupeta /wms, 1 process', base: server.url, paths: ours },
    { name: 'satupeta /wms, WORKERS=2', base: workers2.url, paths: ours },
    { name: 'MapServer 8, FastCGI ×2 (nginx)', base: nginx.url, paths: theirs },
  ];
  const load = (c: (typeof configs)[number]) =>
    wrk({ base: c.base, paths: c.paths, connections: CONNECTIONS, seconds: SECONDS });
  const results = new Map<string, WrkResult[]>();
  for (const c of configs) await load(c).catch(() => undefined); // warm caches and pools
  for (let round = 0; round < ROUNDS; round++) {
    for (const c of configs.map((_, i) => configs[(i + round) % configs.length] as (typeof configs)[number])) {
      const r = await load(c);
      results.set(c.name, [...(results.get(c.name) ?? []), r]);
      console.log(
        `round ${round + 1} ${c.name.padEnd(34)} ${fmt(r.rps, 1).padStart(6)} maps/s  p50 ${fmt(r.p50, 0)} ms  p99 ${fmt(r.p99, 0)} ms  failed ${r.failed}`,
      );
    }
  }
  const median = (xs: number[]) =>
    percentile(
      [...xs].sort((a, b) => a - b),
      50,
    );
  const perRound = (a: string, b: string) =>
    median((results.get(a) ?? []).map((r, i) => r.rps / ((results.get(b) ?? [])[i]?.rps ?? 1)));

  // The render SQL of the same maps, replayed by this process with 8 concurrent clients.
  const specs = slugs.map((slug) => {
    const r = bySlug.get(slug) as Row;
    const doc = styleDocOf({ slug, title: r.title, geometryType: r.geometry_type, style: r.style });
    return {
      id: r.id,
      geometryType: r.geometry_type,
      properties: propertiesRead(doc.layers),
      labels: doc.layers.some((l) => l.type === 'symbol'),
    };
  });
  let replayed = 0;
  const sqlSeconds = await runConcurrent(
    Array.from({ length: POSITIONS * 4 }, (_, i) => boxes[i % POSITIONS] as [number, number, number, number]),
    CONNECTIONS,
    async (bbox) => {
      await selectRenderRows(db.knex, specs, { srid: 3857, bbox, width: WIDTH, height: HEIGHT }, 200_000);
      replayed++;
    },
  );

  // Memory: RSS of a fresh 1-process server while it draws static maps one after another (the
  // baseline after one map, so the renderer's code and fonts are loaded).
  await server.stop();
  const fresh = await startServer({ DATABASE_URL: databaseUrl }, port);
  const center = layers[2]?.bbox ?? [106.6, -6.2, 106.7, -6.1];
  const staticUrl = (lon: number, lat: number) =>
    `${fresh.url}/api/maps/static?layers=${slugs.join(',')}&center=${lon},${lat}&zoom=16&width=${WIDTH}&height=${HEIGHT}`;
  await (await fetch(staticUrl(center[0], center[1]))).arrayBuffer();
  // Per render: the highest RSS while it is drawn, less the RSS just before it; and where RSS
  // settles after the 20 (the allocator keeps what it freed for the next render).
  const rssBefore = fresh.rssMb();
  const perRender: number[] = [];
  let sample = 0;
  const sampler = setInterval(() => (sample = Math.max(sample, fresh.rssMb())), 10);
  for (let i = 0; i < 20; i++) {
    const b = center;
    const lon = b[0] + ((b[2] - b[0]) * (i % 5)) / 5;
    const lat = b[1] + ((b[3] - b[1]) * Math.floor(i / 5)) / 4;
    const start = fresh.rssMb();
    sample = start;
    await (await fetch(staticUrl(lon, lat))).arrayBuffer();
    perRender.push(sample - start);
  }
  clearInterval(sampler);
  const rssAfter = fresh.rssMb();

  // A city-wide static map, 2048 × 1536, of the densest layer (about 100,000 building footprints).
  const cityTimes: number[] = [];
  for (let i = 0; i < 3; i++) {
    const started = performance.now();
    const res = await fetch(
      `${fresh.url}/api/maps/static?layers=${densest}&bbox=106.55,-6.26,106.75,-6.09&width=2048&height=1536`,
    );
    await res.arrayBuffer();
    cityTimes.push((performance.now() - started) / 1000);
  }

  // Print: an A3 sheet at 300 dpi of a kecamatan with 5 layers.
  const { rows: five } = await db.knex.raw<{ rows: { slug: string }[] }>(
    `select slug from layers where classification = 'publik' and slug like '%-cipondoh-2025' order by feature_count desc limit 4`,
  );
  const printLayers = ['batas-kelurahan-kota-tangerang', ...five.map((r) => r.slug)];
  const printTimes: number[] = [];
  for (let i = 0; i < 3; i++) {
    const started = performance.now();
    const res = await fetch(`${fresh.url}/api/print`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        layers: printLayers,
        district: '36.71.05',
        paper: 'A3',
        dpi: 300,
        title: 'Bench',
        grid: true,
      }),
    });
    const bytes = (await res.arrayBuffer()).byteLength;
    if (res.status !== 200) throw new Error(`print: ${res.status}`);
    printTimes.push((performance.now() - started) / 1000);
    if (i === 0) console.log(`print: ${fmt(bytes / 1e6, 1)} MB PDF`);
  }

  const mean = (name: string) => median((results.get(name) ?? []).map((r) => r.rps));
  console.log('\n| measure | value |\n|---|---|');
  for (const c of configs)
    console.log(
      `| ${c.name}: GetMap ${WIDTH}×${HEIGHT} PNG, 3 layers, ${CONNECTIONS} connections | ${fmt(mean(c.name), 1)} maps/s |`,
    );
  console.log(
    `| render SQL of the same maps replayed directly, ${CONNECTIONS} concurrent | ${fmt(replayed / sqlSeconds, 1)} maps/s |`,
  );
  console.log(
    `| **satupeta 1 process / MapServer ×2** (median of per-round ratios; target ≥ 1.0) | **${fmt(perRound(configs[0]?.name ?? '', configs[2]?.name ?? ''), 2)}** |`,
  );
  console.log(
    `| **satupeta WORKERS=2 / MapServer ×2** (same process count) | **${fmt(perRound(configs[1]?.name ?? '', configs[2]?.name ?? ''), 2)}** |`,
  );
  console.log(
    `| satupeta 1 process / render SQL replayed | ${fmt(mean(configs[0]?.name ?? '') / (replayed / sqlSeconds), 2)} |`,
  );
  const sortedPer = [...perRender].sort((a, b) => a - b);
  console.log(
    `| static map 1024×768 of the densest area: extra RSS while one is drawn, median / max of 20 (target ≤ 50 MB) | ${fmt(percentile(sortedPer, 50), 1)} / ${fmt(sortedPer.at(-1) ?? 0, 1)} MB |`,
  );
  console.log(
    `| RSS of that process: after one map / after 20 in a row | ${fmt(rssBefore, 0)} / ${fmt(rssAfter, 0)} MB |`,
  );
  console.log(
    `| city-wide static map 2048×1536 of ${densest} (${(layers[2]?.featureCount ?? 0).toLocaleString('en')} features), median of 3 | ${fmt(median(cityTimes), 2)} s |`,
  );
  console.log(
    `| print: A3 300 dpi PDF, Kecamatan Cipondoh, 5 layers, median of 3 (target < 5 s) | ${fmt(median(printTimes), 2)} s |`,
  );

  fcgi.kill('SIGTERM');
  await nginx.stop();
  await workers2.stop();
  await fresh.stop();
  await db.close();
  await fs.rm(dir, { recursive: true, force: true });
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
