import { describe, expect, it } from 'vitest';
import { TokenStore } from '../server/auth/token-store.js';
import { decodeTile, tileOf } from './support/mvt.js';
import { layerRow } from './support/queries.js';
import { useTestServer } from './support/use-test-server.js';

// This file changes features, so it runs on its own copy of the database.
const s = useTestServer({ writable: true });

const path = (layers: string, t: { z: number; x: number; y: number }, q = '') =>
  `/tiles/${layers}/${t.z}/${t.x}/${t.y}.mvt${q}`;

async function tile(p: string): Promise<{ res: Response; bytes: Uint8Array }> {
  const res = await s.get(p);
  return { res, bytes: new Uint8Array(await res.arrayBuffer()) };
}

describe('tile versions', () => {
  it('serves new content under a new version after the data changes', async () => {
    const slug = 'batas-kota-tangerang';
    const t = tileOf(106.63, -6.17, 12);
    const before = await s.json<{ tiles: string[] }>(`/tiles/${slug}.json`);
    const old = decodeTile((await tile(path(slug, t))).bytes).get(slug)?.[0];
    expect(old?.properties.nama).toBe('Kota Tangerang');
    const { id: layerId } = await layerRow(s.db.knex, { slug });
    await s.db
      .knex('features')
      .where({ layer_id: layerId, fid: 1 })
      .update({ properties: s.db.knex.raw(`properties || '{"nama":"Kota Tangerang (diubah)"}'::jsonb`) });
    const after = await s.json<{ tiles: string[] }>(`/tiles/${slug}.json`);
    expect(after.body.tiles[0]).not.toBe(before.body.tiles[0]);
    const v = new URL(after.body.tiles[0] ?? '').searchParams.get('v');
    const fresh = decodeTile((await tile(path(slug, t, `?v=${v}`))).bytes).get(slug)?.[0];
    expect(fresh?.properties.nama).toBe('Kota Tangerang (diubah)');
  });

  it('moves the version when tile fields or zoom range change, so a withdrawn attribute is never served as immutable', async () => {
    const slug = 'batas-kota-tangerang';
    const t = tileOf(106.63, -6.17, 12);
    const { token } = await new TokenStore(s.db.knex).create({
      name: 'tiles admin',
      role: 'admin',
      agencies: [],
      createdBy: 'test',
    });
    const patch = (body: Record<string, unknown>) =>
      s.get(`/api/layers/${slug}`, {
        method: 'PATCH',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
    const before = (await s.json<{ tiles: string[] }>(`/tiles/${slug}.json`)).body.tiles[0] ?? '';
    const v0 = new URL(before).searchParams.get('v') ?? '';
    const served = await tile(path(slug, t, `?v=${v0}`));
    expect(served.res.headers.get('cache-control')).toMatch(/immutable/);
    expect(Object.keys(decodeTile(served.bytes).get(slug)?.[0]?.properties ?? {})).toContain('nama');

    expect((await patch({ tileFields: [] })).status).toBe(200);
    const v1 = new URL((await s.json<{ tiles: string[] }>(`/tiles/${slug}.json`)).body.tiles[0] ?? '').searchParams.get(
      'v',
    );
    expect(v1).not.toBe(v0);
    const withdrawn = await tile(path(slug, t, `?v=${v1}`));
    expect(withdrawn.res.headers.get('cache-control')).toMatch(/immutable/);
    expect(Object.keys(decodeTile(withdrawn.bytes).get(slug)?.[0]?.properties ?? {})).not.toContain('nama');
    // The old URL now answers the current tile, no longer marked immutable.
    const old = await tile(path(slug, t, `?v=${v0}`));
    expect(old.res.headers.get('cache-control')).not.toMatch(/immutable/);
    expect(Object.keys(decodeTile(old.bytes).get(slug)?.[0]?.properties ?? {})).not.toContain('nama');

    expect((await patch({ minZoom: 3 })).status).toBe(200);
    const v2 = new URL((await s.json<{ tiles: string[] }>(`/tiles/${slug}.json`)).body.tiles[0] ?? '').searchParams.get(
      'v',
    );
    expect(v2).not.toBe(v1);
  });
});
