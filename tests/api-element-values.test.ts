import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import { TokenStore } from '../server/auth/token-store.js';
import { useTestServer } from './support/use-test-server.js';

interface Upload {
  received: number;
  inserted: number;
  updated: number;
  unchanged: number;
  deleted: number;
  elements: { id: string; previousVersion: number; dataVersion: number }[];
  recomputed: string[];
  warnings: { total: number; items: { element: string; district: string; published: number; sum: number }[] };
}
interface ErrorBody {
  error: {
    code: string;
    message: string;
    details: { problems?: { row: number; column: string | null; code: string }[]; totalProblems?: number };
  };
}
interface Values {
  period: string | null;
  items: {
    code: string;
    value: number | null;
    missingReason: string | null;
    status: string;
    footnote: string | null;
  }[];
}

// Creates elements and loads values, so it runs on its own copy of the database.
const s = useTestServer({ writable: true, env: { VALUES_MAX_ROWS: '100000' } });
const tokens = { dinsos: '', dinkes: '', admin: '' };
const auth = (who: keyof typeof tokens) => ({ Authorization: `Bearer ${tokens[who]}` });
let kecamatan: { code: string; compact: string; name: string }[] = [];
let theme = '';

beforeAll(async () => {
  const store = new TokenStore(s.db.knex);
  tokens.dinsos = (
    await store.create({ name: 'dinsos', role: 'editor', agencies: ['dinsos'], createdBy: 'test' })
  ).token;
  tokens.dinkes = (
    await store.create({ name: 'dinkes', role: 'editor', agencies: ['dinkes'], createdBy: 'test' })
  ).token;
  tokens.admin = (await store.create({ name: 'admin', role: 'admin', agencies: [], createdBy: 'test' })).token;
  kecamatan = await sql<{ code: string; compact: string; name: string }>(
    "select code, code_compact as compact, name from districts where level = 'kecamatan' order by code",
  );
  theme = (await sql<{ code: string }>('select code from themes order by code limit 1'))[0]?.code ?? '';
  for (const [slug, measureType, frequency] of [
    ['uji-penerima-bansos', 'count', 'tahunan'],
    ['uji-persen-kemiskinan', 'percentage', 'tahunan'],
    ['uji-bansos-bulanan', 'count', 'bulanan'],
    ['uji-bansos-semester', 'count', 'semesteran'],
  ] as const) {
    const res = await post('/api/elements', 'dinsos', {
      body: JSON.stringify({
        slug,
        name: `Uji ${slug}`,
        unit: measureType === 'percentage' ? '%' : 'jiwa',
        measureType,
        frequency,
        agency: 'dinsos',
        theme,
      }),
      headers: { 'Content-Type': 'application/json' },
    });
    expect(res.status, await res.clone().text()).toBe(201);
  }
});

function post(
  path: string,
  who: keyof typeof tokens | null,
  init: { body: BodyInit; headers?: Record<string, string> },
) {
  return s.get(path, {
    method: 'POST',
    body: init.body,
    headers: { ...(who ? auth(who) : {}), ...(init.headers ?? {}) },
  });
}

async function sql<T>(text: string, bindings: string[] = []): Promise<T[]> {
  return (await s.db.knex.raw<{ rows: T[] }>(text, bindings)).rows;
}

const csv = (rows: string[]) => rows.join('\n') + '\n';
const upload = (slug: string, body: BodyInit, query = '', who: keyof typeof tokens = 'dinsos', type = 'text/csv') =>
  post(`/api/elements/${slug}/values${query}`, who, { body, headers: { 'Content-Type': type } });

async function values(slug: string, level: string, period: string): Promise<Values['items']> {
  const r = await s.json<Values>(`/api/elements/${slug}/values?level=${level}&period=${period}`);
  expect(r.status).toBe(200);
  return r.body.items;
}

/** Everything a rejected upload must leave as it was: values, version and history of the element. */
async function snapshot(slug: string) {
  const { rows } = await s.db.knex.raw<{ rows: { h: string | null; v: number; n: number }[] }>(
    `select (select md5(string_agg(concat_ws('|', level, period, district_code, value, missing_reason, status, footnote), ',' order by level, period, district_code))
               from element_values where element_id = e.id) as h,
            e.data_version as v, (select count(*)::int from element_history where element_id = e.id) as n
       from elements e where e.slug = ?`,
    [slug],
  );
  return rows[0];
}

