import { beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../server/auth/access.js';
import { TokenStore } from '../server/auth/token-store.js';
import { fc, feature, point, pointLayerBody } from './support/upload-corpus.js';
import { useTestServer } from './support/use-test-server.js';

// Issue 15, the producers' progress board: per agency, layers, drafts by state, metadata
// completeness, geometry problems and layers overdue against their promised update frequency.
// Checked against the database directly.
const s = useTestServer({ writable: true, env: { REVIEW_REQUIRED: 'on', WRITE_RATE_LIMIT: '100000' } });

const tokens = { admin: '', walidata: '', walidataB: '', pembina: '', editor: '', viewer: '' };
type Who = keyof typeof tokens;
let A = '';
let B = '';

interface Row {
  code: string;
  layers: number;
  drafts: { draft: number; submitted: number; rejected: number };
  openDrafts: { id: string; version: number; state: string; submittedAt: string | null }[];
  averageScore: number;
  overdue: number;
  overdueLayers: { id: string; dueSince: string | null }[];
}

async function call(path: string, who?: Who, init: RequestInit = {}) {
  const headers: Record<string, string> = who ? { Authorization: `Bearer ${tokens[who]}` } : {};
  const res = await s.get(path, { ...init, headers: { ...headers, ...(init.headers as Record<string, string>) } });
  return { status: res.status, type: res.headers.get('content-type') ?? '', text: await res.text() };
}
const board = async (who: Who, query = '') =>
  (JSON.parse((await call(`/api/walidata/progress${query}`, who)).text) as { agencies: Row[] }).agencies;

beforeAll(async () => {
  const knex = s.db.knex;
  [A = '', B = ''] = (await knex('agencies').orderBy('code').pluck('code')) as string[];
  const store = new TokenStore(knex);
  const make = async (who: Who, role: Role, agencies: string[]) =>
    (tokens[who] = (await store.create({ name: `papan ${who}`, role, agencies, createdBy: 'test' })).token);
  await make('admin', 'admin', []);
  await make('walidata', 'walidata', []);
  await make('walidataB', 'walidata', [B]);
  await make('pembina', 'pembina', []);
  await make('editor', 'editor', [A]);
  await make('viewer', 'viewer', [A]);
  const slug = `${A}-uji-papan-titik`;
  const json = { 'Content-Type': 'application/json' };
  expect(
    (await call('/api/layers', 'editor', { method: 'POST', headers: json, body: pointLayerBody(slug, 'Uji papan', A) }))
      .status,
  ).toBe(201);
  const up = await call(`/api/layers/${slug}/features?mode=replace`, 'editor', {
    method: 'POST',
    headers: { 'Content-Type': 'application/geo+json' },
    body: fc(feature(point(106.64, -6.18), { nama: 'X', nilai: 1 })),
  });
  expect(up.status, up.text).toBe(200);
  expect((await call(`/api/layers/${slug}/versions/draft/submit`, 'editor', { method: 'POST' })).status).toBe(200);
});

describe('the producers’ progress board', () => {
  it('is for walidata, pembina and admins only', async () => {
    expect((await call('/api/walidata/progress')).status).toBe(401);
    for (const who of ['editor', 'viewer'] as const)
      expect((await call('/api/walidata/progress', who)).status).toBe(403);
    for (const who of ['walidata', 'pembina', 'admin'] as const)
      expect((await call('/api/walidata/progress', who)).status).toBe(200);
  });

  it('counts every agency’s layers and drafts as the database holds them', async () => {
    const rows = await board('walidata');
    const { rows: db } = await s.db.knex.raw<{ rows: { code: string; n: number }[] }>(
      'select agency_code as code, count(*)::int as n from layers group by 1 order by 1',
    );
    expect(rows.map((r) => [r.code, r.layers])).toEqual(db.map((r) => [r.code, r.n]));
    const a = rows.find((r) => r.code === A);
    expect(a?.drafts).toEqual({ draft: 0, submitted: 1, rejected: 0 });
    // walidata's queue: the layer, its draft's number and when it was submitted.
    expect(a?.openDrafts).toEqual([
      {
        id: `${A}-uji-papan-titik`,
        title: 'Uji papan',
        version: 2,
        state: 'submitted',
        submittedAt: expect.any(String) as unknown,
      },
    ]);
    expect(rows.filter((r) => r.code !== A).every((r) => r.openDrafts.length === 0)).toBe(true);
    expect(rows.filter((r) => r.code !== A).every((r) => r.drafts.submitted === 0)).toBe(true);
    expect((await board('walidata', '?sort=waiting'))[0]?.code).toBe(A);
    // A walidata scoped to one agency sees only that one.
    expect((await board('walidataB')).map((r) => r.code)).toEqual([B]);
  });

  it('lists layers overdue against their promised frequency, as the dates say', async () => {
    const today = new Date().toISOString().slice(0, 10);
    const { rows } = await s.db.knex.raw<{ rows: { code: string; n: number }[] }>(
      `select agency_code as code, count(*)::int as n from layers
        where update_frequency in ('bulanan', 'triwulanan', 'semesteran', 'tahunan')
          and (last_update is null or last_update + case update_frequency when 'bulanan' then 31
                 when 'triwulanan' then 92 when 'semesteran' then 183 else 366 end < ?::date)
        group by 1`,
      [today],
    );
    const expected = new Map(rows.map((r) => [r.code, r.n]));
    const got = await board('pembina', '?sort=overdue');
    expect(got.map((r) => [r.code, r.overdue])).toEqual(got.map((r) => [r.code, expected.get(r.code) ?? 0]));
    expect(got.reduce((n, r) => n + r.overdue, 0)).toBeGreaterThan(0);
    const counts = got.map((r) => r.overdue);
    expect(counts).toEqual([...counts].sort((x, y) => y - x));
    for (const r of got) {
      expect(r.overdueLayers).toHaveLength(r.overdue);
      for (const l of r.overdueLayers) if (l.dueSince) expect(l.dueSince < today).toBe(true);
    }
  });

  it('exports the same rows as CSV', async () => {
    const csv = await call('/api/walidata/progress?format=csv&sort=score', 'walidata');
    expect(csv.type).toMatch(/^text\/csv/);
    const lines = csv.text
      .replace(/^\ufeff/, '')
      .trim()
      .split('\r\n');
    const json = await board('walidata', '?sort=score');
    expect(lines[0]).toBe(
      'agency,name,layers,empty_layers,drafts,submitted,rejected,average_score,layers_with_gaps,invalid_geometries,outside_city,overdue',
    );
    expect(lines).toHaveLength(json.length + 1);
    const cells = lines[1]?.split(',') ?? [];
    expect([cells[0], Number(cells[2]), Number(cells[7]), Number(cells.at(-1))]).toEqual([
      `"${json[0]?.code}"`,
      json[0]?.layers,
      json[0]?.averageScore,
      json[0]?.overdue,
    ]);
  });

  it('gives one agency’s week as JSON a mailer can send', async () => {
    const week = JSON.parse((await call(`/api/walidata/progress/weekly?agency=${A}`, 'walidata')).text) as {
      agency: string;
      actions: Record<string, number>;
      progress: Row;
    };
    expect(week.agency).toBe(A);
    expect(week.actions).toMatchObject({ create: 1, draft_features: 1, submit_version: 1 });
    expect(week.progress.drafts.submitted).toBe(1);
    const bad = await call('/api/walidata/progress/weekly?agency=tidak-ada', 'walidata');
    expect([bad.status, (JSON.parse(bad.text) as { error: { code: string } }).error.code]).toEqual([
      400,
      'unknown_agency',
    ]);
    const out = await call(`/api/walidata/progress/weekly?agency=${A}`, 'walidataB');
    expect(out.status).toBe(404);
    expect((await call('/api/walidata/progress?sort=nama', 'walidata')).status).toBe(400);
  });
});
