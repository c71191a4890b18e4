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