async function xlsx(rows: (string | number | { formula: string; result?: number } | null)[][]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('data');
  for (const r of rows) ws.addRow(r);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

describe('data element values: uploads', () => {
  it('creates an element for uploads with an audit record, and refuses one that exists', async () => {
    const detail = await s.json<{ id: string; unit: string; measureType: string }>('/api/elements/uji-penerima-bansos');
    expect(detail.status).toBe(200);
    expect(detail.body.unit).toBe('jiwa');
    const hist = await s.json<{ items: { action: string; actor: string }[] }>(
      '/api/elements/uji-penerima-bansos/history',
    );
    expect(hist.body.items.map((i) => i.action)).toEqual(['create']);
    expect(hist.body.items[0]?.actor).toContain('dinsos');
    const again = await post('/api/elements', 'dinsos', {
      body: JSON.stringify({
        slug: 'uji-penerima-bansos',
        name: 'Lagi',
        unit: 'jiwa',
        measureType: 'count',
        frequency: 'tahunan',
        agency: 'dinsos',
        theme,
      }),
      headers: { 'Content-Type': 'application/json' },
    });
    expect(again.status).toBe(409);
    expect(((await again.json()) as ErrorBody).error.code).toBe('element_exists');
  });

  it('loads a CSV of kecamatan by code (dotted and compact), with statuses, notes and missing values', async () => {
    const rows = kecamatan.map((k, i) =>
      i === 0
        ? `${k.code},2023,,sementara,belum dilaporkan`
        : i === 1
          ? `${k.code},2023,x,,`
          : `${i % 2 ? k.compact : k.code},2023,${1000 + i},${i === 2 ? 'sementara' : 'tetap'},${i === 3 ? '"catatan, dengan koma"' : ''}`,
    );
    const before = await snapshot('uji-penerima-bansos');
    const res = await upload('uji-penerima-bansos', csv(['kode_wilayah,periode,nilai,status,catatan', ...rows]));
    const body = (await res.json()) as Upload;
    expect(res.status, JSON.stringify(body)).toBe(200);
    expect(body).toMatchObject({ received: 13, inserted: 13, updated: 0, unchanged: 0, deleted: 0 });
    expect(body.elements[0]?.previousVersion).toBe(before?.v);
    expect(body.elements[0]?.dataVersion).toBeGreaterThan(before?.v ?? 0);
    const got = await values('uji-penerima-bansos', 'kecamatan', '2023');
    expect(got).toHaveLength(13);
    const first = kecamatan[0]?.code ?? '';
    const byCode = new Map(got.map((v) => [v.code, v]));
    expect(byCode.get(first)).toMatchObject({ value: null, missingReason: 'tidak_dilaporkan', status: 'sementara' });
    expect(byCode.get(first)?.footnote).toBe('belum dilaporkan');
    expect(byCode.get(kecamatan[1]?.code ?? '')).toMatchObject({ value: null, missingReason: 'rahasia' });
    expect(byCode.get(kecamatan[2]?.code ?? '')).toMatchObject({ value: 1002, status: 'sementara' });
    expect(byCode.get(kecamatan[3]?.code ?? '')?.footnote).toBe('catatan, dengan koma');
    expect(byCode.get(kecamatan[12]?.code ?? '')?.value).toBe(1012);
    const hist = await s.json<{ items: { action: string; details: { received: number } }[] }>(
      '/api/elements/uji-penerima-bansos/history',
    );
    expect(hist.body.items[0]).toMatchObject({ action: 'load_values', details: { received: 13 } });
    // Search (its own narrow table, kept in step by a trigger) now knows the element's level.
    const found = await s.json<{ total: number; items: { id: string; levels: string[] }[] }>(
      '/api/elements?q=uji%20penerima%20bansos&level=kecamatan',
    );
    expect(found.body.items.map((i) => i.id)).toEqual(['uji-penerima-bansos']);
    expect(found.body.items[0]?.levels).toEqual(['kecamatan']);
  });

  it('loads its own full CSV download back unchanged, missing values and their reasons included', async () => {
    const before = await snapshot('uji-penerima-bansos');
    const csvText = await (await s.get('/api/elements/uji-penerima-bansos/values.csv')).text();
    expect(csvText).toContain(',rahasia,');
    const res = await upload('uji-penerima-bansos', csvText, '?mode=merge');
    const body = (await res.json()) as Upload;
    expect(res.status, JSON.stringify(body)).toBe(200);
    expect(body.updated).toBe(0);
    expect(body.unchanged).toBe(body.received);
    expect((await snapshot('uji-penerima-bansos'))?.h).toBe(before?.h);
  });

  it('reads what Excel writes in an Indonesian locale: semicolons, a BOM, CRLF, 1.234,5, names and Kecamatan A / Kelurahan B', async () => {
    const [kel] = await sql<{ code: string; name: string; parent: string }>(
      `select k.code, k.name, p.name as parent from districts k join districts p on p.code = k.parent_code
        where k.level = 'kelurahan' order by k.code limit 1`,
    );
    if (!kel) throw new Error('no kelurahan');
    const text =
      '\uFEFFKode_Wilayah;Tahun;Nilai\r\n' +
      `Kecamatan ${kecamatan[4]?.name};2024;1.234,5\r\n` +
      `${kecamatan[5]?.code};2024;12,5\r\n` +
      `${kecamatan[6]?.code};2024;7.654.321\r\n` +
      `${kel.parent} / ${kel.name};2024;"2.000"\r\n`;
    // "2.000" alone could be two thousand or two: the upload says the file is Indonesian.
    const res = await upload('uji-penerima-bansos', text, '?decimal=comma');
    expect(res.status, await res.clone().text()).toBe(200);
    const got = new Map((await values('uji-penerima-bansos', 'kecamatan', '2024')).map((v) => [v.code, v.value]));
    expect(got.get(kecamatan[4]?.code ?? '')).toBe(1234.5);
    expect(got.get(kecamatan[5]?.code ?? '')).toBe(12.5);
    expect(got.get(kecamatan[6]?.code ?? '')).toBe(7654321);
    const kelValues = await values('uji-penerima-bansos', 'kelurahan', '2024');
    expect(kelValues.find((v) => v.code === kel.code)?.value).toBe(2000);
  });

  it('takes decimal=comma / decimal=point for numbers that could be read both ways', async () => {
    const file = csv(['kode_wilayah,periode,nilai', `${kecamatan[0]?.code},2022,"1,234"`]);
    const auto = await upload('uji-penerima-bansos', file);
    expect(auto.status).toBe(422);
    expect(((await auto.json()) as ErrorBody).error.details.problems?.[0]?.code).toBe('ambiguous_number');
    expect((await upload('uji-penerima-bansos', file, '?decimal=point')).status).toBe(200);
    expect((await values('uji-penerima-bansos', 'kecamatan', '2022')).find((v) => v.value !== null)?.value).toBe(1234);
    expect((await upload('uji-penerima-bansos', file, '?decimal=comma')).status).toBe(200);
    expect((await values('uji-penerima-bansos', 'kecamatan', '2022')).find((v) => v.value !== null)?.value).toBe(1.234);
  });

  it('merges (changed rows updated, equal rows unchanged) and replaces', async () => {
    const rows = kecamatan.map((k, i) => `${k.code},2021,${i === 0 ? 5 : 10}`);
    expect((await upload('uji-penerima-bansos', csv(['kode_wilayah,periode,nilai', ...rows]))).status).toBe(200);
    rows[0] = `${kecamatan[0]?.code},2021,6`;
    const merged = (await (
      await upload('uji-penerima-bansos', csv(['kode_wilayah,periode,nilai', ...rows]))
    ).json()) as Upload;
    expect(merged).toMatchObject({ received: 13, inserted: 0, updated: 1, unchanged: 12 });
    const total = Number(
      (
        await s.db
          .knex('element_values as v')
          .join('elements as e', 'e.id', 'v.element_id')
          .where('e.slug', 'uji-penerima-bansos')
          .count<{ n: string }[]>('* as n')
      )[0]?.n,
    );
    const replaced = (await (
      await upload('uji-penerima-bansos', csv(['kode_wilayah,periode,nilai', ...rows]), '?mode=replace')
    ).json()) as Upload;
    expect(replaced).toMatchObject({ received: 13, inserted: 13, deleted: total });
    const detail = await s.json<{ periods: { period: string }[] }>('/api/elements/uji-penerima-bansos');
    expect(detail.body.periods.map((p) => p.period)).toEqual(['2021']);
  });

  it('reads an .xlsx workbook: numbers, text numbers and names (level= tells a kecamatan from its namesake kelurahan)', async () => {
    const book = await xlsx([
      ['kode_wilayah', 'periode', 'nilai', 'status'],
      ...kecamatan.map((k, i) => [i % 2 ? k.name : k.code, 2020, i === 3 ? '1.500,25' : 100 + i, 'tetap']),
    ]);
    const res = await upload(
      'uji-penerima-bansos',
      new Uint8Array(book),
      '?level=kecamatan',
      'dinsos',
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    );
    expect(res.status, await res.clone().text()).toBe(200);
    const got = new Map((await values('uji-penerima-bansos', 'kecamatan', '2020')).map((v) => [v.code, v.value]));
    expect(got.get(kecamatan[0]?.code ?? '')).toBe(100);
    expect(got.get(kecamatan[3]?.code ?? '')).toBe(1500.25);
    expect(got.get(kecamatan[12]?.code ?? '')).toBe(112);
  });

  it('stores monthly and semester periods as the element publishes them', async () => {
    const monthly = await upload(
      'uji-bansos-bulanan',
      csv(['kode_wilayah,periode,nilai', `${kecamatan[0]?.code},2024-3,4`, `${kecamatan[0]?.code},2024-12,5`]),
    );
    expect(monthly.status).toBe(200);
    expect((await values('uji-bansos-bulanan', 'kecamatan', '2024-03')).find((v) => v.value !== null)?.value).toBe(4);
    const semester = await upload(
      'uji-bansos-semester',
      csv(['kode_wilayah,periode,nilai', `${kecamatan[0]?.code},2024-S1,7`, `${kecamatan[0]?.code},2024-S2,8`]),
    );
    expect(semester.status).toBe(200);
    expect((await values('uji-bansos-semester', 'kecamatan', '2024-12')).find((v) => v.value !== null)?.value).toBe(8);
  });

  it('warns, and still loads, when kecamatan do not add up to the published city total', async () => {
    const rows = [...kecamatan.map((k) => `${k.code},2019,100`), '36.71,2019,1500'];
    const res = await upload('uji-penerima-bansos', csv(['kode_wilayah,periode,nilai', ...rows]));
    const body = (await res.json()) as Upload;
    expect(res.status).toBe(200);
    expect(body.warnings.total).toBe(1);
    expect(body.warnings.items[0]).toMatchObject({
      element: 'uji-penerima-bansos',
      district: '36.71',
      published: 1500,
    });
    expect(body.warnings.items[0]?.sum).toBe(1300);
    const fine = [...kecamatan.map((k) => `${k.code},2018,100`), '36.71,2018,1300'];
    const ok = (await (
      await upload('uji-penerima-bansos', csv(['kode_wilayah,periode,nilai', ...fine]))
    ).json()) as Upload;
    expect(ok.warnings.total).toBe(0);
  });

  it('loads several elements from one file and recomputes the elements computed per 1,000 of a population element', async () => {
    const [pop] = await sql<{ frequency: string }>(
      "select frequency from elements where slug = 'sampel-disdukcapil-jumlah-penduduk'",
    );
    expect(pop?.frequency).toBe('tahunan');
    const ratio = 'peta-posyandu-per-1000-penduduk';
    const sourcePeriod =
      (
        await sql<{ period: string }>(
          'select s.period from element_sources s join elements e on e.id = s.element_id where e.slug = ? limit 1',
          [ratio],
        )
      )[0]?.period ?? '';
    const before = await values(ratio, 'kecamatan', sourcePeriod);
    const rows = kecamatan.map(
      (k) => `sampel-disdukcapil-jumlah-penduduk,${k.code},${sourcePeriod.slice(0, 4)},100000`,
    );
    rows.push(`uji-penerima-bansos,${kecamatan[0]?.code},2017,3`);
    const res = await post('/api/elements/values', 'admin', {
      body: csv(['elemen,kode_wilayah,periode,nilai', ...rows]),
      headers: { 'Content-Type': 'text/csv' },
    });
    const body = (await res.json()) as Upload;
    expect(res.status, JSON.stringify(body)).toBe(200);
    expect(body.elements.map((e) => e.id).sort()).toEqual([
      'sampel-disdukcapil-jumlah-penduduk',
      'uji-penerima-bansos',
    ]);
    expect(body.recomputed).toContain(ratio);
    const after = await values(ratio, 'kecamatan', sourcePeriod);
    const counts = await values('peta-jumlah-posyandu', 'kecamatan', sourcePeriod).catch(() => null);
    for (const v of after) {
      if (v.value === null) continue;
      // 100,000 inhabitants everywhere: the ratio is the count of posyandu divided by 100.
      const count = counts?.find((c) => c.code === v.code)?.value;
      if (count !== undefined && count !== null) expect(v.value).toBeCloseTo(count / 100, 4);
    }
    expect(after).not.toEqual(before);
  });
});

describe('data element values: many loads in a row', () => {
  it('leave no listeners behind on the pooled connections their COPY used', async () => {
    const warnings: string[] = [];
    const listen = (w: Error) => warnings.push(w.name);
    process.on('warning', listen);
    try {
      for (let i = 0; i < 15; i++) {
        const res = await upload(
          'uji-penerima-bansos',
          csv(['kode_wilayah,periode,nilai', `${kecamatan[0]?.code},${1980 + i},${i}`]),
        );
        expect(res.status).toBe(200);
      }
      await new Promise((r) => setTimeout(r, 50));
    } finally {
      process.off('warning', listen);
    }
    expect(warnings).not.toContain('MaxListenersExceededWarning');
  });
});

describe('data element values: who may load', () => {
  const file = () => csv(['kode_wilayah,periode,nilai', `${kecamatan[0]?.code},2016,1`]);
  it('refuses anonymous (401), another agency (403), a hidden element (404) and a computed one (409)', async () => {
    expect((await upload('uji-penerima-bansos', file(), '', null as unknown as 'dinsos')).status).toBe(401);
    const other = await upload('uji-penerima-bansos', file(), '', 'dinkes');
    expect(other.status).toBe(403);
    expect((await upload('tidak-ada-elemen', file())).status).toBe(404);
    const computed = await upload('peta-jumlah-sekolah-dasar', file(), '', 'admin');
    expect(computed.status).toBe(409);
    expect(((await computed.json()) as ErrorBody).error.code).toBe('element_not_loadable');
  });

  it('names, in a bulk file, the rows for elements the token may not load', async () => {
    const res = await post('/api/elements/values', 'dinkes', {
      body: csv(['elemen,kode_wilayah,periode,nilai', `uji-penerima-bansos,${kecamatan[0]?.code},2016,1`]),
      headers: { 'Content-Type': 'text/csv' },
    });
    expect(res.status).toBe(422);
    expect(((await res.json()) as ErrorBody).error.details.problems?.[0]).toMatchObject({
      row: 2,
      column: 'elemen',
      code: 'element_not_loadable',
    });
  });
});

interface BadCase {
  name: string;
  body: () => BodyInit | Promise<BodyInit>;
  slug?: string;
  query?: string;
  type?: string;
  status: number;
  code: string;
  /** The first problem's row, column and code (for 422). */
  problem?: [number, string | null, string];
}

const H = 'kode_wilayah,periode,nilai';
const k0 = () => kecamatan[0]?.code ?? '';
const k1 = () => kecamatan[1]?.code ?? '';
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

const BAD: BadCase[] = [
  { name: 'empty body', body: () => '', status: 400, code: 'empty_file' },
  { name: 'header only', body: () => `${H}\n`, status: 400, code: 'empty_file' },
  { name: 'blank lines only', body: () => '\n\n\n', status: 400, code: 'empty_file' },
  {
    name: 'unknown column',
    body: () => `kode_wilayah,periode,nilai,warna\n${k0()},2015,1,x\n`,
    status: 400,
    code: 'invalid_header',
  },
  {
    name: 'missing nilai column',
    body: () => `kode_wilayah,periode\n${k0()},2015\n`,
    status: 400,
    code: 'invalid_header',
  },
  {
    name: 'column twice',
    body: () => `kode_wilayah,periode,nilai,nilai\n${k0()},2015,1,2\n`,
    status: 400,
    code: 'invalid_header',
  },
  {
    name: 'elemen column on one element',
    body: () => `elemen,${H}\nuji-penerima-bansos,${k0()},2015,1\n`,
    status: 400,
    code: 'invalid_header',
  },
  { name: 'no header at all', body: () => `${k0()},2015,1\n`, status: 400, code: 'invalid_header' },
  {
    name: 'UTF-16 text',
    body: () => Buffer.from(`\uFEFF${H}\n${k0()},2015,1\n`, 'utf16le'),
    status: 400,
    code: 'invalid_encoding',
  },
  {
    name: 'Windows-1252 text',
    body: () => Buffer.concat([Buffer.from(`${H},catatan\n${k0()},2015,1,caf`), Buffer.from([0xe9, 0x0a])]),
    status: 400,
    code: 'invalid_encoding',
  },
  { name: 'unclosed quote', body: () => `${H}\n${k0()},2015,"1\n`, status: 400, code: 'invalid_csv' },
  { name: 'an endless line', body: () => `${H}\n${k0()},2015,${'9'.repeat(70_000)}`, status: 400, code: 'invalid_csv' },
  {
    name: 'old .xls',
    body: () => Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]),
    status: 415,
    code: 'unsupported_format',
  },
  {
    name: 'broken xlsx',
    body: () => Buffer.from('PK\x03\x04garbage that is not a workbook'),
    type: XLSX,
    status: 400,
    code: 'invalid_spreadsheet',
  },
  {
    name: 'unknown code',
    body: () => `${H}\n36.71.99,2015,1\n`,
    status: 422,
    code: 'invalid_values',
    problem: [2, 'kode_wilayah', 'unknown_district'],
  },
  {
    name: 'code of another city',
    body: () => `${H}\n36.03.01,2015,1\n`,
    status: 422,
    code: 'invalid_values',
    problem: [2, 'kode_wilayah', 'unknown_district'],
  },
  {
    name: 'unknown name',
    body: () => `${H}\nAtlantis,2015,1\n`,
    status: 422,
    code: 'invalid_values',
    problem: [2, 'kode_wilayah', 'unknown_district'],
  },
  {
    name: 'a name of two districts',
    body: () => `${H}\nCipondoh,2015,1\n`,
    status: 422,
    code: 'invalid_values',
    problem: [2, 'kode_wilayah', 'ambiguous_district'],
  },
  {
    name: 'wrong level for level=',
    body: () => `${H}\n${k0()}.1001,2015,1\n`,
    query: '?level=kecamatan',
    status: 422,
    code: 'invalid_values',
    problem: [2, 'kode_wilayah', 'wrong_level'],
  },
  {
    name: 'empty code',
    body: () => `${H}\n,2015,1\n`,
    status: 422,
    code: 'invalid_values',
    problem: [2, 'kode_wilayah', 'unknown_district'],
  },
  {
    name: 'duplicate rows',
    body: () => `${H}\n${k0()},2015,1\n${k1()},2015,1\n${k0()},2015,2\n`,
    status: 422,
    code: 'invalid_values',
    problem: [4, null, 'duplicate_row'],
  },
  {
    name: 'the same row twice, word for word',
    body: () => `${H}\n${k1()},2015,7\n${k0()},2015,1\n${k1()},2015,7\n`,
    status: 422,
    code: 'invalid_values',
    problem: [4, null, 'duplicate_row'],
  },
  {
    name: 'same district dotted and compact',
    body: () => `${H}\n${k0()},2015,1\n${k0().replace(/\./g, '')},2015,2\n`,
    status: 422,
    code: 'invalid_values',
    problem: [3, null, 'duplicate_row'],
  },
  {
    name: 'words for a number',
    body: () => `${H}\n${k0()},2015,seribu\n`,
    status: 422,
    code: 'invalid_values',
    problem: [2, 'nilai', 'invalid_number'],
  },
  {
    name: 'ambiguous 1.234',
    body: () => `${H}\n${k0()},2015,1.234\n`,
    status: 422,
    code: 'invalid_values',
    problem: [2, 'nilai', 'ambiguous_number'],
  },
  {
    name: 'two decimal marks',
    body: () => `${H}\n${k0()},2015,"1,2,3"\n`,
    status: 422,
    code: 'invalid_values',
    problem: [2, 'nilai', 'invalid_number'],
  },
  {
    name: 'mixed up marks',
    body: () => `${H}\n${k0()},2015,"1,234.567,8"\n`,
    status: 422,
    code: 'invalid_values',
    problem: [2, 'nilai', 'invalid_number'],
  },
  {
    name: 'NaN',
    body: () => `${H}\n${k0()},2015,NaN\n`,
    status: 422,
    code: 'invalid_values',
    problem: [2, 'nilai', 'invalid_number'],
  },
  {
    name: 'Infinity',
    body: () => `${H}\n${k0()},2015,Infinity\n`,
    status: 422,
    code: 'invalid_values',
    problem: [2, 'nilai', 'invalid_number'],
  },
  {
    name: 'huge number',
    body: () => `${H}\n${k0()},2015,1e300\n`,
    status: 422,
    code: 'invalid_values',
    problem: [2, 'nilai', 'invalid_number'],
  },
  {
    name: 'dash for nihil',
    body: () => `${H}\n${k0()},2015,-\n`,
    status: 422,
    code: 'invalid_values',
    problem: [2, 'nilai', 'ambiguous_missing'],
  },
  {
    name: 'negative count',
    body: () => `${H}\n${k0()},2015,-5\n`,
    status: 422,
    code: 'invalid_values',
    problem: [2, 'nilai', 'negative_count'],
  },
  {
    name: 'percentage over 100',
    slug: 'uji-persen-kemiskinan',
    body: () => `${H}\n${k0()},2015,"100,5"\n`,
    status: 422,
    code: 'invalid_values',
    problem: [2, 'nilai', 'percentage_over_100'],
  },
  {
    name: 'per cent sign on a count',
    body: () => `${H}\n${k0()},2015,5%\n`,
    status: 422,
    code: 'invalid_values',
    problem: [2, 'nilai', 'invalid_number'],
  },
  {
    name: 'a month for a yearly element',
    body: () => `${H}\n${k0()},2015-03,1\n`,
    status: 422,
    code: 'invalid_values',
    problem: [2, 'periode', 'period_frequency'],
  },
  {
    name: 'a year for a monthly element',
    slug: 'uji-bansos-bulanan',
    body: () => `${H}\n${k0()},2015,1\n`,
    status: 422,
    code: 'invalid_values',
    problem: [2, 'periode', 'period_frequency'],
  },
  {
    name: 'month 13',
    slug: 'uji-bansos-bulanan',
    body: () => `${H}\n${k0()},2015-13,1\n`,
    status: 422,
    code: 'invalid_values',
    problem: [2, 'periode', 'invalid_period'],
  },
  {
    name: 'month 3 of a semester element',
    slug: 'uji-bansos-semester',
    body: () => `${H}\n${k0()},2015-03,1\n`,
    status: 422,
    code: 'invalid_values',
    problem: [2, 'periode', 'period_frequency'],
  },
  {
    name: 'year 1066',
    body: () => `${H}\n${k0()},1066,1\n`,
    status: 422,
    code: 'invalid_values',
    problem: [2, 'periode', 'invalid_period'],
  },
  {
    name: 'a date as period',
    body: () => `${H}\n${k0()},17/08/2015,1\n`,
    status: 422,
    code: 'invalid_values',
    problem: [2, 'periode', 'invalid_period'],
  },
  {
    name: 'empty period',
    body: () => `${H}\n${k0()},,1\n`,
    status: 422,
    code: 'invalid_values',
    problem: [2, 'periode', 'invalid_period'],
  },
  {
    name: 'unknown status',
    body: () => `${H},status\n${k0()},2015,1,final\n`,
    status: 422,
    code: 'invalid_values',
    problem: [2, 'status', 'invalid_status'],
  },
  {
    name: 'formula text in CSV',
    body: () => `${H},catatan\n${k0()},2015,1,=HYPERLINK("http://x")\n`,
    status: 422,
    code: 'invalid_values',
    problem: [2, 'catatan', 'formula'],
  },
  {
    name: 'formula as value in CSV',
    body: () => `${H}\n${k0()},2015,=1+1\n`,
    status: 422,
    code: 'invalid_values',
    problem: [2, 'nilai', 'formula'],
  },
  {
    name: 'formula in an xlsx cell',
    type: XLSX,
    body: async () =>
      new Uint8Array(
        await xlsx([
          ['kode_wilayah', 'periode', 'nilai'],
          [k0(), 2015, { formula: 'B2*2', result: 4030 }],
        ]),
      ),
    status: 422,
    code: 'invalid_values',
    problem: [2, 'nilai', 'formula'],
  },
  {
    name: 'too many cells',
    body: () => `${H}\n${k0()},2015,1,2\n`,
    status: 422,
    code: 'invalid_values',
    problem: [2, null, 'extra_cells'],
  },
  {
    name: 'a note past 1000 characters',
    body: () => `${H},catatan\n${k0()},2015,1,${'a'.repeat(1001)}\n`,
    status: 422,
    code: 'invalid_values',
    problem: [2, 'catatan', 'too_long'],
  },
  {
    name: 'a bad row after 500 good ones',
    body: () =>
      `${H}\n${Array.from({ length: 500 }, (_, i) => `${k0()},${1900 + (i % 200)}-${String((i % 12) + 1).padStart(2, '0')},1`).join('\n')}\n${k0()},2015,abc\n`,
    slug: 'uji-bansos-bulanan',
    status: 422,
    code: 'invalid_values',
  },
  {
    name: 'more rows than VALUES_MAX_ROWS',
    body: () => `${H}\n${Array.from({ length: 100_001 }, (_, i) => `${k0()},${1900 + (i % 200)},${i}`).join('\n')}\n`,
    status: 413,
    code: 'too_many_rows',
  },
  {
    name: 'unknown mode',
    query: '?mode=overwrite',
    body: () => `${H}\n${k0()},2015,1\n`,
    status: 400,
    code: 'invalid_parameter',
  },
  {
    name: 'unknown decimal',
    query: '?decimal=dot',
    body: () => `${H}\n${k0()},2015,1\n`,
    status: 400,
    code: 'invalid_parameter',
  },
  {
    name: 'unknown parameter',
    query: '?format=csv&sheet=2',
    body: () => `${H}\n${k0()},2015,1\n`,
    status: 400,
    code: 'unknown_parameter',
  },
  { name: 'gzip that is not gzip', type: 'text/csv', body: () => 'not gzip', status: 400, code: 'invalid_gzip' },
];

