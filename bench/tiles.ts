import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ANONYMOUS } from '../server/auth/access.js';
import { CatalogService } from '../server/catalog/catalog-service.js';
import type { LayerRecord } from '../server/catalog/layer-types.js';
import { openDatabase } from '../server/db/database.js';
import { DistrictsService } from '../server/districts/districts-service.js';
import { TileCache } from '../server/tiles/tile-cache.js';
import { mvtQuery, runMvtQuery, tileParams, type TileLayerSpec } from '../server/tiles/tile-sql.js';
import { TilesService } from '../server/tiles/tiles-service.js';
import { MAPSERV, writeMapfile } from '../tests/support/mapserver.js';
import { decodeTile, tileOf } from '../tests/support/mvt.js';
import { startNginx } from '../tests/support/nginx.js';
import { freePort } from '../tests/support/ports.js';
import { fmt, sleep, startServer } from './support.js';
import { median, runFor, wrk, type WrkResult } from './wrk.js';

/**
 * npm run bench:tiles — vector tiles measured side by side in one run (issue 18's harness).
 * BENCH_DATABASE_URL: a PostgreSQL seeded at `full` scale (`npm run bench` seeds it).
 *
 * Tile sets (every tile counted the same way on every side; only tiles at or above the layer's
 * minZoom, which every side draws):
 *   bench — 3×3 tiles at z12–z16 around the centre of five layers (the two largest, a point
 *           layer, a line layer, the kelurahan);
 *   dense — every z13–z16 tile over the busiest square kilometres of the three largest layers.
 * Uncached sides, each at 1 and 8 connections, rounds rotated, median of per-round ratios:
 *   satupeta — /tiles with the cache off (TILE_CACHE_MB=0), load from wrk;
 *   replayed — the exact statement the server runs for each tile (mvtQuery + runMvtQuery),
 *              from this process with as many connections;
 *   naive    — a pg_tileserv-style ST_AsMVT query (no ordering, no simplification, no budget);
 *   MapServer 8 — Debian's mapserv, FastCGI ×2 (spawn-fcgi) behind nginx, mode=tile MVT from the
 *              same `features` rows and tile fields, MAXFEATURES = our per-layer cap.
 * Cached: our server (default cache, warm) against a bare node:http serving the same bytes from
 * memory, wrk at 8 and 64 connections. Composite: 20-layer composites, largest tile.
 */
const databaseUrl = process.env.BENCH_DATABASE_URL ?? '';
const SECONDS = Number(process.env.TILES_SECONDS ?? 8);
const ROUNDS = Number(process.env.TILES_ROUNDS ?? 3);
const CAP = 10_000;
const CONNECTIONS = (process.env.TILES_CONNECTIONS ?? '1,8').split(',').map(Number);
/** Parts of a run, to look at one thing again: TILES_SETS=bench,dense, TILES_SIDES=satupeta,replayed,… (name prefixes). */
const SETS = (process.env.TILES_SETS ?? 'bench,dense').split(',');
const SIDES = (process.env.TILES_SIDES ?? 'satupeta,mapserver,replayed,naive').split(',');

interface Coord {
  z: number;
  x: number;
  y: number;
}
interface Job {
  layer: LayerRecord;
  c: Coord;
}

/** A 3×3 block of tiles around a point at each zoom 12–16. */
function block(lon: number, lat: number): Coord[] {
  return [12, 13, 14, 15, 16].flatMap((z) => {
    const c = tileOf(lon, lat, z);
    return [-1, 0, 1].flatMap((dx) => [-1, 0, 1].map((dy) => ({ z, x: c.x + dx, y: c.y + dy })));
  });
}
/** Every tile at z13–z16 covering a lon/lat box. */
function cover(box: [number, number, number, number]): Coord[] {
  return [13, 14, 15, 16].flatMap((z) => {
    const a = tileOf(box[0], box[3], z);
    const b = tileOf(box[2], box[1], z);
    const out: Coord[] = [];
    for (let x = a.x; x <= b.x; x++) for (let y = a.y; y <= b.y; y++) out.push({ z, x, y });
    return out;
  });
}
const center = (l: LayerRecord): [number, number] =>
  l.bbox ? [(l.bbox[0] + l.bbox[2]) / 2, (l.bbox[1] + l.bbox[3]) / 2] : [106.64, -6.18];
