import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import turfDistance from '@turf/distance';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenStore } from '../server/auth/token-store.js';
import { sheetLayout } from '../server/render/print-layout.js';
import { hasPoppler } from './support/clients.js';
import { decodeImage } from './support/png.js';
import { useTestServer } from './support/use-test-server.js';

const run = promisify(execFile);
// Its own database copy: it creates a layer with two points 1 km apart.
const s = useTestServer({ writable: true });
const KEL = 'batas-kelurahan-kota-tangerang';
const LAYER = 'setda-uji-skala-cetak';
/** Two points on one parallel in Kecamatan Cipondoh, 1 km apart (great circle). */
const LAT = -6.185;
const WEST = 106.69;
let EAST = 0;
let admin = '';
let dir: string;

const json = { 'Content-Type': 'application/json' };
const print = (body: unknown) =>
  s.get('/api/print', { method: 'POST', headers: json, body: typeof body === 'string' ? body : JSON.stringify(body) });

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'satupeta-print-'));
  admin = (await new TokenStore(s.db.knex).create({ name: 'print', role: 'admin', agencies: [], createdBy: 'test' }))
    .token;
  // Longitude 1 km east on the sphere the map's scale is computed on (turf: mean earth radius).
  EAST = WEST + 1 / ((Math.PI / 180) * 6371.0088 * Math.cos((LAT * Math.PI) / 180));
  const auth = { ...json, Authorization: `Bearer ${admin}` };
  const created = await s.get('/api/layers', {
    method: 'POST',
    headers: auth,
    body: JSON.stringify({
      slug: LAYER,
      title: 'Uji skala cetak',
      agency: 'setda',
      theme: 'batas-wilayah',
      geometryType: 'Point',
      fields: [{ name: 'nama', type: 'string' }],
    }),
  });
  expect(created.status).toBe(201);
  const point = (lon: number, nama: string) => ({
    type: 'Feature',
    properties: { nama },
    geometry: { type: 'Point', coordinates: [lon, LAT] },
  });
  const loaded = await s.get(`/api/layers/${LAYER}/features?mode=replace`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/geo+json', Authorization: `Bearer ${admin}` },
    body: JSON.stringify({ type: 'FeatureCollection', features: [point(WEST, 'Barat'), point(EAST, 'Timur')] }),
  });
  expect(loaded.status).toBe(200);
  const styled = await s.get(`/api/layers/${LAYER}/style`, {
    method: 'PUT',
    headers: auth,
    body: JSON.stringify({ kind: 'single', color: '#ff0000', radius: 4 }),
  });
  expect(styled.status).toBe(200);
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function pdfOf(res: Response, name: string): Promise<string> {
  expect(res.status, await res.clone().text()).toBe(200);
  expect(res.headers.get('content-type')).toBe('application/pdf');
  const file = path.join(dir, name);
  fs.writeFileSync(file, Buffer.from(await res.arrayBuffer()));
  return file;
}

