import { describe, expect, it } from 'vitest';
import { useTestServer } from './support/use-test-server.js';

const s = useTestServer();
const LAYER = 'batas-kelurahan-kota-tangerang';

/** The value of one sample line of the Prometheus text, or null when absent. */
function sample(text: string, name: string, labels: Record<string, string>): number | null {
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    const inside = line.slice(name.length + 1, line.indexOf('}'));
    const parts = inside.split(',');
    if (want.every((w) => parts.includes(w))) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return null;
}

async function metrics(): Promise<string> {
  const res = await s.get('/metrics');
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
  return res.text();
}

describe('GET /metrics', () => {
  it('counts requests by route pattern, method and status, never by raw URL', async () => {
    const before = sample(await metrics(), 'satupeta_http_requests_total', {
      route: '/api/layers/:id',
      method: 'GET',
      status: '200',
    });
    for (let i = 0; i < 3; i++) expect((await s.get(`/api/layers/${LAYER}`)).status).toBe(200);
    expect((await s.get('/api/layers/no-such-layer')).status).toBe(404);
    const text = await metrics();
    expect(
      sample(text, 'satupeta_http_requests_total', { route: '/api/layers/:id', method: 'GET', status: '200' }),
    ).toBe((before ?? 0) + 3);
    expect(
      sample(text, 'satupeta_http_requests_total', { route: '/api/layers/:id', method: 'GET', status: '404' }),
    ).toBeGreaterThanOrEqual(1);
    expect(text).not.toContain('no-such-layer');
    expect(
      sample(text, 'satupeta_http_request_duration_seconds_count', {
        route: '/api/layers/:id',
        method: 'GET',
        status: '200',
      }),
    ).toBeGreaterThanOrEqual(3);
  });

  it('answers a repeated versioned tile from memory, and says so in its route label', async () => {
    const tileJson = (await (await s.get(`/tiles/${LAYER}.json`)).json()) as { tiles: string[] };
    const url = (tileJson.tiles[0] ?? '').replace('{z}/{x}/{y}', '12/3261/2117');
    expect(url).toMatch(/\?v=\d+\.[0-9a-z]+$/);
    const memory = { route: '/tiles/:layers/:z/:x/:y.mvt (memory)', method: 'GET', status: '200' };
    expect((await fetch(url)).status).toBe(200);
    const before = sample(await metrics(), 'satupeta_http_requests_total', memory) ?? 0;
    const again = await fetch(url);
    expect(again.status).toBe(200);
    expect(again.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(sample(await metrics(), 'satupeta_http_requests_total', memory)).toBe(before + 1);
  });

  it('reports the database pool, the tile cache and the change notices', async () => {
    const text = await metrics();
    expect(sample(text, 'satupeta_db_pool_in_use', { pool: 'primary' })).not.toBeNull();
    expect(sample(text, 'satupeta_db_pool_waiting', { pool: 'primary' })).toBe(0);
    expect(text).toMatch(/^satupeta_tile_cache_hits \d+/m);
    expect(text).toMatch(/^satupeta_tile_cache_bytes \d+/m);
    expect(text).toMatch(/^satupeta_change_notices_live [01]/m);
    expect(text).toMatch(/^satupeta_process_resident_memory_bytes \d+/m);
  });
});

describe('request ids', () => {
  it('answers every request with a new X-Request-Id', async () => {
    const a = (await s.get('/api/health/live')).headers.get('x-request-id');
    const b = (await s.get('/api/health/live')).headers.get('x-request-id');
    expect(a).toMatch(/^[0-9a-f-]{36}$/);
    expect(b).toMatch(/^[0-9a-f-]{36}$/);
    expect(a).not.toBe(b);
  });

  it("keeps a proxy's plain request id and replaces one that is not plain", async () => {
    const kept = await s.get('/api/health/live', { headers: { 'X-Request-Id': 'nginx-4f1c2a9e' } });
    expect(kept.headers.get('x-request-id')).toBe('nginx-4f1c2a9e');
    const odd = await s.get('/api/health/live', { headers: { 'X-Request-Id': 'a b<script>' } });
    expect(odd.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const long = await s.get('/api/health/live', { headers: { 'X-Request-Id': 'x'.repeat(65) } });
    expect(long.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('puts the id in error bodies, so a report names the log line', async () => {
    const res = await s.get('/api/layers/no-such-layer', { headers: { 'X-Request-Id': 'report-123' } });
    expect(res.status).toBe(404);
    const body = (await res.json()) as { error: { code: string; requestId: string } };
    expect(body.error.code).toBe('layer_not_found');
    expect(body.error.requestId).toBe('report-123');
  });
});
