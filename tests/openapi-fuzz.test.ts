import { beforeAll, describe, expect, it } from 'vitest';
import { firstSlug } from './support/queries.js';
import { useTestServer } from './support/use-test-server.js';

// Issue 16: every GET operation the two OpenAPI documents describe (/api/openapi.json and the
// OGC API's /ogc/api), called anonymously with hostile values in its path, query and header,
// answers without a 5xx, and every refusal carries a stable error code. The cases come from a
// seeded generator, so a failure names a request that can be sent again.
const s = useTestServer();

/** Fixed seed and count: the same requests on every run, about 10 per operation. */
const SEED = 0x5a7e;
const CASES_PER_OPERATION = 10;
/** Per-collection item operations (one per layer in the OGC document): a seeded sample of them. */
const COLLECTION_SAMPLE = 8;

/** Values sent percent-encoded. */
const HOSTILE: readonly string[] = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '-0',
  '-0.0',
  '007',
  '0x1f',
  '1e400',
  '-1e400',
  '-1',
  '0',
  '99999999999999999999999',
  '3.14159265358979323846264338',
  'NaN',
  'Infinity',
  '-Infinity',
  'true',
  'null',
  '[]',
  '{}',
  '{"a":',
  '__proto__',
  'constructor',
  "'",
  "' or '1'='1",
  '"; drop table layers; --',
  '../../../../etc/passwd',
  '%',
  'ñ日本語🗺️',
  '\u202e\u200b',
  'x'.repeat(6000),
  '1,2,3',
  '106.600000000000001234,-6.300000000000001234,106.700000000000001234,-6.100000000000001234',
  '-180,-90,180,90',
  '181,91,-181,-91',
  '2024-13-45',
  '2024-02-30T25:61:61Z',
  '2024-01-01/..',
  '../..',
  'a,b,,,c',
  'nama = 007',
  "nama LIKE '%'",
  'S_INTERSECTS(geom, POINT(0 0))',
  'BBOX(geom, 1, 2, 3)',
  'flag IN (1, 2',
  '+nama,-kode,--x',
  '1'.repeat(400),
];
/** Values sent as they are: malformed or lone-surrogate percent-encodings, raw NUL. */
const RAW: readonly string[] = ['%zz', '%ED%A0%80', '%C0%AF', '%00', 'a%00', '%E2%82', '%FF%FE'];
/** Authorization values a client might send by mistake. */
const AUTH: readonly string[] = [
  'Bearer ',
  'Bearer x',
  'Bearer 00000000',
  'Basic Og==',
  'bearer  \t',
  'Bearer ' + 'a'.repeat(4000),
];

/** mulberry32: small, seeded, good enough to pick cases. */
function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Parameter {
  name: string;
  in: string;
}
interface Operation {
  path: string;
  params: Parameter[];
}
interface OpenApi {
  paths: Record<string, Record<string, unknown>>;
  components?: { parameters?: Record<string, Parameter> };
}

/** The GET operations of an OpenAPI document, with their parameters ($refs resolved). */
function operations(doc: OpenApi, prefix: string): Operation[] {
  const resolve = (p: Parameter | { $ref: string }): Parameter | undefined =>
    '$ref' in p ? doc.components?.parameters?.[p.$ref.split('/').pop() ?? ''] : p;
  const out: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    const get = (item as Record<string, { parameters?: Array<Parameter | { $ref: string }> }>).get;
    if (!get) continue;
    const shared = ((item as { parameters?: Array<Parameter | { $ref: string }> }).parameters ?? []).map(resolve);
    const own = (get.parameters ?? []).map(resolve);
    const params = [...shared, ...own].filter((p): p is Parameter => p !== undefined);
    out.push({ path: prefix + path, params });
  }
  return out;
}

interface Request {
  url: string;
  headers: Record<string, string>;
}

