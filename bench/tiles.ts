import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { ANONYMOUS } from '../server/auth/access.js';
import { DistrictsService } from '../server/districts/districts-service.js';
import { CatalogService } from '../server/catalog/catalog-service.js';
import type { LayerRecord } from '../server/catalog/layer-types.js';
import { openDatabase } from '../server/db/database.js';
import { TileCache } from '../server/tiles/tile-cache.js';
import { mvtQuery } from '../server/tiles/tile-sql.js';
import { TilesService } from '../server/tiles/tiles-service.js';
import { load } from './http-load.js';
import { fmt, runConcurrent, startServer } from './support.js';

/**
 * npm run bench:tiles (BENCH_DATABASE_URL: a PostgreSQL seeded at full scale by `npm run bench`
 * or `npm run seed -- --scale full`). Everything is measured side by side in this run.
 */
const databaseUrl = process.env.BENCH_DATABASE_URL;
if (!databaseUrl) {
  console.error('Set BENCH_DATABASE_URL to a PostgreSQL + PostGIS database seeded at full scale.');
  process.exit(2);
}
const CONNECTIONS = 8;
const CAP = 10_000;

interface Coord {
  z: number;
  x: number;
  y: number;
}
function tileOf(lon: number, lat: number, z: number): Coord {
  const n = 2 ** z,
    r = (lat * Math.PI) / 180;
  return {
    z,
    x: Math.floor(((lon + 180) / 360) * n),
    y: Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * n),
  };
}
/** A 3×3 block of tiles around a point at each zoom 12–16. */
function block(lon: number, lat: number): Coord[] {
  return [12, 13, 14, 15, 16].flatMap((z) => {
    const c = tileOf(lon, lat, z);
    return [-1, 0, 1].flatMap((dx) => [-1, 0, 1].map((dy) => ({ z, x: c.x + dx, y: c.y + dy })));
  });
}
const center = (l: LayerRecord): [number, number] =>
  l.bbox ? [(l.bbox[0] + l.bbox[2]) / 2, (l.bbox[1] + l.bbox[3]) / 2] : [106.64, -6.18];

const db = await openDatabase({ databaseUrl, poolMax: CONNECTIONS, dataDir: '' });
const catalog = new CatalogService(db.knex, new DistrictsService(db.knex));
const { rows: picks } = await db.knex.raw<{ rows: { slug: string }[] }>(
  `(select slug from layers where classification = 'publik' order by feature_count desc limit 2)
   union all (select slug from layers where classification = 'publik' and geometry_type = 'Point' and feature_count between 300 and 5000 order by slug limit 1)
   union all (select slug from layers where classification = 'publik' and geometry_type = 'LineString' and feature_count between 300 and 5000 order by slug limit 1)
   union all (select 'batas-kelurahan-kota-tangerang')`,
);
const layers = await catalog.getLayers(
  ANONYMOUS,
  picks.map((p) => p.slug),
);
const jobs = layers.flatMap((l) => block(...center(l)).map((c) => ({ layer: l, c })));
console.log(
  `backend postgresql ${db.capabilities.postgresVersion}, PostGIS ${db.capabilities.postgisVersion}; ${jobs.length} single-layer tiles z12-z16 over ${layers.map((l) => `${l.slug} (${l.featureCount})`).join(', ')}`,
);

// 1. Uncached: our endpoint with the cache off vs the same tile SQL run directly, same concurrency.
const uncachedServer = await startServer(
  { DATABASE_URL: databaseUrl, DATABASE_POOL_MAX: String(CONNECTIONS), TILE_CACHE_MB: '0', AUTO_SEED: 'false' },
  3960,
);
const urls = jobs.map(
  ({ layer, c }) => `${uncachedServer.url}/tiles/${layer.slug}/${c.z}/${c.x}/${c.y}.mvt?v=${layer.dataVersion}`,
);
await load(urls, CONNECTIONS, 1);
const endpoint = await load(urls, CONNECTIONS, 3);
let maxTile = 0;
let direct = 0;
const directSeconds = await runConcurrent(
  Array.from({ length: 3 }, () => jobs).flat(),
  CONNECTIONS,
  async ({ layer, c }) => {
    const q = mvtQuery(
      [
        {
          id: layer.id,
          name: layer.slug,
          geometryType: layer.geometryType,
          minZoom: layer.minZoom,
          fields: layer.tileFields,
        },
      ],
      { ...c, cap: CAP },
    );
    if (!q) return;
    const { rows } = await db.knex.raw<{ rows: { tile: Buffer }[] }>(q.sql, q.bindings);
    maxTile = Math.max(maxTile, rows[0]?.tile.byteLength ?? 0);
    direct++;
  },
);
const directRps = direct / directSeconds;

