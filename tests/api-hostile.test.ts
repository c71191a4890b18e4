import { describe, expect, it } from 'vitest';
import { TokenStore } from '../server/auth/token-store.js';
import { useTestServer } from './support/use-test-server.js';

// Creates a token, so it runs on its own copy of the database.
const s = useTestServer({ writable: true });

describe('input that used to answer 500 (issue 16)', () => {
  it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty'])(
    'serves the default font for a font stack named %s',
    async (name) => {
      const res = await s.get(`/glyphs/${name}/0-255.pbf`);
      expect(res.status).toBe(200);
      expect((await res.arrayBuffer()).byteLength).toBeGreaterThan(1000);
    },
  );

  it('answers a missing viewer asset (an old bundle after a deploy) with 404, not 500', async () => {
    const res = await s.get('/assets/index-0ld0ld.js');
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('not_found');
  });

  it.each([
    ['%00 in a layer id', '/api/layers/batas-kota%00/features'],
    ['%00 in a filter', '/ogc/collections/batas-kota-tangerang/items?filter=nama%20%3D%20%27a%00%27'],
    ['%00 in a district code', '/api/districts/36.71%00'],
    ['%00 in a tile layer list', '/tiles/batas-kota-tangerang%00/12/3261/2117.mvt'],
  ])('refuses %s with 400 bad_request', async (_name, path) => {
    const res = await s.get(path);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('bad_request');
  });

  it('accepts the Bearer scheme in any case and a tab before the token, as RFC 7235 allows', async () => {
    const { token } = await new TokenStore(s.db.knex).create({
      name: 'case test',
      role: 'admin',
      agencies: [],
      createdBy: 'test',
    });
    for (const header of [`bearer ${token}`, `BEARER ${token}`, `Bearer\t${token}`]) {
      const me = await s.get('/api/me', { headers: { Authorization: header } });
      expect(me.status).toBe(200);
      expect(((await me.json()) as { kind: string }).kind).toBe('token');
    }
    expect((await s.get('/api/me', { headers: { Authorization: `Basic ${token}` } })).status).toBe(401);
  });
});
