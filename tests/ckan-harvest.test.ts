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
type FullPkg = Pkg & { groups: { name: string }[]; tags: { name: string }[] };
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
        where layer_id = (select storage_id from layers where slug = 'batas-kelurahan-kota-tangerang') and fid = 1`,
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
  it('counts facets over every match, not just the page, and refuses a facet it does not count', async () => {
    const params = new URLSearchParams({
      q: 'sekolah',
      rows: '2',
      'facet.field': JSON.stringify(['organization', 'groups', 'tags', 'license_id', 'res_format']),
      'facet.limit': '-1',
    });
    const res = await action<{
      count: number;
      results: unknown[];
      facets: Record<string, Record<string, number>>;
      search_facets: Record<string, { items: { name: string; display_name: string; count: number }[] }>;
    }>(`package_search?${params}`);
    expect(res.result.results).toHaveLength(2);
    // Every match, read whole, counted here the same way.
    const matches = (await action<{ results: FullPkg[] }>('package_search?q=sekolah&rows=1000')).result.results;
    expect(matches.length).toBe(res.result.count);
    const tally = (names: string[]) =>
      names.reduce<Record<string, number>>((t, n) => ({ ...t, [n]: (t[n] ?? 0) + 1 }), {});
    expect(res.result.facets.organization).toEqual(tally(matches.map((p) => p.organization.name)));
    expect(res.result.facets.groups).toEqual(tally(matches.flatMap((p) => p.groups.map((g) => g.name))));
    expect(res.result.facets.tags).toEqual(tally(matches.flatMap((p) => [...new Set(p.tags.map((t) => t.name))])));
    expect(res.result.facets.license_id).toEqual(tally(matches.map((p) => p.license_id)));
    expect(res.result.facets.res_format).toEqual(
      tally(matches.flatMap((p) => [...new Set(p.resources.map((r) => r.format))])),
    );
    const counts = res.result.search_facets.organization?.items.map((i) => i.count) ?? [];
    expect(counts).toEqual([...counts].sort((a, b) => b - a));
    expect(res.result.search_facets.organization?.items[0]?.display_name).not.toBe('');
    const top = await action<{ facets: Record<string, Record<string, number>> }>(
      `package_search?rows=0&facet.field=${encodeURIComponent('["tags"]')}&facet.limit=3`,
    );
    expect(Object.keys(top.result.facets.tags ?? {})).toHaveLength(3);
    const none = await action<{ facets: object }>(`package_search?rows=0&facet=false&facet.field=["tags"]`);
    expect(none.result.facets).toEqual({});
    for (const bad of ['["nonsense"]', '["organization"', '[1]']) {
      const r = await s.get(`/api/3/action/package_search?facet.field=${encodeURIComponent(bad)}`);
      expect(r.status, bad).toBe(409);
      const body = (await r.json()) as Envelope<unknown>;
      expect(body.success).toBe(false);
      expect(body.error?.code, bad).toBe('invalid_facet');
    }
  });

  it('dates each package: metadata_created no later than metadata_modified', async () => {
    const { results } = (
      await action<{ results: (Pkg & { metadata_created: string })[] }>('package_search?rows=1000&sort=id%20asc')
    ).result;
    for (const p of results) {
      expect(p.metadata_created, p.id).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+$/);
      expect(Date.parse(`${p.metadata_created}Z`)).toBeLessThanOrEqual(Date.parse(`${p.metadata_modified}Z`) + 1000);
    }
  });
});