describe('an OpenAPI-driven fuzz of every GET operation', () => {
  const ops: Operation[] = [];
  /** Real values for path parameters, so hostile query values reach the code behind them. */
  const real: Record<string, string> = {};

  beforeAll(async () => {
    const api = (await (await s.get('/api/openapi.json')).json()) as OpenApi;
    const ogc = (await (await s.get('/ogc/api')).json()) as OpenApi;
    const generic = [...operations(api, ''), ...operations(ogc, '/ogc')];
    const perCollection = generic.filter((o) => /^\/ogc\/collections\/[^{]+\/items$/.test(o.path));
    const rest = generic.filter((o) => !perCollection.includes(o));
    const pick = generator(SEED + 1);
    const sample = [...perCollection].sort(() => pick() - 0.5).slice(0, COLLECTION_SAMPLE);
    ops.push(...rest, ...sample);
    const layer = await firstSlug(s.db.knex, 'publik');
    const element = ((await (await s.get('/api/elements?limit=1')).json()) as { items: { id: string }[] }).items[0]?.id;
    const agency = await s.db.knex('layers').where('slug', layer).first<{ agency_code: string }>('agency_code');
    Object.assign(real, {
      layer,
      agency: agency?.agency_code ?? 'x',
      element: element ?? 'x',
      code: '36.71.01',
      fid: '1',
      featureId: '1',
      z: '12',
      x: '3261',
      y: '2117',
      tileMatrix: '12',
      tileRow: '2117',
      tileCol: '3261',
    });
  });

  /** A path parameter's real value: a layer id (and its agency), an element id or a district code by where it is. */
  function realValue(op: Operation, name: string): string {
    if (name === 'id') return op.path.startsWith('/api/elements') ? (real.element ?? '') : (real.layer ?? '');
    if (name === 'collectionId' || name === 'layers') return real.layer ?? '';
    return real[name] ?? '1';
  }

  function build(op: Operation, next: () => number, hostile: boolean): Request {
    const choose = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T;
    const value = (): string => (next() < 0.2 ? choose(RAW) : encodeURIComponent(choose(HOSTILE)));
    const pathParams = op.params.filter((p) => p.in === 'path');
    const queryParams = op.params.filter((p) => p.in === 'query');
    const r = next();
    const mode = !hostile ? 'none' : r < 0.55 ? 'query' : r < 0.8 ? 'path' : r < 0.9 ? 'header' : 'key';
    const hostilePath = mode === 'path' && pathParams.length > 0 ? choose(pathParams).name : '';
    let url = op.path.replace(/\{([^}]+)\}/g, (_m, name: string) =>
      name === hostilePath ? value() : encodeURIComponent(realValue(op, name)),
    );
    const query: string[] = [];
    if (mode === 'query' && queryParams.length > 0) {
      const n = 1 + Math.floor(next() * Math.min(3, queryParams.length));
      for (let i = 0; i < n; i++) query.push(`${encodeURIComponent(choose(queryParams).name)}=${value()}`);
    }
    if (mode === 'key') query.push(`${value()}=${value()}`, `${choose(RAW)}=1`);
    if (query.length > 0) url += `?${query.join('&')}`;
    const headers: Record<string, string> = mode === 'header' ? { Authorization: choose(AUTH) } : {};
    return { url, headers };
  }

  it('answers no request with a 5xx, and every refusal names an error code', { timeout: 600_000 }, async () => {
    expect(ops.length).toBeGreaterThan(40);
    const next = generator(SEED);
    const requests: Request[] = [];
    for (const op of ops) for (let k = 0; k < CASES_PER_OPERATION; k++) requests.push(build(op, next, k > 0));

    const failures: string[] = [];
    const statuses = new Map<number, number>();
    let cursor = 0;
    // Four at a time, each a fresh anonymous request.
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (cursor < requests.length) {
          const r = requests[cursor++] as Request;
          const res = await s.get(r.url, { headers: r.headers });
          const body = await res.text();
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
          if (res.status >= 500) failures.push(`${res.status} ${r.url.slice(0, 300)} ${body.slice(0, 200)}`);
          else if (res.status >= 400 && /json/.test(res.headers.get('content-type') ?? '')) {
            const parsed = JSON.parse(body) as { error?: { code?: string }; code?: string };
            const code = parsed.error?.code ?? parsed.code;
            if (typeof code !== 'string' || code === '')
              failures.push(`${res.status} without a code: ${r.url.slice(0, 300)}`);
          }
        }
      }),
    );
    expect(failures).toEqual([]);
    // The hostile cases reached both the code that refuses and the code that answers.
    expect(statuses.get(200) ?? 0).toBeGreaterThan(requests.length / 10);
    expect([...statuses.keys()].some((st) => st >= 400 && st < 500)).toBe(true);
    // And the server still serves.
    expect((await s.get('/api/health/ready')).status).toBe(200);
  });
});