describe('data element values: bad files are refused and change nothing', () => {
  it(`has at least 40 cases (${BAD.length})`, () => {
    expect(BAD.length).toBeGreaterThanOrEqual(40);
  });

  for (const c of BAD) {
    it(c.name, { timeout: 120_000 }, async () => {
      const slug = c.slug ?? 'uji-penerima-bansos';
      const before = await snapshot(slug);
      const headers: Record<string, string> = { 'Content-Type': c.type ?? 'text/csv' };
      if (c.name.startsWith('gzip')) headers['Content-Encoding'] = 'gzip';
      const res = await post(`/api/elements/${slug}/values${c.query ?? ''}`, 'dinsos', {
        body: await c.body(),
        headers,
      });
      const body = (await res.json()) as ErrorBody;
      expect(res.status, JSON.stringify(body).slice(0, 500)).toBe(c.status);
      expect(body.error.code).toBe(c.code);
      expect(body.error.message.length).toBeGreaterThan(20);
      if (c.problem) {
        const [row, column, code] = c.problem;
        expect(body.error.details.problems?.[0]).toMatchObject({ row, column, code });
      }
      expect(await snapshot(slug)).toEqual(before);
    });
  }

  it('still serves after all of them', async () => {
    expect((await s.get('/api/elements/uji-penerima-bansos')).status).toBe(200);
  });
});
