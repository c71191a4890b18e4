import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './support/test-server.js';
import { useTestServer } from './support/use-test-server.js';

interface Report {
  status: string;
  services: { service: string; ok: boolean; status: number | null; ms: number; problem: string | null }[];
  catalogue: { publikLayers: number; publikElements: number; cswRecords: number | null; match: boolean };
  metadataCompleteness: { element: string; filled: number; percent: number; missing: string[] }[];
  layersWithoutData: { count: number; layers: string[] };
}

const s = useTestServer();

describe('the node self-check (GET /api/node-status)', () => {
  it('probes every public service at the node address and reports them healthy, with counts that agree', async () => {
    const { status, body, headers } = await s.json<Report>('/api/node-status');
    expect(status).toBe(200);
    expect(headers.get('cache-control')).toBe('no-store');
    expect(body.services.map((x) => x.service)).toEqual([
      'OGC API Features',
      'WFS 2.0',
      'WMS 1.3.0',
      'CSW 2.0.2',
      'CKAN Action API',
      'DCAT',
      'ISO 19139 record',
      'Vector tiles (TileJSON)',
      'GeoJSON download',
    ]);
    expect(body.services.filter((x) => !x.ok)).toEqual([]);
    expect(body.status).toBe('ok');
    const { rows } = await s.db.knex.raw<{ rows: { n: number; empty: number; scale: number }[] }>(
      `select count(*)::int as n, count(*) filter (where feature_count = 0)::int as empty,
              count(*) filter (where scale_denominator is not null)::int as scale
         from layers where classification = 'publik'`,
    );
    const r = rows[0];
    const elements = Number(
      (await s.db.knex('elements').where({ classification: 'publik' }).count<{ n: string }[]>('* as n'))[0]?.n,
    );
    expect(body.catalogue).toEqual({
      publikLayers: r?.n,
      publikElements: elements,
      cswRecords: (r?.n ?? 0) + elements,
      match: true,
      problem: null,
    });
    expect(body.layersWithoutData.count).toBe(r?.empty);
    expect(body.metadataCompleteness).toHaveLength(14);
    expect(body.metadataCompleteness.find((e) => e.element === 'scale')?.filled).toBe(r?.scale);
  });

  it('never aims its probes at the host a request names', async () => {
    const res = await s.get('/api/node-status', { headers: { Host: '10.255.255.1:8080' } });
    const body = (await res.json()) as Report & { base: string };
    expect(body.base).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(body.services.filter((x) => !x.ok)).toEqual([]);
  });
});

describe('a node whose public address is wrong', () => {
  let broken: TestServer;
  // PUBLIC_URL is what catalogues publish and harvesters follow; nothing listens on port 9 here.
  beforeAll(async () => {
    broken = await startTestServer({ PUBLIC_URL: 'http://127.0.0.1:9' });
  });
  afterAll(() => broken.close());

  it('reports every service broken, with the reason, and the node degraded', async () => {
    const { status, body } = await broken.json<Report>('/api/node-status');
    expect(status).toBe(200);
    expect(body.status).toBe('degraded');
    expect(body.services.length).toBe(9);
    for (const x of body.services) {
      expect(x.ok, x.service).toBe(false);
      expect(x.problem, x.service).toMatch(/^unreachable/);
    }
    expect(body.catalogue.match).toBe(false);
  });
});