describe.skipIf(!hasPoppler)('printed maps (PDF), read back with poppler', () => {
  it('prints at the asked scale: two points 1 km apart are 100 mm apart at 1:10,000, within 1 %', async () => {
    const file = await pdfOf(
      await print({
        layers: [LAYER],
        center: [(WEST + EAST) / 2, LAT],
        scale: 10_000,
        paper: 'A4',
        orientation: 'landscape',
        dpi: 300,
        title: 'Uji skala',
      }),
      'scale.pdf',
    );
    expect(turfDistance([WEST, LAT], [EAST, LAT], { units: 'kilometers' })).toBeCloseTo(1, 6);
    // The page as an image at 300 dpi: one pixel is 25.4 / 300 mm on paper.
    await run('pdftoppm', ['-r', '300', '-png', '-singlefile', file, path.join(dir, 'scale')], { timeout: 120_000 });
    const img = await decodeImage(fs.readFileSync(path.join(dir, 'scale.png')));
    // Only the map frame: the legend's swatch is red too.
    const { map } = sheetLayout('A4', 'landscape');
    const px = (pt: number) => Math.round((pt / 72) * 300);
    const red: [number, number][] = [];
    for (let y = px(map.y) + 2; y < px(map.y + map.h) - 2; y++)
      for (let x = px(map.x) + 2; x < px(map.x + map.w) - 2; x++) {
        const [r, g, b] = img.at(x, y);
        if (r > 200 && g < 80 && b < 80) red.push([x, y]);
      }
    const mid = (Math.min(...red.map((p) => p[0])) + Math.max(...red.map((p) => p[0]))) / 2;
    const centre = (ps: [number, number][]) => [
      ps.reduce((a, p) => a + p[0], 0) / ps.length,
      ps.reduce((a, p) => a + p[1], 0) / ps.length,
    ];
    const [a, b] = [centre(red.filter((p) => p[0] < mid)), centre(red.filter((p) => p[0] >= mid))] as [
      number[],
      number[],
    ];
    const mm = (Math.hypot((b[0] ?? 0) - (a[0] ?? 0), (b[1] ?? 0) - (a[1] ?? 0)) * 25.4) / 300;
    expect(Math.abs(mm - 100) / 100, `${mm.toFixed(2)} mm on paper`).toBeLessThan(0.01);
  });

  it('carries title, scale, legend, sources, the city and the date, and links back to the same view', async () => {
    const file = await pdfOf(
      await print({
        layers: [KEL, LAYER],
        district: '36.71.05',
        paper: 'A3',
        orientation: 'portrait',
        title: 'Peta Kecamatan Cipondoh',
        notes: 'Catatan uji cetak.',
        author: 'Kantor Camat Cipondoh',
        grid: true,
      }),
      'sheet.pdf',
    );
    const { stdout: text } = await run('pdftotext', [file, '-'], { timeout: 60_000 });
    const stdout = text.replace(/\s+/g, ' ');
    for (const text of [
      'Peta Kecamatan Cipondoh',
      'Kecamatan Cipondoh',
      'Legenda',
      'Batas Administrasi Kelurahan Kota Tangerang',
      'Uji skala cetak',
      'Sumber data',
      'Sekretariat Daerah Kota Tangerang',
      'Catatan uji cetak.',
      'Pemerintah Kota Tangerang',
      'Kantor Camat Cipondoh',
      'Dicetak',
      '° BT',
      '° LS',
    ])
      expect(stdout).toContain(text);
    // Fitted to the district: one of the offered scales, written the Indonesian way.
    expect(stdout).toMatch(/Skala 1:(1\.000|2\.500|5\.000|10\.000|25\.000|50\.000|100\.000)\b/);
    const { stdout: info } = await run('pdfinfo', [file], { timeout: 60_000 });
    // A3 portrait: 297 × 420 mm is 841.89 × 1190.55 pt.
    expect(info).toMatch(/Page size:\s+841\.89 x 1190\.55 pts/);
    const raw = fs.readFileSync(file, 'latin1');
    const link = /\/URI \(([^)]+)\)/.exec(raw)?.[1] ?? '';
    expect(link).toContain(`?l=${KEL},${LAYER}&c=`);
    expect(link).toContain('&d=36.71.05');
    const view = new URL(link);
    expect((await s.get(view.pathname + view.search)).status).toBe(200);
  });
});

