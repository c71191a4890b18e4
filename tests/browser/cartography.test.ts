import fs from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenStore } from '../../server/auth/token-store.js';
import { hasChromium, launch, mapIdle, shot } from '../support/browser.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const run = hasChromium || process.env.CI === 'true';
const KEL = 'batas-kelurahan-kota-tangerang';
const require = createRequire(import.meta.url);

type StyleWin = {
  satupeta: { map: { getStyle(): { layers: { id: string; type: string; paint?: Record<string, unknown> }[] } } };
};

let s: TestServer;
let browser: Browser;
let rtrw = '';

// Real Chromium against the real server: stored styles in the viewer, the style editor, and the
// /styles document in a plain MapLibre page. Its own database copy: it changes a style.
describe.skipIf(!run)('cartography in Chromium', { timeout: 120_000 }, () => {
  beforeAll(async () => {
    s = await startTestServer({}, { writable: true });
    browser = await launch();
    const row = await s.db
      .knex<{ slug: string; classification: string }>('layers')
      .where({ classification: 'publik' })
      .andWhere('slug', 'like', '%-pola-ruang-rtrw-%')
      .orderBy('slug')
      .first('slug');
    rtrw = row?.slug ?? '';
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await s?.close();
  });

  it("draws a layer with its stored style and shows its classes as the layer's legend", async () => {
    const p = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await p.goto(`${s.url}/?l=${rtrw}&c=106.69,-6.19&z=12`);
    await mapIdle(p);
    await p.click('#tab-active');
    const { body: style } = await s.json<{
      rule: { classes: { label: string; color: string }[] };
      layers: { paint: Record<string, unknown> }[];
    }>(`/api/layers/${rtrw}/style`);
    await expect
      .poll(() => p.locator('.layer-legend li').allTextContents(), { timeout: 60_000 })
      .toEqual(['zona', ...style.rule.classes.map((c) => ` ${c.label}`), ' Lainnya']);
    const drawn = await p.evaluate((id) => {
      const layers = (window as unknown as StyleWin).satupeta.map.getStyle().layers;
      return layers.find((l) => l.id.endsWith(`:${id}:0`))?.paint?.['fill-color'];
    }, rtrw);
    expect(drawn).toEqual(style.layers[0]?.paint['fill-color']);
    await shot(p, 'cartography-1-stored-style-legend');
    await p.close();
  });

  it('lets an editor of the agency class a layer by a number and sees the new legend', async () => {
    const { token } = await new TokenStore(s.db.knex).create({
      name: 'setda editor',
      role: 'editor',
      agencies: ['setda'],
      createdBy: 'test',
    });
    const p = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await p.goto(`${s.url}/?l=${KEL}`);
    await mapIdle(p);
    await p.click('#tab-tools');
    await p.fill('#token-input', token);
    await Promise.all([p.waitForEvent('load'), p.click('#sign-in')]);
    await mapIdle(p);
    await p.click('#tab-active');
    await p.locator('.style-button').click();
    await p.locator('#style-kind').selectOption('graduated');
    await p.locator('#style-property').selectOption('luas_km2');
    await p.locator('#style-palette').selectOption('Greens');
    await p.locator('#style-k').fill('4');
    await p.locator('#style-label').selectOption('nama');
    await p.click('#style-save');
    await expect.poll(() => p.locator('.layer-legend li').count(), { timeout: 60_000 }).toBe(5);
    const { body } = await s.json<{ version: number; rule: { kind: string; classes: unknown[] } }>(
      `/api/layers/${KEL}/style`,
    );
    expect(body.rule.kind).toBe('graduated');
    expect(body.rule.classes).toHaveLength(4);
    await mapIdle(p);
    const types = await p.evaluate(
      (id) =>
        (window as unknown as StyleWin).satupeta.map
          .getStyle()
          .layers.filter((l) => l.id.includes(`:${id}:`))
          .map((l) => l.type),
      KEL,
    );
    expect(types).toEqual(['fill', 'line', 'symbol']);
    await shot(p, 'cartography-2-style-editor-graduated');

    // A style the server refuses: its problem is shown, nothing changes.
    await p.locator('.style-button').click();
    await p.locator('#style-kind').selectOption('graduated');
    await p.evaluate(() => {
      const select = document.getElementById('style-property') as HTMLSelectElement;
      select.append(new Option('nama', 'nama', true, true));
    });
    await p.click('#style-save');
    await expect
      .poll(() => p.locator('#style-problems li').first().textContent(), { timeout: 60_000 })
      .toMatch(/property: "nama" is a string field/);
    expect((await s.json<{ version: number }>(`/api/layers/${KEL}/style`)).body.version).toBe(body.version);
    await shot(p, 'cartography-2b-style-editor-problem');
    await p.close();
  });

  it('prints the active layers as a PDF sheet fitted to the chosen district', async () => {
    const p = await browser.newPage({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    await p.goto(`${s.url}/?l=${rtrw},${KEL}&d=36.71.05`);
    await mapIdle(p);
    await p.click('#tab-tools');
    await p.click('#print-map');
    await expect.poll(() => p.locator('#print-scale').inputValue()).toBe('district');
    await p.fill('#print-title', 'Peta Tata Ruang Cipondoh');
    await p.locator('#print-paper').selectOption('A3');
    await p.check('#print-grid');
    await shot(p, 'cartography-4-print-dialog');
    const [download] = await Promise.all([p.waitForEvent('download', { timeout: 60_000 }), p.click('#print-submit')]);
    expect(download.suggestedFilename()).toBe('peta-peta-tata-ruang-cipondoh.pdf');
    const file = await download.path();
    expect(fs.readFileSync(file).subarray(0, 5).toString()).toBe('%PDF-');
    await expect.poll(() => p.locator('#print-status').textContent()).toMatch(/peta-peta-tata-ruang-cipondoh\.pdf/);
    await p.close();
  });

  it('shows a sortable, filterable attribute table whose export holds exactly the rows the server counts', async () => {
    const p = await browser.newPage({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    await p.goto(`${s.url}/?l=${KEL}&d=36.71.05`);
    await mapIdle(p);
    await p.click('#tab-active');
    await p.locator('.table-button').click();
    await expect.poll(() => p.locator('#attr-scope').inputValue()).toBe('district');
    const count = async (query: string) =>
      (await s.json<{ numberMatched: number }>(`/api/layers/${KEL}/features?limit=1&district=36.71.05${query}`)).body
        .numberMatched;
    const inDistrict = await count('');
    await expect.poll(() => p.locator('#attr-count').textContent(), { timeout: 60_000 }).toBe(`${inDistrict} fitur`);
    // Sorted by area, largest first: the first row is the server's first feature in that order.
    await p.locator('.attr-head button', { hasText: 'luas_km2' }).click();
    await p.locator('.attr-head button', { hasText: 'luas_km2' }).click();
    const { body: top } = await s.json<{ features: { id: number }[] }>(
      `/api/layers/${KEL}/features?limit=1&district=36.71.05&sortby=-luas_km2`,
    );
    await expect
      .poll(() => p.locator('.attr-body .attr-row').first().getAttribute('data-fid'), { timeout: 60_000 })
      .toBe(String(top.features[0]?.id));
    await p.fill('#attr-filter', 'luas_km2 > 1.5');
    await p.click('#attr-apply');
    const filtered = await count(`&filter=${encodeURIComponent('luas_km2 > 1.5')}`);
    expect(filtered).toBeLessThan(inDistrict);
    await expect.poll(() => p.locator('#attr-count').textContent(), { timeout: 60_000 }).toBe(`${filtered} fitur`);
    // A row click highlights the feature and zooms to it.
    await p.locator('.attr-body .attr-row').first().click();
    await expect.poll(() => p.locator('.attr-row.selected').count()).toBe(1);
    await mapIdle(p);
    await shot(p, 'cartography-5-attribute-table');
    const [download] = await Promise.all([p.waitForEvent('download', { timeout: 60_000 }), p.click('#attr-export')]);
    const csv = fs
      .readFileSync(await download.path(), 'utf8')
      .trim()
      .split('\n');
    expect(csv.length - 1).toBe(filtered);
    await expect
      .poll(() => p.locator('#attr-count').textContent())
      .toBe(`${filtered} fitur diekspor (server: ${filtered})`);
    await p.close();
  });

  it('loads /styles/{layers}.json in a plain MapLibre page on another origin, as any MapLibre client would', async () => {
    // The page and MapLibre's own ES modules from a second local server: nothing of our client.
    const dist = path.dirname(require.resolve('maplibre-gl/dist/maplibre-gl.css'));
    const styleUrl = `${s.url}/styles/batas-kecamatan-kota-tangerang,${rtrw}.json`;
    const page = `<!doctype html><link rel="stylesheet" href="/dist/maplibre-gl.css"><div id="m" style="width:800px;height:600px"></div>
<script type="module">
import * as maplibregl from '/dist/maplibre-gl.mjs';
const map = new maplibregl.Map({ container: 'm', style: ${JSON.stringify(styleUrl)}, center: [106.65, -6.17], zoom: 12 });
map.on('error', (e) => { window.mapError = String(e.error?.message ?? e.error); });
map.once('idle', () => { window.rendered = map.queryRenderedFeatures().length; });
</script>`;
    const other = http.createServer((req, res) => {
      const pathname = new URL(req.url ?? '/', 'http://localhost').pathname;
      const file = pathname.startsWith('/dist/') ? path.join(dist, path.basename(pathname)) : null;
      if (!file) res.writeHead(200, { 'Content-Type': 'text/html' }).end(page);
      else if (!fs.existsSync(file)) res.writeHead(404).end();
      else
        res
          .writeHead(200, { 'Content-Type': file.endsWith('.css') ? 'text/css' : 'text/javascript' })
          .end(fs.readFileSync(file));
    });
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    const p = await browser.newPage({ viewport: { width: 800, height: 600 } });
    try {
      await p.goto(`http://127.0.0.1:${(other.address() as AddressInfo).port}/`);
      await p.waitForFunction(
        () => {
          const w = window as unknown as { rendered?: number; mapError?: string };
          return w.rendered !== undefined || w.mapError !== undefined;
        },
        null,
        { timeout: 60_000 },
      );
      const { rendered, mapError } = await p.evaluate(() => {
        const w = window as unknown as { rendered: number; mapError?: string };
        return { rendered: w.rendered, mapError: w.mapError };
      });
      expect(mapError).toBeUndefined();
      expect(rendered).toBeGreaterThan(10);
      await shot(p, 'cartography-3-plain-maplibre');
    } finally {
      await p.close();
      other.close();
    }
  });
});
