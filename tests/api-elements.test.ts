import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { TokenStore } from '../server/auth/token-store.js';
import { useTestServer } from './support/use-test-server.js';

interface Summary {
  id: string;
  name: string;
  levels: string[];
  isSample: boolean;
  classification: string;
  agency: { code: string };
}
interface Search {
  total: number;
  items: Summary[];
  facets: Record<'agency' | 'theme' | 'level', { code: string; count: number }[]>;
  links: { rel: string; href: string }[];
}
interface ValueItem {
  code: string;
  name: string;
  value: number | null;
  missingReason: string | null;
  status: string;
}
interface Values {
  level: string;
  period: string | null;
  total: number;
  items: ValueItem[];
}
interface ErrorBody {
  error: { code: string; details: { parameter?: string } };
}

// Creates tokens, so it runs on its own copy of the database.
const s = useTestServer({ writable: true });

/** A real table as the fixtures hold it: kode_wilayah,nama_wilayah,tahun,nilai. */
function realCsv(file: string): { code: string; year: string; value: string }[] {
  const [, ...lines] = fs.readFileSync(`fixtures/tangerang/elements/${file}.csv`, 'utf8').trim().split('\n');
  return lines.map((l) => {
    const [code = '', , year = '', value = ''] = l.split(',');
    return { code, year, value: value.trim() };
  });
}