// Features are read from the layer's current storage (issue 15), as the server's tile path does.
const spec = (l: LayerRecord): TileLayerSpec => ({
  id: l.storageId,
  name: l.slug,
  geometryType: l.geometryType,
  minZoom: l.minZoom,
  fields: l.tileFields,
});

/** What cleans up after main(), last in first out, whether it finished or failed. */
const cleanups: Array<() => Promise<unknown>> = [];

async function main(): Promise<void> {
  if (!databaseUrl) throw new Error('set BENCH_DATABASE_URL to a PostgreSQL + PostGIS database seeded at full scale');
  const db = await openDatabase({ databaseUrl, poolMax: 8, dataDir: '' });
  cleanups.push(() => db.close());
  const catalog = new CatalogService(db.knex, new DistrictsService(db.knex));
  const pick = async (sql: string) =>
    catalog.getLayers(
      ANONYMOUS,
      (await db.knex.raw<{ rows: { slug: string }[] }>(sql)).rows.map((r) => r.slug),
    );
  const benchLayers = await pick(
    `(select slug from layers where classification = 'publik' order by feature_count desc limit 2)
     union all (select slug from layers where classification = 'publik' and geometry_type = 'Point' and feature_count between 300 and 5000 order by slug limit 1)
     union all (select slug from layers where classification = 'publik' and geometry_type = 'LineString' and feature_count between 300 and 5000 order by slug limit 1)
     union all (select 'batas-kelurahan-kota-tangerang')`,
  );
  const denseLayers = await pick(
    `select slug from layers where classification = 'publik' order by feature_count desc, slug limit 3`,
  );
  const benchJobs: Job[] = benchLayers.flatMap((layer) =>
    block(...center(layer))
      .filter((c) => c.z >= layer.minZoom)
      .map((c) => ({ layer, c })),
  );
  const denseJobs: Job[] = [];
  for (const layer of denseLayers) {
    // The busiest z14 tile of the layer, and every z13–z16 tile over it.
    const { rows } = await db.knex.raw<{ rows: { x: number; y: number }[] }>(
      `with w as (select 20037508.342789244 as o, 40075016.68557849 / 16384 as s)
       select floor((ST_X(ST_Centroid(geom_3857)) + w.o) / w.s)::int as x, floor((w.o - ST_Y(ST_Centroid(geom_3857))) / w.s)::int as y
         from features, w where layer_id = ? group by 1, 2 order by count(*) desc limit 1`,
      [layer.storageId],
    );
    const t = rows[0] as { x: number; y: number };
    const n = 2 ** 14;
    const lon = (x: number) => (x / n) * 360 - 180;
    const lat = (y: number) => (Math.atan(Math.sinh(Math.PI * (1 - (2 * y) / n))) * 180) / Math.PI;
    const box: [number, number, number, number] = [
      lon(t.x) + 1e-9,
      lat(t.y + 1) + 1e-9,
      lon(t.x + 1) - 1e-9,
      lat(t.y) - 1e-9,
    ];
    for (const c of cover(box)) if (c.z >= layer.minZoom) denseJobs.push({ layer, c });
  }
  const sets = Object.fromEntries(
    Object.entries({ bench: benchJobs, dense: denseJobs }).filter(([name]) => SETS.includes(name)),
  );
  console.log(
    `backend postgresql ${db.capabilities.postgresVersion}, PostGIS ${db.capabilities.postgisVersion}; ${os.cpus().length} cores; ${SECONDS} s per side per round, ${ROUNDS} rounds`,
  );
  console.log(
    `bench set: ${benchJobs.length} tiles over ${benchLayers.map((l) => `${l.slug} (${l.featureCount})`).join(', ')}`,
  );
  console.log(
    `dense set: ${denseJobs.length} tiles z13–z16 over ${denseLayers.map((l) => `${l.slug} (${l.featureCount})`).join(', ')}`,
  );

  // The peers: our server without a cache, MapServer behind nginx.
  const ours = await startServer(
    { DATABASE_URL: databaseUrl, DATABASE_POOL_MAX: '8', TILE_CACHE_MB: '0', AUTO_SEED: 'false' },
    await freePort(),
  );
  cleanups.push(() => ours.stop());
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'satupeta-bench-tiles-'));
  cleanups.push(() => fs.rm(dir, { recursive: true, force: true }));
  const allLayers = [...new Map([...benchLayers, ...denseLayers].map((l) => [l.slug, l])).values()];
  const files = await writeMapfile(
    dir,
    databaseUrl,
    allLayers.map((l) => {
      const numeric = new Set(l.fields.filter((f) => f.type === 'integer' || f.type === 'number').map((f) => f.name));
      return {
        name: l.slug,
        layerId: l.storageId,
        type: l.geometryType === 'Polygon' ? 'POLYGON' : l.geometryType === 'LineString' ? 'LINE' : 'POINT',
        columns: (l.tileFields ?? l.fields.map((f) => f.name)).map((name) => ({
          name,
          type: numeric.has(name) ? ('float8' as const) : ('text' as const),
        })),
        maxFeatures: CAP,
      };
    }),
  );
  const fcgiPort = await freePort();
  const fcgi: ChildProcess = spawn(
    'spawn-fcgi',
    ['-n', '-a', '127.0.0.1', '-p', String(fcgiPort), '-F', '2', '--', MAPSERV],
    { env: { ...process.env, MAPSERVER_CONFIG_FILE: files.config }, stdio: 'ignore' },
  );
  cleanups.push(() => Promise.resolve(fcgi.kill('SIGTERM')));
  const nginx = await startNginx([new URL(ours.url).host], {
    extra: `location /mapserv { include /etc/nginx/fastcgi_params; fastcgi_pass 127.0.0.1:${fcgiPort}; }`,
  });
  cleanups.push(() => nginx.stop());
  await sleep(500);

  // Versioned URLs as a viewer has them from TileJSON (the fast path serves only those from memory).
  const tokens = new Map<string, string>();
  for (const l of allLayers) {
    const tj = (await (await fetch(`${ours.url}/tiles/${l.slug}.json`)).json()) as { tiles: string[] };
    tokens.set(l.slug, new URL(tj.tiles[0] ?? '', ours.url).searchParams.get('v') ?? '');
  }
  const ourPath = (j: Job) => `/tiles/${j.layer.slug}/${j.c.z}/${j.c.x}/${j.c.y}.mvt?v=${tokens.get(j.layer.slug)}`;
  const msPath = (j: Job) =>
    `/mapserv?map=${encodeURIComponent(files.map)}&mode=tile&tilemode=gmap&tile=${j.c.x}+${j.c.y}+${j.c.z}&layers=${j.layer.slug}&map.imagetype=mvt`;

  // Feature counts per tile per side, so the comparison is capped against capped.
  for (const [name, jobs] of Object.entries(sets)) {
    let oursN = 0;
    let msN = 0;
    let oursBytes = 0;
    let msBytes = 0;
    let maxOurs = 0;
    let differ = 0;
    for (const j of jobs) {
      const a = new Uint8Array(await (await fetch(ours.url + ourPath(j))).arrayBuffer());
      const bRes = await fetch(nginx.url + msPath(j));
      const b = new Uint8Array(await bRes.arrayBuffer());
      if (bRes.status !== 200 && bRes.status !== 204) throw new Error(`MapServer ${bRes.status}: ${msPath(j)}`);
      const na = a.byteLength ? (decodeTile(a).get(j.layer.slug)?.length ?? 0) : 0;
      const nb = b.byteLength ? [...decodeTile(b).values()].reduce((s, f) => s + f.length, 0) : 0;
      oursN += na;
      msN += nb;
      oursBytes += a.byteLength;
      msBytes += b.byteLength;
      maxOurs = Math.max(maxOurs, a.byteLength);
      if (na !== nb) differ++;
    }
    console.log(
      `${name} set: features in all tiles satupeta ${oursN.toLocaleString('en')} / MapServer ${msN.toLocaleString('en')} (tiles whose counts differ: ${differ} of ${jobs.length}: ours keeps features in the 64-unit buffer and drops sub-pixel ones, MapServer keeps what intersects the tile); bytes ${fmt(oursBytes / 1e6)} MB / ${fmt(msBytes / 1e6)} MB; largest of ours ${fmt(maxOurs / 1024, 0)} KB`,
    );
  }

  // The server's own statement and the naive one, run from this process.
  const replay = async (j: Job) => {
    const q = mvtQuery([spec(j.layer)], { ...j.c, cap: CAP });
    if (q) await runMvtQuery(db.knex, q, [j.layer.id]);
  };
  const naive = async (j: Job) => {
    // Columns named after the tile fields (bench code: names checked, values bound), as
    // pg_tileserv selects a table's columns.
    const fields = (j.layer.tileFields ?? j.layer.fields.map((f) => f.name)).filter((n) => /^[a-z][a-z0-9_]*$/.test(n));
    const { unit } = tileParams(j.c.z);
    await db.knex.raw(
      `select ST_AsMVT(q, ?, 4096, 'geom', 'fid') as tile from (
         select f.fid, ST_AsMVTGeom(f.geom_3857, ST_TileEnvelope(?, ?, ?), 4096, 64, true) as geom
                ${fields.map((n) => `, f.properties ->> '${n}' as ${n}`).join('')}
           from features f
          where f.layer_id = ? and f.geom_3857 && ST_Expand(ST_TileEnvelope(?, ?, ?), ?)
          limit ?) q`,
      [j.layer.slug, j.c.z, j.c.x, j.c.y, j.layer.storageId, j.c.z, j.c.x, j.c.y, unit * 64, CAP],
    );
  };

  interface Side {
    name: string;
    run: (jobs: Job[], connections: number) => Promise<WrkResult | number>;
  }
  const allSides: Side[] = [
    {
      name: 'satupeta',
      run: (jobs, c) => wrk({ base: ours.url, paths: jobs.map(ourPath), connections: c, seconds: SECONDS }),
    },
    {
      name: 'MapServer 8',
      run: (jobs, c) => wrk({ base: nginx.url, paths: jobs.map(msPath), connections: c, seconds: SECONDS }),
    },
    { name: 'replayed SQL', run: (jobs, c) => runFor(jobs, c, SECONDS, replay) },
    { name: 'naive ST_AsMVT', run: (jobs, c) => runFor(jobs, c, SECONDS, naive) },
  ];
  const sides = allSides.filter((side) => SIDES.some((p) => side.name.toLowerCase().startsWith(p.toLowerCase())));
  const rps = (r: WrkResult | number) => (typeof r === 'number' ? r : r.rps);
  const results = new Map<string, number[]>();
  const failures: string[] = [];
  for (const [setName, jobs] of Object.entries(sets)) {
    for (const c of CONNECTIONS) {
      for (const side of sides) await side.run(jobs, c); // warm caches, pools, JIT
      for (let round = 0; round < ROUNDS; round++) {
        for (const side of sides.map((_, i) => sides[(i + round) % sides.length] as Side)) {
          const r = await side.run(jobs, c);
          if (typeof r !== 'number' && r.failed > 0) failures.push(`${setName} ${c} ${side.name}: ${r.failed} failed`);
          const key = `${setName}|${c}|${side.name}`;
          results.set(key, [...(results.get(key) ?? []), rps(r)]);
          console.log(`  ${setName} c=${c} round ${round + 1} ${side.name.padEnd(15)} ${fmt(rps(r), 1)} tiles/s`);
        }
      }
    }
  }
  await ours.stop();
  cleanups.pop();

  // Cached: the default cache, warm, against bare node:http serving the same bytes.
  const cached = await startServer(
    { DATABASE_URL: databaseUrl, DATABASE_POOL_MAX: '8', AUTO_SEED: 'false' },
    await freePort(),
  );
  cleanups.push(() => cached.stop());
  const paths = benchJobs.map(ourPath);
  const bodies = new Map<string, Buffer>();
  for (const p of paths) {
    const res = await fetch(cached.url + p, { headers: { 'Accept-Encoding': 'identity' } });
    bodies.set(p, Buffer.from(await res.arrayBuffer()));
  }
  const bare = http.createServer((req, res) => {
    const body = bodies.get(req.url ?? '');
    if (!body || body.length === 0) {
      res.writeHead(204).end();
      return;
    }
    res.writeHead(200, { 'Content-Type': 'application/vnd.mapbox-vector-tile' }).end(body);
  });
  await new Promise<void>((r) => bare.listen(0, '127.0.0.1', r));
  cleanups.push(() => new Promise((r) => bare.close(r)));
  const bareUrl = `http://127.0.0.1:${(bare.address() as AddressInfo).port}`;
  const cachedSides = [
    { name: 'cached', base: cached.url },
    { name: 'bare', base: bareUrl },
  ];
  const cachedResults = new Map<string, WrkResult[]>();
  for (const c of [8, 64]) {
    for (const s of cachedSides) await wrk({ base: s.base, paths, connections: c, seconds: 3 });
    for (let round = 0; round < ROUNDS; round++) {
      for (const s of round % 2 ? [...cachedSides].reverse() : cachedSides) {
        const r = await wrk({ base: s.base, paths, connections: c, seconds: SECONDS });
        cachedResults.set(`${c}|${s.name}`, [...(cachedResults.get(`${c}|${s.name}`) ?? []), r]);
      }
    }
  }
  const rssCached = cached.rssMb();

  // Composites of 20 layers (the most a tile may combine) at z14/z15 over the densest kecamatan.
  const { rows: twenty } = await db.knex.raw<{ rows: { slug: string }[] }>(
    `select l.slug from layers l join layer_districts ld on ld.layer_id = l.id
      where ld.district_code = '36.71.03' and l.classification = 'publik' and l.min_zoom <= 14
      order by ld.feature_count desc, l.slug limit 20`,
  );
  const twentyLayers = await catalog.getLayers(
    ANONYMOUS,
    twenty.map((r) => r.slug),
  );
  const spots = block(...center(twentyLayers[0] as LayerRecord)).filter((c) => c.z === 14 || c.z === 15);
  let compositeMax = 0;
  let trimmed = 0;
  for (const c of spots) {
    const res = await fetch(
      `${cached.url}/tiles/${twentyLayers.map((l) => l.slug).join(',')}/${c.z}/${c.x}/${c.y}.mvt`,
      {
        headers: { 'Accept-Encoding': 'identity' },
      },
    );
    compositeMax = Math.max(compositeMax, (await res.arrayBuffer()).byteLength);
    if (res.headers.get('x-tile-trimmed')) trimmed++;
  }

  // The JS encoder (the embedded database's path) against ST_AsMVT, same tiles, same database.
  const service = new TilesService(db.knex, catalog, new TileCache(0), {
    useMvt: true,
    maxLayers: 20,
    maxFeatures: CAP,
    registryTtlMs: 0,
  });
  const encoderTime = async (useMvt: boolean) => {
    const started = performance.now();
    for (const j of benchJobs) await service.render([j.layer], j.c, useMvt);
    return (performance.now() - started) / 1000;
  };
  const mvtSeconds = await encoderTime(true);
  const jsSeconds = await encoderTime(false);

  const ratio = (set: string, c: number, a: string, b: string) => {
    const xs = results.get(`${set}|${c}|${a}`) ?? [];
    const ys = results.get(`${set}|${c}|${b}`) ?? [];
    const per = xs.map((x, i) => x / (ys[i] ?? NaN));
    return `**${fmt(median(per))}** (${fmt(Math.min(...per))}–${fmt(Math.max(...per))})`;
  };
  const med = (set: string, c: number, side: string) => fmt(median(results.get(`${set}|${c}|${side}`) ?? []), 1);
  console.log(
    `\n## tiles (${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} cores, node ${process.version})\n`,
  );
  console.log(
    '| set | conn. | satupeta | MapServer 8 | replayed SQL | naive | satupeta / MapServer (target ≥ 1.0) | satupeta / replayed | satupeta / naive (target ≥ 1.2) |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const set of Object.keys(sets))
    for (const c of CONNECTIONS)
      console.log(
        `| ${set} | ${c} | ${med(set, c, 'satupeta')} | ${med(set, c, 'MapServer 8')} | ${med(set, c, 'replayed SQL')} | ${med(set, c, 'naive ST_AsMVT')} | ${ratio(set, c, 'satupeta', 'MapServer 8')} | ${ratio(set, c, 'satupeta', 'replayed SQL')} | ${ratio(set, c, 'satupeta', 'naive ST_AsMVT')} |`,
      );
  console.log('\n(tiles/s, medians of rounds; ratios: median of per-round ratios, spread min–max)\n');
  console.log('| cached path | 8 connections | 64 connections |\n|---|---|---|');
  const cachedCell = (c: number, s: string, f: (r: WrkResult) => number, d = 0) =>
    fmt(median((cachedResults.get(`${c}|${s}`) ?? []).map(f)), d);
  console.log(
    `| satupeta, default cache, warm (tiles/s) | ${cachedCell(8, 'cached', (r) => r.rps)} | ${cachedCell(64, 'cached', (r) => r.rps)} |`,
  );
  console.log(
    `| bare node:http, same bytes (tiles/s) | ${cachedCell(8, 'bare', (r) => r.rps)} | ${cachedCell(64, 'bare', (r) => r.rps)} |`,
  );
  const cachedRatio = (c: number) => {
    const a = cachedResults.get(`${c}|cached`) ?? [];
    const b = cachedResults.get(`${c}|bare`) ?? [];
    return fmt(median(a.map((r, i) => r.rps / (b[i]?.rps ?? NaN))));
  };
  console.log(`| **ratio cached / bare** (target ≥ 0.85) | **${cachedRatio(8)}** | **${cachedRatio(64)}** |`);
  console.log(
    `| p99 satupeta / bare (ms; target within 2×) | ${cachedCell(8, 'cached', (r) => r.p99, 1)} / ${cachedCell(8, 'bare', (r) => r.p99, 1)} | ${cachedCell(64, 'cached', (r) => r.p99, 1)} / ${cachedCell(64, 'bare', (r) => r.p99, 1)} |`,
  );
  console.log(`\n| other | value |\n|---|---|`);
  console.log(
    `| largest 20-layer composite of ${spots.length} z14/z15 positions (target ≤ 500 KB) | ${fmt(compositeMax / 1024, 0)} KB (${trimmed} trimmed by the budget) |`,
  );
  console.log(
    `| JS encoder / ST_AsMVT, ${benchJobs.length} bench tiles one after another | ${fmt(jsSeconds / mvtSeconds)} (${fmt(jsSeconds)} s vs ${fmt(mvtSeconds)} s) |`,
  );
  console.log(`| server RSS after cached load (target ≤ 300 MB) | ${fmt(rssCached, 0)} MB |`);
  if (failures.length) console.log(`\nfailed requests: ${failures.join('; ')}`);
}

main()
  .catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  })
  .finally(async () => {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
    process.exit();
  });
