import http from 'node:http';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodeTile, tileOf } from './support/mvt.js';
import { useTestServer } from './support/use-test-server.js';

const s = useTestServer();

const KEC = 'batas-kecamatan-kota-tangerang';
const KEL = 'batas-kelurahan-kota-tangerang';
const AIRPORT = tileOf(106.6559, -6.1256, 12);
const path = (layers: string, t: { z: number; x: number; y: number }, q = '') =>
  `/tiles/${layers}/${t.z}/${t.x}/${t.y}.mvt${q}`;

async function tile(p: string, headers: Record<string, string> = {}): Promise<{ res: Response; bytes: Uint8Array }> {
  const res = await s.get(p, { headers });
  return { res, bytes: new Uint8Array(await res.arrayBuffer()) };
}

/** A GET that leaves the body as it came over the wire (fetch would decompress it). */
function rawGet(
  url: string,
  headers: Record<string, string>,
): Promise<{ headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }));
      })
      .on('error', reject);
  });
}

describe('TileJSON', () => {
  it('describes a composite in TileJSON 3.0.0 with versioned absolute tile URLs', async () => {
    const { status, body } = await s.json<{
      tilejson: string;
      tiles: string[];
      vector_layers: { id: string; fields: Record<string, string>; minzoom: number }[];
      bounds: number[];
      attribution: string;
    }>(`/tiles/${KEC},${KEL}.json`);
    expect(status).toBe(200);
    expect(body.tilejson).toBe('3.0.0');
    expect(body.tiles[0]).toMatch(
      new RegExp(`^${s.url}/tiles/${KEC},${KEL}/\\{z\\}/\\{x\\}/\\{y\\}\\.mvt\\?v=\\d+\\.[0-9a-z]+-\\d+\\.[0-9a-z]+$`),
    );
    expect(body.vector_layers.map((l) => l.id)).toEqual([KEC, KEL]);
    expect(body.vector_layers[0]?.fields).toMatchObject({ nama: 'String', luas_km2: 'Number' });
    expect(body.bounds[0]).toBeCloseTo(106.5515, 3);
    expect(body.attribution).toMatch(/Sekretariat Daerah/);
  });
});