describe('data elements', () => {
  it("holds the city's 5,061 elements, real ones as published and generated ones marked as sample data", async () => {
    const { rows } = await s.db.knex.raw<{ rows: { n: number; real: number }[] }>(
      'select count(*)::int as n, count(*) filter (where not is_sample)::int as real from elements',
    );
    expect(rows[0]).toEqual({ n: 5061, real: 31 });
    const sample = await s.json<{ isSample: boolean; definition: string; caveats: string[] }>(
      '/api/elements/sampel-disdukcapil-jumlah-penduduk',
    );
    expect(sample.body.isSample).toBe(true);
    expect(sample.body.definition).toContain('DATA CONTOH');
  });

  it('loads a real table value for value, with its source, its caveats and an undated period kept unknown', async () => {
    const csv = realCsv('dak_penduduk_kecamatan_kpu2014');
    const detail = await s.json<{
      isSample: boolean;
      source: string;
      caveats: string[];
      periods: { level: string; period: string | null; values: number }[];
    }>('/api/elements/dak-penduduk-kecamatan-kpu2014');
    expect(detail.body.isSample).toBe(false);
    expect(detail.body.source).toContain('sindonews.com');
    expect(detail.body.caveats.length).toBeGreaterThan(0);
    expect(detail.body.periods).toContainEqual(
      expect.objectContaining({ level: 'kecamatan', period: null, values: 13 }),
    );
    const values = await s.json<Values>('/api/elements/dak-penduduk-kecamatan-kpu2014/values');
    expect(values.body).toMatchObject({ level: 'kecamatan', period: null, total: 13 });
    for (const row of csv.filter((r) => r.code.split('.').length === 3)) {
      expect(values.body.items.find((i) => i.code === row.code)?.value).toBe(Number(row.value));
    }
    const city = await s.json<Values>('/api/elements/dak-penduduk-kecamatan-kpu2014/values?level=kota');
    expect(city.body.items[0]?.value).toBe(1631198);
  });

  it('shows what a partial table does not report as missing, never as 0', async () => {
    const csv = realCsv('penduduk_sp2020_kecamatan_sebagian').filter((r) => r.code.split('.').length === 3);
    const values = (await s.json<Values>('/api/elements/penduduk-sp2020-kecamatan-sebagian/values?period=2020')).body
      .items;
    for (const row of csv) {
      const got = values.find((v) => v.code === row.code);
      if (row.value === '') expect(got).toMatchObject({ value: null, missingReason: 'tidak_dilaporkan' });
      else expect(got?.value).toBe(Number(row.value));
    }
    expect(values.filter((v) => v.value === 0)).toEqual([]);
    // BPBD's list of flood-prone kelurahan: listed ones are 1, the others are no data (not listed), not 0.
    const flood = (
      await s.json<Values>('/api/elements/kelurahan-rawan-banjir-bpbd-2021/values?level=kelurahan&period=2021')
    ).body.items;
    expect(flood).toHaveLength(104);
    expect(flood.filter((v) => v.value === 1)).toHaveLength(realCsv('kelurahan_rawan_banjir_bpbd_2021').length);
    expect(flood.filter((v) => v.value === null)).toHaveLength(104 - 18);
    const geo = await s.json<{ features: { id: string; properties: { value: number | null } }[] }>(
      '/api/elements/kelurahan-rawan-banjir-bpbd-2021/geojson?level=kelurahan&period=2021',
    );
    expect(geo.body.features).toHaveLength(104);
    expect(geo.body.features.filter((f) => f.properties.value === 1)).toHaveLength(18);
  });

  it('searches elements in Indonesian with facets whose counts add up to the total', async () => {
    const found = await s.json<Search>('/api/elements?q=penduduk&limit=5');
    expect(found.body.total).toBeGreaterThan(0);
    expect(
      found.body.items
        .map((i) => i.name)
        .join(' ')
        .toLowerCase(),
    ).toContain('penduduk');
    expect(found.body.facets.agency.reduce((n, f) => n + f.count, 0)).toBe(found.body.total);
    expect(found.body.links.find((l) => l.rel === 'next')).toBeDefined();
    const dinkes = await s.json<Search>('/api/elements?agency=dinkes&level=kelurahan&limit=500');
    expect(dinkes.body.items.every((i) => i.agency.code === 'dinkes' && i.levels.includes('kelurahan'))).toBe(true);
    const inYear = await s.json<Search>('/api/elements?period=2021&limit=500');
    expect(inYear.body.items.map((i) => i.id)).toContain('kelurahan-rawan-banjir-bpbd-2021');
  });

  it('offers the values as CSV the way agencies keep their tables', async () => {
    const res = await s.get('/api/elements/sasaran-bedah-rumah-2024-kecamatan/values?format=csv');
    expect(res.headers.get('content-type')).toMatch(/text\/csv/);
    const lines = (await res.text()).trim().split('\r\n');
    expect(lines[0]).toBe('kode_wilayah,nama_wilayah,tingkat,periode,nilai,status,alasan_kosong,catatan');
    expect(lines).toHaveLength(14);
    expect(lines.slice(1).reduce((n, l) => n + Number(l.split(',')[4]), 0)).toBe(449);
  });

  it('maps the change since an earlier period, and gives a district its series over every period', async () => {
    const { rows } = await s.db.knex.raw<{ rows: { slug: string; periods: string[] }[] }>(
      `select e.slug, array_agg(distinct v.period order by v.period) as periods
         from elements e join element_values v on v.element_id = e.id
        where v.level = 'kecamatan' and e.classification = 'publik' and e.derivation is null
        group by e.slug having count(distinct v.period) >= 2 order by e.slug limit 1`,
    );
    const pick = rows[0];
    if (!pick) throw new Error('no element with two kecamatan periods');
    const [then, now] = [pick.periods[0] ?? '', pick.periods.at(-1) ?? ''];
    const base = `/api/elements/${pick.slug}`;
    const a = new Map(
      (await s.json<Values>(`${base}/values?level=kecamatan&period=${then}`)).body.items.map((v) => [v.code, v.value]),
    );
    const b = (await s.json<Values>(`${base}/values?level=kecamatan&period=${now}`)).body.items;
    const change = await s.json<{
      since: string;
      change: boolean;
      period: string;
      items: (ValueItem & { base: number | null })[];
    }>(`${base}/values?level=kecamatan&period=${now}&since=${then}`);
    expect(change.status).toBe(200);
    expect(change.body).toMatchObject({ since: then, change: true, period: now });
    for (const v of b) {
      const got = change.body.items.find((c) => c.code === v.code);
      const before = a.get(v.code) ?? null;
      if (v.value === null || before === null) expect(got?.value).toBeNull();
      else expect(got?.value).toBeCloseTo(v.value - before, 6);
      expect(got?.base).toBe(before);
    }
    const classes = await s.json<{ since: string; classes: { count: number }[]; noData: number }>(
      `${base}/classes?level=kecamatan&period=${now}&since=${then}&method=equal&k=3`,
    );
    expect(classes.body.since).toBe(then);
    expect(classes.body.classes.reduce((n, c) => n + c.count, 0) + classes.body.noData).toBe(13);
    const series = await s.json<{ district: { code: string }; items: { period: string; value: number | null }[] }>(
      `${base}/series?code=367104`,
    );
    expect(series.body.district.code).toBe('36.71.04');
    expect(series.body.items.map((i) => i.period)).toEqual(pick.periods);
    expect(series.body.items.at(-1)?.value).toBe(b.find((v) => v.code === '36.71.04')?.value);
    for (const [path, status, code] of [
      [`${base}/values?level=kecamatan&period=${now}&since=${now}`, 400, 'invalid_parameter'],
      [`${base}/values?level=kecamatan&since=1901`, 400, 'invalid_parameter'],
      [`${base}/values?level=kecamatan&since=${then}&format=csv`, 400, 'invalid_parameter'],
      [`${base}/series?code=36.99`, 404, 'district_not_found'],
      [`${base}/series`, 400, 'invalid_parameter'],
      ['/api/elements/tidak-ada/series?code=36.71', 404, 'element_not_found'],
    ] as const) {
      const r = await s.json<ErrorBody>(path);
      expect([r.status, r.body.error.code], path).toEqual([status, code]);
    }
  });

  it('computes class breaks on the server that cover every value once', async () => {
    const values = (await s.json<Values>('/api/elements/dak-penduduk-kecamatan-kpu2014/values')).body.items.map(
      (v) => v.value as number,
    );
    for (const method of ['quantile', 'jenks', 'equal', 'stddev']) {
      const c = await s.json<{
        breaks: number[];
        classes: { from: number; to: number; count: number }[];
        noData: number;
      }>(`/api/elements/dak-penduduk-kecamatan-kpu2014/classes?method=${method}&k=4`);
      expect(c.body.breaks[0]).toBe(Math.min(...values));
      expect(c.body.breaks.at(-1)).toBe(Math.max(...values));
      expect(c.body.classes.reduce((n, k) => n + k.count, 0)).toBe(13);
      expect(c.body.noData).toBe(0);
    }
  });

  it("profiles a kelurahan: each element's latest value there, its rank among its siblings, and the layers there", async () => {
    const p = await s.json<{
      district: { code: string };
      elements: { slug: string; period: string; value: number; rank: number | null; siblings: number | null }[];
      layers: unknown[];
    }>('/api/districts/36.71.04.1004/profile');
    expect(p.body.district.code).toBe('36.71.04.1004');
    expect(p.body.layers.length).toBeGreaterThan(0);
    const flood = p.body.elements.find((e) => e.slug === 'kelurahan-rawan-banjir-bpbd-2021');
    const listed = realCsv('kelurahan_rawan_banjir_bpbd_2021').some((r) => r.code === '36.71.04.1004');
    expect(flood !== undefined).toBe(listed);
    const e = p.body.elements.find((x) => x.slug === 'sampel-disdukcapil-jumlah-penduduk');
    if (!e) throw new Error('the population element has no kelurahan value for Pajang');
    const siblings = (
      await s.json<Values>(`/api/elements/sampel-disdukcapil-jumlah-penduduk/values?level=kelurahan&period=${e.period}`)
    ).body.items.filter((v) => v.code.startsWith('36.71.04.') && v.value !== null);
    expect(e.siblings).toBe(siblings.length);
    expect(e.rank).toBe(1 + siblings.filter((v) => (v.value as number) > e.value).length);
  });

  it('hides a terbatas element from anonymous callers everywhere and shows it to a viewer of its agency', async () => {
    const {
      rows: [hidden],
    } = await s.db.knex.raw<{ rows: { slug: string; agency_code: string; name: string }[] }>(
      `select slug, agency_code, name from elements where classification = 'terbatas' and value_count > 0 order by slug limit 1`,
    );
    if (!hidden) throw new Error('the fixtures lack a terbatas element');
    for (const path of ['', '/values', '/geojson', '/classes']) {
      const res = await s.get(`/api/elements/${hidden.slug}${path}`);
      expect(res.status).toBe(404);
      expect(((await res.json()) as ErrorBody).error.code).toBe('element_not_found');
    }
    const {
      rows: [counts],
    } = await s.db.knex.raw<{ rows: { publik: number }[] }>(
      `select count(*) filter (where classification = 'publik')::int as publik from elements`,
    );
    expect((await s.json<Search>('/api/elements?limit=1')).body.total).toBe(counts?.publik);
    const { token } = await new TokenStore(s.db.knex).create({
      name: 'elements viewer',
      role: 'viewer',
      agencies: [hidden.agency_code],
      createdBy: 'test',
    });
    const auth = { headers: { Authorization: `Bearer ${token}` } };
    expect((await s.get(`/api/elements/${hidden.slug}`, auth)).status).toBe(200);
    const res = await s.get(`/api/elements?agency=${hidden.agency_code}&limit=500`, auth);
    expect(res.headers.get('cache-control')).toMatch(/private/);
    expect(((await res.json()) as Search).items.map((i) => i.id)).toContain(hidden.slug);
  });

  it.each([
    ['/api/elements?level=rt', 400, 'invalid_parameter'],
    ['/api/elements?agency=tidak-ada', 400, 'unknown_agency'],
    ['/api/elements?theme=tidak-ada', 400, 'unknown_theme'],
    ['/api/elements?period=2024-13-01', 400, 'invalid_parameter'],
    ['/api/elements?limit=0', 400, 'invalid_parameter'],
    ['/api/elements?warna=merah', 400, 'unknown_parameter'],
    ['/api/elements/tidak-ada', 404, 'element_not_found'],
    ['/api/elements/tidak-ada%00x/values', 400, 'bad_request'],
    ['/api/elements?q=penduduk%00', 400, 'bad_request'],
    ['/api/elements/dak-penduduk-kecamatan-kpu2014/values?level=kelurahan', 400, 'invalid_parameter'],
    ['/api/elements/dak-penduduk-kecamatan-kpu2014/values?period=1999', 400, 'invalid_parameter'],
    ['/api/elements/dak-penduduk-kecamatan-kpu2014/values?format=xlsx', 400, 'invalid_parameter'],
    ['/api/elements/dak-penduduk-kecamatan-kpu2014/classes?method=kmeans', 400, 'invalid_parameter'],
    ['/api/elements/dak-penduduk-kecamatan-kpu2014/classes?k=10', 400, 'invalid_parameter'],
    ['/api/elements/dak-penduduk-kecamatan-kpu2014/classes?k=1', 400, 'invalid_parameter'],
    ['/api/districts/99.99/profile', 404, 'district_not_found'],
  ])('%s answers %i %s', async (path, status, code) => {
    const res = await s.get(path);
    expect(res.status).toBe(status);
    expect(((await res.json()) as ErrorBody).error.code).toBe(code);
  });
});
