import type { Knex } from 'knex';
import { expect } from 'vitest';
import { TokenStore } from '../../server/auth/token-store.js';
import type { TestServer } from './test-server.js';

/** The Authorization header of a new admin token. */
export async function adminAuth(knex: Knex, name = 'test'): Promise<Record<string, string>> {
  const { token } = await new TokenStore(knex).create({ name, role: 'admin', agencies: [], createdBy: 'test' });
  return { Authorization: `Bearer ${token}` };
}

/** Registers a layer through the API (POST /api/layers) and expects 201. */
export async function createLayer(
  s: Pick<TestServer, 'get'>,
  auth: Record<string, string>,
  layer: Record<string, unknown>,
): Promise<void> {
  const res = await s.get('/api/layers', {
    method: 'POST',
    headers: { ...auth, 'Content-Type': 'application/json' },
    body: JSON.stringify(layer),
  });
  expect(res.status, await res.clone().text()).toBe(201);
}

/** Replaces a layer's features through the API (POST …/features?mode=replace) and expects 200. */
export async function replaceFeatures(
  s: Pick<TestServer, 'get'>,
  auth: Record<string, string>,
  slug: string,
  features: Record<string, unknown>[],
): Promise<void> {
  const res = await s.get(`/api/layers/${slug}/features?mode=replace`, {
    method: 'POST',
    headers: { ...auth, 'Content-Type': 'application/geo+json' },
    body: JSON.stringify({ type: 'FeatureCollection', features }),
  });
  expect(res.status, await res.clone().text()).toBe(200);
}
