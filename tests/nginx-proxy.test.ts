import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenStore } from '../server/auth/token-store.js';
import { hasNginx, startNginx, type Nginx } from './support/nginx.js';
import { freePort } from './support/ports.js';
import { firstSlug } from './support/queries.js';
import { startTestServer, type TestServer } from './support/test-server.js';

// Debian's nginx with the shipped deploy/nginx/satupeta.conf in front of the real server. CI
// installs nginx (.ci/run); without it (a laptop) there is nothing to start.
describe.skipIf(!hasNginx)('behind the shipped nginx configuration', () => {
  let nginx: Nginx;
  let app: TestServer;
  let admin = '';
  let publik = '';
  let terbatas = '';

  beforeAll(async () => {
    const port = await freePort();
    app = await startTestServer({ PUBLIC_URL: `http://127.0.0.1:${port}`, TRUST_PROXY: 'true' }, { writable: true });
    nginx = await startNginx([new URL(app.url).host], { port });
    admin = (await new TokenStore(app.db.knex).create({ name: 't', role: 'admin', agencies: [], createdBy: 't' }))
      .token;
    publik = await firstSlug(app.db.knex, 'publik');
    terbatas = await firstSlug(app.db.knex, 'terbatas');
  });

  afterAll(async () => {
    await nginx?.stop();
    await app?.close();
  });

  const viaProxy = (p: string, token?: string) =>
    fetch(nginx.url + p, token ? { headers: { Authorization: `Bearer ${token}` } } : {});
  const cacheStatus = (res: Response) => res.headers.get('x-cache-status');

  it('caches a versioned tile: the second request is a hit with the same bytes', async () => {
    const tileJson = (await (await viaProxy(`/tiles/batas-kelurahan-kota-tangerang.json`)).json()) as {
      tiles: string[];
    };
    const url = new URL((tileJson.tiles[0] ?? '').replace('{z}/{x}/{y}', '12/3261/2117'));
    expect(url.origin).toBe(nginx.url); // PUBLIC_URL: links name the proxy
    const first = await viaProxy(url.pathname + url.search);
    expect(first.status).toBe(200);
    expect(cacheStatus(first)).toBe('MISS');
    const second = await viaProxy(url.pathname + url.search);
    expect(cacheStatus(second)).toBe('HIT');
    expect(Buffer.from(await second.arrayBuffer())).toEqual(Buffer.from(await first.arrayBuffer()));
  });

  it('caches TileJSON and GeoJSON that anonymous callers get', async () => {
    for (const p of [`/tiles/${publik}.json`, `/api/layers/${publik}/features?limit=3`]) {
      expect(cacheStatus(await viaProxy(p))).toBe('MISS');
      const again = await viaProxy(p);
      expect(again.status).toBe(200);
      expect(cacheStatus(again)).toBe('HIT');
    }
  });

  it('never serves a restricted answer from the cache to an anonymous caller', async () => {
    const p = `/api/layers/${terbatas}/features?limit=3`;
    const withToken = await viaProxy(p, admin);
    expect(withToken.status).toBe(200);
    expect(cacheStatus(withToken)).toBe('BYPASS');
    expect(withToken.headers.get('cache-control')).toMatch(/^private/);
    for (let i = 0; i < 2; i++) {
      const anonymous = await viaProxy(p);
      expect(anonymous.status).toBe(404);
      expect(((await anonymous.json()) as { error: { code: string } }).error.code).toBe('layer_not_found');
    }
    const tile = `/tiles/${terbatas}/12/3261/2117.mvt`;
    expect((await viaProxy(tile, admin)).status).not.toBe(404);
    expect((await viaProxy(tile)).status).toBe(404);
    const tileJson = `/tiles/${terbatas}.json`;
    expect((await viaProxy(tileJson, admin)).status).toBe(200);
    expect((await viaProxy(tileJson)).status).toBe(404);
  });

  it('neither stores nor answers from the cache what is read with a token', async () => {
    const p = `/api/layers/${publik}/features?limit=4`;
    const withToken = await viaProxy(p, admin);
    expect(cacheStatus(withToken)).toBe('BYPASS');
    // Had the token's answer been stored, this would be a hit.
    expect(cacheStatus(await viaProxy(p))).toBe('MISS');
    expect(cacheStatus(await viaProxy(p, admin))).toBe('BYPASS');
  });

  it('does not store private, uncacheable answers', async () => {
    for (let i = 0; i < 2; i++) {
      const res = await viaProxy('/api/health/ready');
      expect(res.status).toBe(200);
      expect(cacheStatus(res)).not.toBe('HIT');
    }
  });

  it('keeps /metrics off the public address and passes its request id through', async () => {
    expect((await viaProxy('/metrics')).status).toBe(404);
    expect((await fetch(`${app.url}/metrics`)).status).toBe(200);
    const res = await viaProxy('/api/health/live');
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f]{32}$/); // nginx's $request_id
  });
});