describe.skipIf(!hasPoppler)('the profil wilayah in the printed sheet', () => {
  it("adds the district's profile as table pages: real figures first, each with value, period and rank", async () => {
    const file = await pdfOf(
      await print({
        layers: [KEL],
        district: '36.71.05',
        title: 'Profil Cipondoh',
        paper: 'A4',
        orientation: 'portrait',
        profile: true,
      }),
      'profile.pdf',
    );
    const { stdout: info } = await run('pdfinfo', [file], { timeout: 60_000 });
    const pages = Number(/Pages:\s+(\d+)/.exec(info)?.[1]);
    expect(pages).toBeGreaterThan(1);
    const { stdout } = await run('pdftotext', ['-f', '2', '-l', '2', '-layout', file, '-'], { timeout: 60_000 });
    expect(stdout).toContain('Profil wilayah Kecamatan Cipondoh');
    expect(stdout).toMatch(/Jumlah kelurahan\s+10 kelurahan\s+2025\s+\d+ dari 13/);
    const { body } = await s.json<{ elements: { name: string; isSample: boolean }[] }>(
      '/api/districts/36.71.05/profile',
    );
    const real = body.elements.filter((e) => !e.isSample);
    expect(real.length).toBeGreaterThan(5);
    const { stdout: all } = await run('pdftotext', ['-layout', file, '-'], { timeout: 60_000 });
    // Every real figure comes before the first sample one.
    const before = all.slice(0, all.indexOf('(sampel)')).replace(/\s+/g, ' ');
    for (const e of real) expect(before).toContain(e.name.replace(/\s+/g, ' ').slice(0, 30));
    // Past 300 rows the rest are counted, with where to find them.
    expect(all.replace(/\s+/g, ' ')).toMatch(/dan [\d.]+ elemen data lagi/);
  });
});

describe('bad print requests: our error shape, and nothing printed', () => {
  const base = { layers: [KEL], center: [106.65, -6.18], scale: 10_000, title: 'Uji' };
  const CASES: [string, unknown, number, string][] = [
    ['no layers', { ...base, layers: [] }, 400, 'invalid_parameter'],
    ['21 layers', { ...base, layers: Array(21).fill(KEL) }, 400, 'invalid_parameter'],
    ['an unknown layer', { ...base, layers: ['tidak-ada'] }, 404, 'layer_not_found'],
    ['no title', { ...base, title: undefined }, 400, 'invalid_parameter'],
    ['a title of 500 characters', { ...base, title: 'x'.repeat(500) }, 400, 'invalid_parameter'],
    ['paper A0', { ...base, paper: 'A0' }, 400, 'invalid_parameter'],
    ['scale 1:500', { ...base, scale: 500 }, 400, 'invalid_parameter'],
    ['scale 1:1,000,000', { ...base, scale: 1_000_000 }, 400, 'invalid_parameter'],
    ['200 dpi', { ...base, dpi: 200 }, 400, 'invalid_parameter'],
    ['a centre off the earth', { ...base, center: [206.65, -6.18] }, 400, 'invalid_parameter'],
    ['a centre without a scale', { ...base, scale: undefined }, 400, 'invalid_parameter'],
    ['neither centre nor district', { layers: [KEL], title: 'Uji' }, 400, 'invalid_parameter'],
    ['an unknown district', { layers: [KEL], title: 'Uji', district: '36.71.99' }, 404, 'district_not_found'],
    ['an unknown field', { ...base, colour: 'red' }, 400, 'invalid_parameter'],
    ['notes of 2,000 characters', { ...base, notes: 'x'.repeat(2000) }, 400, 'invalid_parameter'],
    ['a profile without a district', { ...base, profile: true }, 400, 'invalid_parameter'],
  ];
  for (const [name, body, status, code] of CASES) {
    it(`${name}: ${status} ${code}`, async () => {
      const res = await print(body);
      expect(res.status).toBe(status);
      const answer = (await res.json()) as { error: { code: string; message: string } };
      expect(answer.error.code).toBe(code);
      expect(answer.error.message.length).toBeGreaterThan(10);
    });
  }

  it('a terbatas layer answers as a missing one', async () => {
    const res = await print({ ...base, layers: [s.terbatas] });
    expect(res.status).toBe(404);
  });

  it('a body that is not JSON: 400', async () => {
    expect((await print('{"layers":')).status).toBe(400);
  });
});