describe('vector tiles', () => {
  it('carries the known kecamatan with ids and properties at the airport tile', async () => {
    const { res, bytes } = await tile(path(KEC, AIRPORT));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/vnd.mapbox-vector-tile');
    const features = decodeTile(bytes).get(KEC) ?? [];
    const benda = features.find((f) => f.properties.nama === 'Benda');
    expect(benda).toMatchObject({ type: 3, properties: { kode: '36.71.04', level: 'kecamatan' } });
    expect(benda?.id).toBeGreaterThan(0);
    for (const f of features)
      for (const ring of f.rings)
        for (const [x, y] of ring) {
          expect(x).toBeGreaterThanOrEqual(-64);
          expect(y).toBeLessThanOrEqual(4096 + 64);
        }
  });

  it('puts one MVT layer per data layer in a composite, in the order asked', async () => {
    const ab = decodeTile((await tile(path(`${KEL},${KEC}`, AIRPORT))).bytes);
    const ba = decodeTile((await tile(path(`${KEC},${KEL}`, AIRPORT))).bytes);
    expect([...ab.keys()]).toEqual([KEL, KEC]);
    expect([...ba.keys()]).toEqual([KEC, KEL]);
    expect(ab.get(KEL)?.some((f) => f.properties.nama === 'Pajang')).toBe(true);
  });

  it('carries only the configured properties of a wide layer, in tiles and TileJSON alike', async () => {
    const slug = 'disperkimtan-tapak-bangunan-benda-2025';
    const meta = await s.json<{ tileFields: string[]; fields: { name: string }[]; bbox: number[] }>(
      `/api/layers/${slug}`,
    );
    expect(meta.body.tileFields).toEqual(['fungsi', 'jumlah_lantai']);
    expect(meta.body.fields.map((f) => f.name)).toContain('luas_m2');
    const tj = await s.json<{ vector_layers: { fields: Record<string, string> }[] }>(`/tiles/${slug}.json`);
    expect(Object.keys(tj.body.vector_layers[0]?.fields ?? {}).sort()).toEqual(['fungsi', 'jumlah_lantai']);
    const [x0, y0, x1, y1] = meta.body.bbox as [number, number, number, number];
    const features =
      decodeTile((await tile(path(slug, tileOf((x0 + x1) / 2, (y0 + y1) / 2, 13)))).bytes).get(slug) ?? [];
    const all = [...features, ...(decodeTile((await tile(path(slug, tileOf(x0, y0, 13)))).bytes).get(slug) ?? [])];
    expect(all.length).toBeGreaterThan(0);
    for (const f of all) expect(Object.keys(f.properties).sort()).toEqual(['fungsi', 'jumlah_lantai']);
  });

  it('answers 204 for a tile with nothing in it', async () => {
    const { res, bytes } = await tile(path(KEC, { z: 10, x: 100, y: 100 }));
    expect(res.status).toBe(204);
    expect(bytes.byteLength).toBe(0);
  });

  it('marks a tile immutable only when its URL names the current version', async () => {
    const tj = await s.json<{ tiles: string[] }>(`/tiles/${KEC}.json`);
    const v = new URL(tj.body.tiles[0] ?? '').searchParams.get('v') ?? '';
    const current = await tile(path(KEC, AIRPORT, `?v=${v}`));
    expect(current.res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const stale = await tile(path(KEC, AIRPORT, '?v=1'));
    expect(stale.res.headers.get('cache-control')).toBe('public, max-age=60');
    expect(stale.bytes).toEqual(current.bytes);
    const plain = await tile(path(KEC, AIRPORT));
    expect(plain.res.headers.get('cache-control')).toBe('public, max-age=60');
  });

  it('answers a repeated tile from memory with the same bytes and headers as the first time', async () => {
    const tj = await s.json<{ tiles: string[] }>(`/tiles/${KEL}.json`);
    const url = (tj.body.tiles[0] ?? '')
      .replace(s.url, '')
      .replace('{z}/{x}/{y}', `${AIRPORT.z}/${AIRPORT.x}/${AIRPORT.y + 1}`);
    const hits = async () => (await s.json<{ tileCache: { hits: number } }>('/api/health')).body.tileCache.hits;
    const first = await tile(url, { 'Accept-Encoding': 'identity' });
    const before = await hits();
    const second = await tile(url, { 'Accept-Encoding': 'identity' });
    expect(await hits()).toBe(before + 1);
    expect(second.bytes).toEqual(first.bytes);
    for (const h of ['cache-control', 'etag', 'content-type', 'content-length', 'vary']) {
      expect(second.res.headers.get(h)).toBe(first.res.headers.get(h));
    }
    expect(second.res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
  });

  it('answers 304 to a matching If-None-Match', async () => {
    const first = await tile(path(KEC, AIRPORT));
    const etag = first.res.headers.get('etag') ?? '';
    expect(etag).toMatch(/^".+"$/);
    const again = await s.get(path(KEC, AIRPORT), { headers: { 'If-None-Match': etag } });
    expect(again.status).toBe(304);
  });

  it('serves gzip to clients that accept it, compressed once and cached', async () => {
    const raw = await tile(path(KEL, AIRPORT), { 'Accept-Encoding': 'identity' });
    expect(raw.res.headers.get('content-encoding')).toBeNull();
    const wire = await rawGet(s.url + path(KEL, AIRPORT), { 'Accept-Encoding': 'gzip' });
    expect(wire.headers['content-encoding']).toBe('gzip');
    expect(wire.headers.vary).toMatch(/Accept-Encoding/);
    expect(new Uint8Array(gunzipSync(wire.body))).toEqual(raw.bytes);
    const before = (await s.json<{ tileCache: { hits: number } }>('/api/health')).body.tileCache.hits;
    const again = await rawGet(s.url + path(KEL, AIRPORT), { 'Accept-Encoding': 'gzip' });
    expect(again.body).toEqual(wire.body);
    expect((await s.json<{ tileCache: { hits: number } }>('/api/health')).body.tileCache.hits).toBe(before + 1);
  });
});

describe('tiles keep restricted layers and bad requests out', () => {
  it('never shows a terbatas layer to an anonymous caller, alone or in a composite', async () => {
    for (const p of [
      path(s.terbatas, AIRPORT),
      path(`${KEC},${s.terbatas}`, AIRPORT),
      `/tiles/${s.terbatas}.json`,
      `/tiles/${KEC},${s.terbatas}.json`,
    ]) {
      const res = await s.get(p);
      expect(res.status).toBe(404);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('layer_not_found');
    }
  });

  it.each([
    [path(KEC, { z: 12, x: 4096, y: 0 }), 400, 'tile_out_of_range'],
    [path(KEC, { z: 23, x: 0, y: 0 }), 400, 'tile_out_of_range'],
    [`/tiles/${KEC}/a/b/c.mvt`, 400, 'invalid_tile'],
    [`/tiles/${KEC}/-1/0/0.mvt`, 400, 'invalid_tile'],
    [path(`${KEC},${KEC}`, AIRPORT), 400, 'duplicate_layer'],
    [path(`${KEC},,${KEL}`, AIRPORT), 400, 'invalid_layer_list'],
    [path(Array.from({ length: 21 }, (_, i) => `lapisan-${i}`).join(','), AIRPORT), 400, 'too_many_layers'],
    [path('tidak-ada', AIRPORT), 404, 'layer_not_found'],
    [path(`${KEC},tidak-ada`, AIRPORT), 404, 'layer_not_found'],
    [path(KEC, AIRPORT, '?v=abc'), 400, 'invalid_parameter'],
    [path(KEC, AIRPORT, '?foo=1'), 400, 'unknown_parameter'],
    ['/tiles/tidak-ada.json', 404, 'layer_not_found'],
  ])('%s answers %i %s', async (p, status, code) => {
    const res = await s.get(p);
    expect(res.status).toBe(status);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe(code);
  });
});
