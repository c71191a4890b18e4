import { describe, expect, it } from 'vitest';
import { parseFq } from '../server/interop/ckan-fq.js';
import { useTestServer } from './support/use-test-server.js';

interface Envelope<T> {
  help: string;
  success: boolean;
  result: T;
  error?: { __type: string; message: string; code: string };
}
interface Pkg {
  name: string;
  title: string;
  metadata_modified: string;
  organization: { name: string };
  groups: { name: string }[];
  tags: { name: string }[];
  resources: { format: string; url: string }[];
  extras: { key: string; value: string }[];
}

const s = useTestServer();

const action = <T>(path: string) => s.json<Envelope<T>>(`/api/3/action/${path}`);

describe('CKAN Action API for Satu Data Indonesia', () => {
  it('lists every publik layer and every publik data element (elemen-<id>) as a package, and nothing terbatas', async () => {
    const { body } = await action<string[]>('package_list');
    const count = async (table: string) =>
      Number((await s.db.knex(table).where({ classification: 'publik' }).count<{ n: string }[]>('* as n'))[0]?.n);
    const terbatasElement = (
      await s.db.knex.raw<{ rows: { slug: string }[] }>(
        "select slug from elements where classification = 'terbatas' limit 1",
      )
    ).rows[0];
    expect(body.success).toBe(true);
    expect(body.help).toMatch(/help_show\?name=package_list$/);
    expect(body.result.filter((id) => !id.startsWith('elemen-'))).toHaveLength(await count('layers'));
    expect(body.result.filter((id) => id.startsWith('elemen-'))).toHaveLength(await count('elements'));
    expect(body.result).not.toContain(s.terbatas);
    if (terbatasElement) expect(body.result).not.toContain(`elemen-${terbatasElement.slug}`);
  });

  it('shows a data element as a package whose CSV resource loads back as values', async () => {
    const { body } = await action<Pkg>('package_show?id=elemen-dak-penduduk-kecamatan-kpu2014');
    expect(body.result.name).toBe('elemen-dak-penduduk-kecamatan-kpu2014');
    expect(body.result.organization.name).toBe('disdukcapil');
    expect(body.result.resources.map((r) => r.format)).toEqual(['CSV', 'JSON', 'GeoJSON', 'XML']);
    expect(body.result.extras.find((e) => e.key === 'unit')?.value).toBe('jiwa');
    const csv = await (await s.get((body.result.resources[0]?.url ?? '').replace(s.url, ''))).text();
    const lines = csv.trim().split('\r\n');
    expect(lines[0]).toBe('kode_wilayah,nama_wilayah,tingkat,periode,nilai,status,alasan_kosong,catatan');
    expect(lines.length).toBeGreaterThan(13);
    const search = await action<{ count: number; results: Pkg[] }>('package_search?q=penduduk&rows=1000');
    expect(search.body.result.results.some((p) => p.name.startsWith('elemen-'))).toBe(true);
    expect(search.body.result.results.some((p) => !p.name.startsWith('elemen-'))).toBe(true);
  });

  it('shows a package with its organization, group, tags, resources and Satu Data extras', async () => {
    const { body } = await action<Pkg>('package_show?id=batas-kelurahan-kota-tangerang');
    expect(body.result.organization.name).toBe('setda');
    expect(body.result.groups[0]?.name).toBe('batas-wilayah');
    expect(body.result.tags.map((t) => t.name)).toContain('kemendagri');
    expect(body.result.resources.map((r) => r.format)).toEqual([
      'GeoJSON',
      'CSV',
      'GPKG',
      'SHP',
      'OGC API Features',
      'WFS',
      'WMS',
      'TileJSON',
      'JSON',
      'XML',
    ]);
    expect(body.result.extras.find((e) => e.key === 'sample_data')?.value).toBe('false');
    const geojson = body.result.resources[0]?.url ?? '';
    expect((await s.get(geojson.replace(s.url, ''))).status).toBe(200);
  });

  it('answers a terbatas or unknown package with a CKAN Not Found error and a 404', async () => {
    for (const id of [s.terbatas, 'tidak-ada']) {
      const { status, body } = await action<unknown>(`package_show?id=${id}`);
      expect(status).toBe(404);
      expect(body.success).toBe(false);
      expect(body.error?.__type).toBe('Not Found Error');
    }
  });

  it('searches with q, fq on organization, tags and groups, rows, start and sort', async () => {
    const { body } = await action<{ count: number; results: Pkg[] }>(
      'package_search?q=sekolah&fq=organization:disdik&rows=5',
    );
    expect(body.result.count).toBeGreaterThan(5);
    expect(body.result.results).toHaveLength(5);
    expect(body.result.results.every((p) => p.organization.name === 'disdik')).toBe(true);
    const tagged = await action<{ count: number; results: Pkg[] }>(
      'package_search?fq=tags:%22lampu%20jalan%22%20groups:utilitas&rows=100',
    );
    expect(tagged.body.result.count).toBeGreaterThan(0);
    expect(
      tagged.body.result.results.every(
        (p) => p.tags.some((t) => t.name === 'lampu jalan') && p.groups[0]?.name === 'utilitas',
      ),
    ).toBe(true);
    const page2 = await action<{ results: Pkg[] }>('package_search?q=sekolah&fq=organization:disdik&rows=5&start=5');
    expect(page2.body.result.results[0]?.name).not.toBe(body.result.results[0]?.name);
    const byTitle = await action<{ results: Pkg[] }>('package_search?sort=title_string%20asc&rows=3');
    const titles = byTitle.body.result.results.map((p) => p.title);
    expect(titles).toEqual([...titles].sort((a, b) => a.localeCompare(b)));
    // Layers and elements in one order, paged without gaps or repeats.
    const all = await action<{ count: number; results: Pkg[] }>('package_search?sort=metadata_modified%20desc&rows=40');
    const halves = [
      await action<{ results: Pkg[] }>('package_search?sort=metadata_modified%20desc&rows=20'),
      await action<{ results: Pkg[] }>('package_search?sort=metadata_modified%20desc&rows=20&start=20'),
    ];
    expect(halves.flatMap((h) => h.body.result.results.map((p) => p.name))).toEqual(
      all.body.result.results.map((p) => p.name),
    );
    const modified = all.body.result.results.map((p) => p.metadata_modified);
    expect(modified).toEqual([...modified].sort().reverse());
  });

  it('lists organizations and groups with package counts that add up to the package list', async () => {
    const orgs = await action<{ name: string; package_count: number }[]>('organization_list?all_fields=true');
    const list = await action<string[]>('package_list');
    expect(orgs.body.result).toHaveLength(43);
    expect(orgs.body.result.reduce((n, o) => n + o.package_count, 0)).toBe(list.body.result.length);
    const show = await action<{ title: string }>('organization_show?id=bumd-tirtabenteng');
    expect(show.body.result.title).toMatch(/Tirta Benteng/);
    const groups = await action<string[]>('group_list');
    expect(groups.body.result).toContain('transportasi');
  });

  it.each([
    ['package_search?fq=res_format:CSV', 409, 'invalid_fq'],
    ['package_search?fq=organization', 409, 'invalid_fq'],
    ['package_search?sort=random', 409, 'invalid_sort'],
    ['package_search?rows=-1', 400, 'invalid_parameter'],
    ['package_search?fq=organization:a%20OR', 409, 'invalid_fq'],
    ['package_search?fq=-metadata_modified:[2024-01-01T00:00:00Z%20TO%20*]', 409, 'invalid_fq'],
    ['package_search?fq=metadata_modified:[kemarin%20TO%20*]', 409, 'invalid_fq'],
    ['group_show?id=tidak-ada', 404, 'group_not_found'],
    ['resource_show?id=tidak-ada-geojson', 404, 'resource_not_found'],
    ['help_show?name=package_delete', 404, 'not_found'],
    ['package_show', 400, 'invalid_parameter'],
    ['organization_show?id=tidak-ada', 404, 'organization_not_found'],
  ])('%s answers %i %s', async (path, status, code) => {
    const res = await action<unknown>(path);
    expect(res.status).toBe(status);
    expect(res.body.success).toBe(false);
    expect(res.body.error?.code).toBe(code);
  });

  it('reads fq the way CKAN writes it', () => {
    expect(parseFq('organization:disdik tags:"lampu jalan"')).toEqual({
      organizationIn: ['disdik'],
      organizationNotIn: [],
      tags: 'lampu jalan',
    });
    expect(parseFq('(organization:a OR organization:b) -organization:c +dataset_type:dataset')).toEqual({
      organizationIn: ['a', 'b'],
      organizationNotIn: ['c'],
    });
    expect(parseFq('metadata_modified:[2024-01-01T00:00:00.123456Z TO *]')).toEqual({
      organizationNotIn: [],
      modifiedFrom: '2024-01-01T00:00:00.123Z',
      modifiedTo: undefined,
    });
    expect(parseFq('organization:a organization:b').organizationIn).toEqual([]);
  });
});