// 2. Composite of 10 layers vs 10 single-layer requests for the same tile positions.
const { rows: tenRows } = await db.knex.raw<{ rows: { slug: string }[] }>(
  `select l.slug from layers l join layer_districts ld on ld.layer_id = l.id
    where ld.district_code = '36.71.03' and l.classification = 'publik' and l.min_zoom <= 14
    order by ld.feature_count desc, l.slug limit 10`,
);
const ten = await catalog.getLayers(
  ANONYMOUS,
  tenRows.map((r) => r.slug),
);
const spots = block(...center(ten[0] as LayerRecord)).filter((c) => c.z === 14 || c.z === 15);
const compositeUrls = spots.map(
  (c) => `${uncachedServer.url}/tiles/${ten.map((l) => l.slug).join(',')}/${c.z}/${c.x}/${c.y}.mvt`,
);
const singleUrls = spots.flatMap((c) =>
  ten.map((l) => `${uncachedServer.url}/tiles/${l.slug}/${c.z}/${c.x}/${c.y}.mvt`),
);
const composite = await load(compositeUrls, CONNECTIONS, 3);
const singles = await load(singleUrls, CONNECTIONS, 3);
await uncachedServer.stop();

// 3. Cached: our endpoint with the default cache, warm, vs a bare node:http serving the same bytes.
const cachedServer = await startServer(
  { DATABASE_URL: databaseUrl, DATABASE_POOL_MAX: String(CONNECTIONS), AUTO_SEED: 'false' },
  3961,
);
const cachedUrls = urls.map((u) => u.replace(':3960', ':3961'));
const bodies = new Map<string, Buffer>();
for (const u of cachedUrls) {
  const res = await fetch(u, { headers: { 'Accept-Encoding': 'identity' } });
  bodies.set(new URL(u).pathname, Buffer.from(await res.arrayBuffer()));
}
// Both servers get the same warm-up (JIT, sockets) and the same number of rounds.
await load(cachedUrls, CONNECTIONS, 3);
const cached = await load(cachedUrls, CONNECTIONS, 15);
const rssUnderLoad = cachedServer.rssMb();
await cachedServer.stop();
const bare = http
  .createServer((req, res) => {
    const body = bodies.get(new URL(req.url ?? '/', 'http://x').pathname);
    if (!body || body.length === 0) {
      res.statusCode = 204;
      res.end();
      return;
    }
    res.setHeader('Content-Type', 'application/vnd.mapbox-vector-tile');
    res.end(body);
  })
  .listen(3962, '127.0.0.1');
await new Promise((r) => bare.once('listening', r));
const bareUrls = cachedUrls.map((u) => u.replace(':3961', `:${(bare.address() as AddressInfo).port}`));
await load(bareUrls, CONNECTIONS, 3);
const bareRun = await load(bareUrls, CONNECTIONS, 15);
bare.close();

// 4. JS encoder path vs ST_AsMVT on the same tiles and database (the embedded backend runs the former).
const service = new TilesService(db.knex, catalog, new TileCache(0), {
  useMvt: true,
  maxLayers: 20,
  maxFeatures: CAP,
  registryTtlMs: 0,
});
const pathRun = async (useMvt: boolean) =>
  runConcurrent(jobs, 2, async ({ layer, c }) => {
    await service.render([layer], c, useMvt);
  });
const mvtSeconds = await pathRun(true);
const jsSeconds = await pathRun(false);
await db.close();

console.log(
  `\n## tiles on PostgreSQL (${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} cores, node ${process.version}, ${CONNECTIONS} connections)\n`,
);
console.log('| measure | value |\n|---|---|');
console.log(`| uncached endpoint (cache off) | ${fmt(endpoint.rps, 0)} tiles/s |`);
console.log(`| same tile SQL run directly | ${fmt(directRps, 0)} tiles/s |`);
console.log(`| **ratio uncached endpoint / direct SQL** (target ≥ 0.9) | **${fmt(endpoint.rps / directRps)}** |`);
console.log(`| cached endpoint (default 64 MB cache, warm) | ${fmt(cached.rps, 0)} tiles/s |`);
console.log(`| bare node:http serving the same bytes from memory | ${fmt(bareRun.rps, 0)} tiles/s |`);
console.log(`| **ratio cached endpoint / bare node:http** (target ≥ 0.7) | **${fmt(cached.rps / bareRun.rps)}** |`);
console.log(`| composite of 10 layers, ${spots.length} positions × 3 | ${fmt(composite.seconds)} s |`);
console.log(`| 10 single-layer requests for the same positions × 3 | ${fmt(singles.seconds)} s |`);
console.log(`| **ratio composite time / singles time** | **${fmt(composite.seconds / singles.seconds)}** |`);
console.log(
  `| JS encoder path (as on the embedded database) / ST_AsMVT path, time for ${jobs.length} tiles | **${fmt(jsSeconds / mvtSeconds)}** (${fmt(jsSeconds)} s vs ${fmt(mvtSeconds)} s) |`,
);
console.log(`| largest tile in the set (target ≤ 500 KB) | ${fmt(maxTile / 1024, 0)} KB |`);
console.log(`| server RSS after cached load (target ≤ 300 MB) | ${fmt(rssUnderLoad, 0)} MB |`);
console.log(
  `\nstatuses: endpoint ${JSON.stringify(endpoint.statuses)}, cached ${JSON.stringify(cached.statuses)}, composite ${JSON.stringify(composite.statuses)}`,
);
