import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeTile } from './support/mvt.js';
import { startTestServer, type TestServer } from './support/test-server.js';

/**
 * The composite byte budget (TILES_MAX_BYTES): the same tile from a server without a budget and
 * from one whose budget is half that tile's size.
 */
let whole: TestServer;
let budgeted: TestServer;
let tilePath = '';
let layerSlug = '';
let wholeBytes = 0;
const KEL = 'batas-kelurahan-kota-tangerang';

beforeAll(async () => {
  whole = await startTestServer({ TILES_MAX_BYTES: '0' });
  // The busiest z14 tile of the publik polygon layer with the most features there.
  const { rows } = await whole.db.knex.raw<{ rows: { slug: string; x: number; y: number }[] }>(
    `with w as (select 20037508.342789244 as o, 40075016.68557849 / 16384 as s)
     select l.slug, floor((ST_X(ST_Centroid(f.geom_3857)) + w.o) / w.s)::int as x,
            floor((w.o - ST_Y(ST_Centroid(f.geom_3857))) / w.s)::int as y
       from features f join layers l on l.storage_id = f.layer_id, w
      where l.classification = 'publik' and l.geometry_type = 'Polygon' and l.min_zoom <= 14 and l.slug <> ?
      group by 1, 2, 3 order by count(*) desc, 1 limit 1`,
    [KEL],
  );
  const busiest = rows[0];
  if (!busiest) throw new Error('the fixtures hold no publik polygon layer');
  layerSlug = busiest.slug;
  tilePath = `/tiles/${KEL},${layerSlug}/14/${busiest.x}/${busiest.y}.mvt`;
  const res = await whole.get(tilePath, { headers: { 'Accept-Encoding': 'identity' } });
  expect(res.headers.get('x-tile-trimmed')).toBeNull();
  wholeBytes = (await res.arrayBuffer()).byteLength;
  budgeted = await startTestServer({ TILES_MAX_BYTES: String(Math.floor(wholeBytes / 2)) });
}, 120_000);
afterAll(async () => {
  await whole?.close();
  await budgeted?.close();
});

async function fetchTile(server: TestServer): Promise<{ res: Response; bytes: Uint8Array }> {
  const res = await server.get(tilePath, { headers: { 'Accept-Encoding': 'identity' } });
  return { res, bytes: new Uint8Array(await res.arrayBuffer()) };
}

describe('composite tile byte budget', () => {
  it('keeps a tile over budget within it, says so, and drops only the smallest features of the busiest layer', async () => {
    expect(wholeBytes).toBeGreaterThan(1000);
    const full = decodeTile((await fetchTile(whole)).bytes);
    const { res, bytes } = await fetchTile(budgeted);
    expect(res.status).toBe(200);
    expect(bytes.byteLength).toBeLessThanOrEqual(Math.floor(wholeBytes / 2));
    const header = res.headers.get('x-tile-trimmed') ?? '';
    expect(header).toMatch(/^max-features-per-layer=\d+$/);
    expect(res.headers.get('access-control-expose-headers')).toContain('X-Tile-Trimmed');
    const cap = Number(header.split('=')[1]);
    const trimmed = decodeTile(bytes);
    const keptIds = (trimmed.get(layerSlug) ?? []).map((f) => f.id as number);
    const allIds = (full.get(layerSlug) ?? []).map((f) => f.id as number);
    expect(keptIds.length).toBeGreaterThan(0);
    expect(keptIds.length).toBeLessThanOrEqual(cap);
    expect(keptIds.length).toBeLessThan(allIds.length);
    expect(allIds).toEqual(expect.arrayContaining(keptIds));
    // A layer under the cap keeps every feature.
    expect((trimmed.get(KEL) ?? []).length).toBe(Math.min(cap, (full.get(KEL) ?? []).length));
    // Largest first: no dropped feature is larger than the smallest one kept.
    const { rows } = await budgeted.db.knex.raw<{ rows: { fid: number; area: number }[] }>(
      `select f.fid, ST_Area(f.geom_3857) as area from features f join layers l on l.storage_id = f.layer_id
        where l.slug = ? and f.fid = any(?::int[])`,
      [layerSlug, allIds],
    );
    const area = new Map(rows.map((r) => [r.fid, r.area]));
    const kept = new Set(keptIds);
    const smallestKept = Math.min(...keptIds.map((id) => area.get(id) ?? NaN));
    const largestDropped = Math.max(...allIds.filter((id) => !kept.has(id)).map((id) => area.get(id) ?? NaN));
    expect(largestDropped).toBeLessThanOrEqual(smallestKept);
  });

  it('serves the trimmed tile from the cache with the same header and bytes', async () => {
    const first = await fetchTile(budgeted);
    const again = await fetchTile(budgeted);
    expect(again.res.headers.get('x-tile-trimmed')).toBe(first.res.headers.get('x-tile-trimmed'));
    expect(Buffer.from(again.bytes).equals(Buffer.from(first.bytes))).toBe(true);
    const gz = await budgeted.get(tilePath, { headers: { 'Accept-Encoding': 'gzip' } });
    expect(gz.headers.get('x-tile-trimmed')).toBe(first.res.headers.get('x-tile-trimmed'));
  });

  it('leaves a tile within budget untouched', async () => {
    const one = await budgeted.get(`/tiles/${KEL}/12/3309/2117.mvt`);
    expect([200, 204]).toContain(one.status);
    expect(one.headers.get('x-tile-trimmed')).toBeNull();
  });
});
