import http from 'node:http';
import { beforeAll, describe, expect, it } from 'vitest';
import { TokenStore } from '../server/auth/token-store.js';
import { useTestServer } from './support/use-test-server.js';

// Creates a token, so it runs on its own copy of the database.
const s = useTestServer({ writable: true });
let token = '';

beforeAll(async () => {
  token = (
    await new TokenStore(s.db.knex).create({ name: 'viewer', role: 'viewer', agencies: ['bpbd'], createdBy: 'test' })
  ).token;
});

const PATHS = [
  '/api/layers?limit=1',
  '/api/layers/batas-kota-tangerang',
  '/api/layers/batas-kota-tangerang/features?limit=1',
  '/api/layers/batas-kota-tangerang/features/1',
  '/api/agencies',
  '/api/themes',
  '/api/districts',
  '/api/districts/36.71/layers',
  '/api/health',
  '/api/quality?limit=1',
  '/api/elements?limit=1',
  '/api/elements/dak-penduduk-kecamatan-kpu2014',
  '/api/layer-index',
  '/ogc',
  '/ogc/collections',
  '/ogc/collections/batas-kota-tangerang',
  '/ogc/collections/batas-kota-tangerang/items?limit=1',
  '/tiles/batas-kota-tangerang.json',
  '/tiles/batas-kota-tangerang/10/818/528.mvt',
  '/api/3/action/package_list',
];

describe('responses read with a token never land in a shared cache', () => {
  for (const path of PATHS) {
    it(path, async () => {
      const res = await s.get(path, { headers: { Authorization: `Bearer ${token}` } });
      expect(res.status, path).toBeLessThan(400);
      const cc = res.headers.get('cache-control') ?? '';
      expect(cc, `${path}: ${cc}`).toMatch(/private|no-store/);
      expect(cc).not.toMatch(/public/);
      expect(res.headers.get('vary') ?? '', path).toMatch(/Authorization/i);
      // The same URL without a token may be cached by anyone, and says it varies by Authorization.
      const anonymous = await s.get(path);
      expect(anonymous.headers.get('vary') ?? '', path).toMatch(/Authorization/i);
    });
  }
});

/** A GET with a forged Host header (fetch does not let one be set). */
function getWithHost(base: string, path: string, host: string): Promise<{ cacheControl: string; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(`${base}${path}`, { headers: { Host: host } }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ cacheControl: String(res.headers['cache-control'] ?? ''), body }));
      })
      .on('error', reject);
  });
}

describe('links built from the Host header', () => {
  // Without PUBLIC_URL links come from the request's Host, so nothing with links may be shared.
  it('keep answers out of shared caches when PUBLIC_URL is unset', async () => {
    const res = await getWithHost(s.url, '/tiles/batas-kota-tangerang.json', 'evil.example');
    expect(res.cacheControl).toMatch(/^private/);
    expect((JSON.parse(res.body) as { tiles: string[] }).tiles[0]).toMatch(/^http:\/\/evil\.example\//);
  });
});

describe('with PUBLIC_URL set', () => {
  const pub = useTestServer({ env: { PUBLIC_URL: 'https://peta.example.go.id' } });
  it('builds links from it whatever the Host header says, and lets shared caches keep anonymous answers', async () => {
    const res = await getWithHost(pub.url, '/tiles/batas-kota-tangerang.json', 'evil.example');
    expect(res.cacheControl).toMatch(/^public/);
    expect((JSON.parse(res.body) as { tiles: string[] }).tiles[0]).toMatch(/^https:\/\/peta\.example\.go\.id\/tiles\//);
  });
});
