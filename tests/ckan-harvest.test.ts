import { beforeAll, describe, expect, it } from 'vitest';
import { TokenStore } from '../server/auth/token-store.js';
import { useTestServer } from './support/use-test-server.js';

interface Pkg {
  id: string;
  name: string;
  metadata_modified: string;
  license_id: string;
  isopen: boolean;
  organization: { name: string };
  resources: { id: string; url: string; position: number; format: string }[];
}
interface Envelope<T> {
  success: boolean;
  result: T;
  error?: { __type: string; code: string };
}

// Changes a layer and an element between two harvests, so it runs on its own copy of the database.
const s = useTestServer({ writable: true });
let admin = '';
const action = async <T>(path: string): Promise<Envelope<T>> =>
  (await (await s.get(`/api/3/action/${path}`)).json()) as Envelope<T>;

beforeAll(async () => {
  admin = (await new TokenStore(s.db.knex).create({ name: 'walidata', role: 'admin', agencies: [], createdBy: 'test' }))
    .token;
});

/**
 * The gather stage as ckanext-harvest's CKAN harvester runs it: package_search pages sorted by
 * `id asc`, `start` moved on by `rows` until a page comes back empty, ids seen on an earlier page
 * weeded out, the optional fq terms joined by spaces. The package dicts of the pages are what it
 * imports.
 */
async function gather(fqTerms: string[] = [], rows = 500): Promise<Pkg[]> {
  const found = new Map<string, Pkg>();
  let previous = '';
  for (let start = 0; ; start += rows) {
    const params = new URLSearchParams({ rows: String(rows), start: String(start), sort: 'id asc' });
    if (fqTerms.length) params.set('fq', fqTerms.join(' '));
    const res = await s.get(`/api/3/action/package_search?${params}`);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text, 'the same page twice: paging does not work').not.toBe(previous);
    previous = text;
    const page = (JSON.parse(text) as Envelope<{ results: Pkg[] }>).result.results;
    if (page.length === 0) break;
    for (const p of page) if (!found.has(p.id)) found.set(p.id, p);
  }
  return [...found.values()];
}

describe('the stock CKAN harvester', () => {
  let firstRun = '';

  it('gathers every publik package once, in id order, with what it imports', async () => {
    firstRun = new Date().toISOString();
    const list = (await action<string[]>('package_list')).result;
    const gathered = await gather();
    expect(gathered.map((p) => p.id).sort()).toEqual([...list].sort());
    const ids = gathered.map((p) => p.id);
    expect(ids).toEqual([...ids].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    // Licences are CKAN register ids: the sample layers' "CC BY 4.0", the boundaries' MIT source.
    const sample = gathered.find((p) => p.id.startsWith('disdik-'));
    expect([sample?.license_id, sample?.isopen]).toEqual(['cc-by', true]);
    const boundary = gathered.find((p) => p.id === 'batas-kota-tangerang');
    expect(boundary?.license_id).toBe('other-open');
    expect(boundary?.resources.map((r) => r.position)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(gathered.some((p) => p.id.startsWith('elemen-'))).toBe(true);
  });

  it('gathers only what changed since the last run with fq=metadata_modified:[… TO *]', async () => {
    await new Promise((r) => setTimeout(r, 20));
    // A producer loads new values into one element; another layer's features change.
    const csv = 'kode_wilayah,periode,nilai\n36.71.01,2030,5\n';
    const load = await s.get('/api/elements/dak-penduduk-kecamatan-kpu2014/values', {
      method: 'POST',
      headers: { Authorization: `Bearer ${admin}`, 'Content-Type': 'text/csv' },
      body: csv,
    });
    // A real element that takes tahunan periods may refuse 2030 only by frequency; either way it must not be a 5xx.
    expect(load.status).toBeLessThan(500);
    await s.db.knex.raw(
      `update features set properties = properties || '{"diubah": true}'::jsonb
        where layer_id = (select id from layers where slug = 'batas-kelurahan-kota-tangerang') and fid = 1`,
    );
    const changed = await gather([`metadata_modified:[${firstRun.replace('Z', '000Z')} TO *]`]);
    const expected = ['batas-kelurahan-kota-tangerang'];
    if (load.status === 200) expected.push('elemen-dak-penduduk-kecamatan-kpu2014');
    expect(changed.map((p) => p.id).sort()).toEqual(expected.sort());
  });

  it('filters organizations the way harvest sources configure them', async () => {
    const count = async (fq: string) =>
      (await action<{ count: number; results: Pkg[] }>(`package_search?rows=1000&fq=${encodeURIComponent(fq)}`)).result;
    const disdik = await count('organization:disdik');
    const dinkes = await count('organization:dinkes');
    const both = await count('organization:disdik OR organization:dinkes');
    expect(both.count).toBe(disdik.count + dinkes.count);
    expect(both.results.every((p) => ['disdik', 'dinkes'].includes(p.organization.name))).toBe(true);
    const all = (await action<{ count: number }>('package_search?rows=0')).result.count;
    const notDisdik = await count('-organization:disdik');
    expect(notDisdik.count).toBe(all - disdik.count);
    expect(notDisdik.results.some((p) => p.organization.name === 'disdik')).toBe(false);
  });

  it('answers what CKAN clients ask besides: POST bodies, rows=0 and clamped rows, fl, and the other actions', async () => {
    const list = (await action<string[]>('package_list')).result;
    expect((await action<{ count: number; results: unknown[] }>('package_search?rows=0')).result).toMatchObject({
      count: list.length,
      results: [],
    });
    expect((await action<{ results: unknown[] }>('package_search?rows=5000')).result.results).toHaveLength(1000);
    const posted = (await (
      await s.get('/api/3/action/package_search', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ q: 'sekolah', rows: 3, fl: 'id,title', 'facet.field': ['organization'] }),
      })
    ).json()) as Envelope<{ count: number; results: Record<string, unknown>[] }>;
    expect(posted.success).toBe(true);
    expect(posted.result.results).toHaveLength(3);
    expect(Object.keys(posted.result.results[0] ?? {}).sort()).toEqual(['id', 'title']);
    const form = (await (
      await s.get('/api/3/action/package_show', {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: 'id=batas-kota-tangerang',
      })
    ).json()) as Envelope<Pkg>;
    expect(form.result.name).toBe('batas-kota-tangerang');
    expect((await action<string[]>('package_list?limit=10&offset=5')).result).toEqual(list.slice(5, 15));
    expect((await action<{ ckan_version: string }>('status_show')).result.ckan_version).toMatch(/^2\./);
    expect((await action<string>('help_show?name=package_search')).result).toMatch(/fq/);
    expect((await action<{ id: string }[]>('license_list')).result.map((l) => l.id)).toContain('cc-by');
    expect(
      (await action<{ package_count: number }>('group_show?id=transportasi')).result.package_count,
    ).toBeGreaterThan(0);
    expect((await action<string[]>('tag_list?query=sekolah')).result.length).toBeGreaterThan(0);
    const resource = await action<{ id: string; format: string }>('resource_show?id=batas-kota-tangerang-geojson');
    expect(resource.result).toMatchObject({ id: 'batas-kota-tangerang-geojson', format: 'GeoJSON' });
    const current = await action<Pkg[]>('current_package_list_with_resources?limit=5');
    expect(current.result).toHaveLength(5);
    const times = current.result.map((p) => p.metadata_modified);
    expect(times).toEqual([...times].sort().reverse());
  });
});
