import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import proj4 from 'proj4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, launch, mapIdle, OUTPUT, shot } from '../support/browser.js';
import { TokenStore } from '../../server/auth/token-store.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

// Without Debian's chromium (a laptop that has not run `apt-get install chromium`) these tests
// cannot run; CI installs it and sets CI=true, so there they always run.
const run = hasChromium || process.env.CI === 'true';

type Win = {
  satupeta: {
    map: MapHandle;
    store: { state: { layers: { id: string }[]; center: number[]; zoom: number } };
    lastSearchMs(): number;
  };
};
interface MapHandle {
  queryRenderedFeatures(
    opts?: unknown,
  ): { sourceLayer?: string; geometry: { type: string; coordinates: unknown }; properties: Record<string, unknown> }[];
  project(ll: [number, number]): { x: number; y: number };
  getStyle(): { layers: { id: string }[] };
  jumpTo(options: { zoom: number }): void;
}

let s: TestServer;
let browser: Browser;
let page: Page;
const report: Record<string, unknown> = {};
let added = '';

// Real Chromium against the real server on a 2-core machine that may be busy (CI runs two test
// workers): a generous limit per test; waits inside still poll for what the user would see.
describe.skipIf(!run)('the viewer in Chromium', { timeout: 120_000 }, () => {
  beforeAll(async () => {
    s = await startTestServer();
    browser = await launch();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  }, 120_000);
  afterAll(async () => {
    fs.mkdirSync(OUTPUT, { recursive: true });
    fs.writeFileSync(path.join(OUTPUT, 'browser-report.json'), `${JSON.stringify(report, null, 2)}\n`);
    await browser?.close();
    await s?.close();
  });

  it('opens on the offline basemap with labelled districts', async () => {
    await page.goto(`${s.url}/`);
    await mapIdle(page);
    const labels = await page.evaluate(
      () => (window as unknown as Win).satupeta.map.queryRenderedFeatures({ layers: ['kecamatan-label'] }).length,
    );
    expect(labels).toBeGreaterThanOrEqual(10);
    await shot(page, '01-viewer-open');
  });

  it('finds a layer by an Indonesian word, adds it, and draws its features', async () => {
    await page.fill('#catalog-search', 'posyandu benda');
    report.searchMsPerKeystroke = await page.evaluate(() => (window as unknown as Win).satupeta.lastSearchMs());
    const first = page.locator('.catalog-row').first();
    await expect.poll(() => first.locator('.title').textContent()).toMatch(/Posyandu .*Benda/);
    added = (await first.getAttribute('data-layer')) ?? '';
    await first.locator('button').click();
    await page.click('#tab-active');
    await page
      .locator('.active-row button', { hasText: /Perbesar/ })
      .first()
      .click();
    await page.waitForTimeout(800);
    await mapIdle(page);
    const drawn = await page.evaluate(
      (layer) =>
        (window as unknown as Win).satupeta.map.queryRenderedFeatures().filter((f) => f.sourceLayer === layer).length,
      added,
    );
    expect(drawn).toBeGreaterThan(0);
    await shot(page, '02-layer-added');
  });

  it("shows a clicked feature's attributes in a popup, with the kelurahan it lies in", async () => {
    const xy = await page.evaluate((layer) => {
      const map = (window as unknown as Win).satupeta.map;
      const f = map.queryRenderedFeatures().find((x) => x.sourceLayer === layer && x.geometry.type === 'Point');
      return f ? map.project(f.geometry.coordinates as [number, number]) : null;
    }, added);
    expect(xy).not.toBeNull();
    await page.mouse.click(360 + (xy?.x ?? 0), 48 + (xy?.y ?? 0));
    const popup = page.locator('.maplibregl-popup');
    await expect.poll(() => popup.textContent(), { timeout: 60_000 }).toMatch(/strata/);
    await expect.poll(() => popup.textContent(), { timeout: 60_000 }).toMatch(/Kecamatan Benda/);
    await shot(page, '03-identify-popup');
  });

  it('tells a camat office that the airport lies in Kelurahan Pajang, Kecamatan Benda', async () => {
    await page.click('#tab-tools');
    await page.fill('#check-input', `6°07'32"S 106°39'21"E`);
    await page.click('#check-button');
    await expect
      .poll(() => page.locator('#check-result').textContent(), { timeout: 60_000 })
      .toMatch(/Pajang.*36\.71\.04\.1004[\s\S]*Benda/);
    await mapIdle(page);
    await shot(page, '04-boundary-check');
  });

  it('reads the coordinates a clerk types the Indonesian way: decimal comma, LS/BT, UTM 48S metres, a map link', async () => {
    await page.click('#tab-tools');
    const [e, n] = proj4(
      'EPSG:4326',
      '+proj=utm +zone=48 +south +datum=WGS84 +units=m +no_defs',
      [106.65583, -6.12556],
    );
    const metres = (v = 0) => v.toFixed(1).replace('.', ',');
    for (const [typed, read] of [
      ['-6,12556 106,65583', /^Dibaca sebagai 6,12556° LS, 106,65583° BT\.$/],
      [`6°7'32" LS 106°39'21" BT`, /^Dibaca sebagai 6,1255\d° LS, 106,6558\d° BT\.$/],
      [`48S ${metres(e)} ${metres(n)}`, /^Dibaca sebagai 6,1255\d° LS, 106,6558\d° BT \(UTM zona 48S\)\.$/],
      ['https://www.google.com/maps/@-6.12556,106.65583,16z', /dari tautan peta/],
    ] as const) {
      await page.fill('#check-input', typed);
      await page.click('#check-button');
      await expect.poll(() => page.locator('#check-read').textContent(), { timeout: 60_000 }).toMatch(read);
      await expect
        .poll(() => page.locator('#check-result').textContent(), { timeout: 60_000 })
        .toMatch(/Pajang[\s\S]*Benda/);
    }
    await page.fill('#check-input', '45 60');
    await page.click('#check-button');
    await expect
      .poll(() => page.locator('#check-result').textContent())
      .toMatch(/Bisa dibaca dua cara: 45,00000° LU, 60,00000° BT atau 60,00000° LU, 45,00000° BT/);
    await page.fill('#check-input', 'Jl. Daan Mogot');
    await page.click('#check-button');
    await expect.poll(() => page.locator('#check-result').textContent()).toMatch(/^Koordinat tidak terbaca\. Contoh/);
  });

  it('restores the same state from a shared link', async () => {
    await page.click('#tab-active');
    await page.locator('.active-row input[type=range]').first().fill('0.5');
    // The sender checked a point and then looked at the wider area: the link keeps both.
    await page.evaluate(() => (window as unknown as Win).satupeta.map.jumpTo({ zoom: 11.5 }));
    await mapIdle(page);
    await expect.poll(() => page.url()).toMatch(/[?&]p=/);
    await expect.poll(() => page.url()).toMatch(/[?&]z=11\.5/);
    const url = page.url();
    expect(url).toContain(`l=${added}:0.5`);
    const before = await page.evaluate(() => (window as unknown as Win).satupeta.store.state);
    const other = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await other.goto(url);
    await mapIdle(other);
    const after = await other.evaluate(() => (window as unknown as Win).satupeta.store.state);
    expect(after.layers).toEqual(before.layers);
    expect(before.zoom).toBeCloseTo(11.5, 1);
    expect(after.zoom).toBeCloseTo(before.zoom, 1);
    expect(after.center[0]).toBeCloseTo(before.center[0] ?? 0, 3);
    await other.click('#tab-active');
    expect(
      await other.locator('.active-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-layer'))),
    ).toEqual(before.layers.map((l) => l.id));
    expect(await other.locator('.active-row input[type=range]').first().inputValue()).toBe('0.5');
    expect(await other.locator('#layer-status.error').count()).toBe(0);
    await shot(other, '05-shared-link');
    await other.close();
  });

  it('asks for one composite tile per tile position with ten active layers', async () => {
    const { body } = await s.json<{ items: { id: string }[] }>(
      '/api/layers?district=36.71.04&limit=10&geometryType=Point',
    );
    const ids = body.items.map((l) => l.id);
    expect(ids).toHaveLength(10);
    const fresh = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const tileRequests: string[] = [];
    fresh.on('request', (r) => {
      if (r.url().includes('/tiles/') && r.url().includes('.mvt')) tileRequests.push(r.url());
    });
    const started = Date.now();
    await fresh.goto(`${s.url}/?c=106.675,-6.135&z=13.5&l=${ids.join(',')}`);
    await mapIdle(fresh);
    report.msToFirstIdleWith10Layers = Date.now() - started;
    report.tileRequestsPerViewport = tileRequests.length;
    expect(tileRequests.length).toBeGreaterThan(0);
    for (const u of tileRequests)
      expect(decodeURIComponent(new URL(u).pathname).split('/')[2]?.split(',')).toHaveLength(10);
    await shot(fresh, '06-ten-layers');
    await fresh.close();
  });

  it('says when the map holds as many layers as it draws, before Add is pressed, and trims a longer link', async () => {
    const { body } = await s.json<{ items: { id: string; title: string }[] }>('/api/layers?limit=22');
    const ids = body.items.map((l) => l.id);
    expect(ids).toHaveLength(22);
    const p = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    // A link naming 21 layers: the map keeps the first 20 (the composite limit) and draws them.
    await p.goto(`${s.url}/?l=${ids.slice(0, 21).join(',')}`);
    await mapIdle(p);
    const state = await p.evaluate(() => (window as unknown as Win).satupeta.store.state.layers.map((l) => l.id));
    expect(state).toEqual(ids.slice(0, 20));
    await expect.poll(() => p.locator('#layer-limit').textContent()).toMatch(/Sudah 20 lapisan aktif, batas satu peta/);
    const extra = body.items[21] as { id: string; title: string };
    await p.fill('#catalog-search', extra.title);
    const add = p.locator(`.catalog-row[data-layer="${extra.id}"] button`);
    await expect.poll(() => add.count()).toBe(1);
    expect(await add.isDisabled()).toBe(true);
    expect(await add.getAttribute('title')).toMatch(/Hapus satu di tab Aktif/);
    // Removing one makes room: Add works again and the message goes.
    await p.click('#tab-active');
    await p.locator('.active-row').first().locator('button[aria-label^="Hapus:"]').click();
    await p.click('#tab-catalog');
    await expect.poll(() => add.isDisabled()).toBe(false);
    expect(await p.locator('#layer-limit').textContent()).toBe('');
    await add.click();
    await expect.poll(() => p.evaluate(() => (window as unknown as Win).satupeta.store.state.layers.length)).toBe(20);
    expect(await p.locator('#layer-status.error').count()).toBe(0);
    await p.close();
  });

  it('shows the embed page inside an iframe on another origin', async () => {
    const embedUrl = `${s.url}/embed?c=106.675,-6.135&z=13&l=batas-kelurahan-kota-tangerang`;
    const host = http
      .createServer((_req, res) => {
        res.setHeader('Content-Type', 'text/html');
        res.end(
          `<!doctype html><h1>Situs mitra</h1><iframe id="peta" src="${embedUrl}" width="900" height="560"></iframe>`,
        );
      })
      .listen(0, '127.0.0.1');
    await new Promise((r) => host.once('listening', r));
    const partner = await browser.newPage({ viewport: { width: 1000, height: 700 } });
    await partner.goto(`http://localhost:${(host.address() as AddressInfo).port}/`);
    const frame = partner.frames().find((f) => f.url().startsWith(`${s.url}/embed`));
    expect(frame).toBeDefined();
    if (frame) await mapIdle(partner, frame);
    const drawn = await frame?.evaluate(
      () =>
        (window as unknown as Win).satupeta.map
          .queryRenderedFeatures()
          .filter((f) => f.sourceLayer === 'batas-kelurahan-kota-tangerang').length,
    );
    expect(drawn).toBeGreaterThan(0);
    await shot(partner, '07-embed-in-iframe');
    await partner.close();
    host.close();
  });

  it('shows a restricted layer to a signed-in viewer of its agency, and hides it again after signing out', async () => {
    const layer = await s.db
      .knex<{ slug: string; title: string; agency_code: string; classification: string }>('layers')
      .where({ classification: 'terbatas' })
      .where('feature_count', '>', 0)
      .orderBy('slug')
      .first('slug', 'title', 'agency_code');
    if (!layer) throw new Error('no terbatas layer with features');
    const { token } = await new TokenStore(s.db.knex).create({
      name: 'browser viewer',
      role: 'viewer',
      agencies: [layer.agency_code],
      createdBy: 'test',
    });
    const p = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const rowOf = () => p.locator(`.catalog-row[data-layer="${layer.slug}"]`);
    await p.goto(`${s.url}/`);
    await mapIdle(p);
    await p.fill('#catalog-search', layer.title);
    expect(await rowOf().count()).toBe(0);
    await p.click('#tab-tools');
    await p.fill('#token-input', token);
    await Promise.all([p.waitForEvent('load'), p.click('#sign-in')]);
    await mapIdle(p);
    await p.click('#tab-tools');
    await expect.poll(() => p.locator('#access-status').textContent()).toMatch(/viewer/);
    await p.click('#tab-catalog');
    await p.fill('#catalog-search', layer.title);
    await expect.poll(() => rowOf().count()).toBe(1);
    expect(await rowOf().locator('.badge').textContent()).toBe('terbatas');
    await rowOf().locator('button').click();
    await p.click('#tab-active');
    await p
      .locator('.active-row button', { hasText: /Perbesar/ })
      .first()
      .click();
    await p.waitForTimeout(800);
    await mapIdle(p);
    const drawn = await p.evaluate(
      (id) =>
        (window as unknown as Win).satupeta.map.queryRenderedFeatures().filter((f) => f.sourceLayer === id).length,
      layer.slug,
    );
    expect(drawn).toBeGreaterThan(0);
    await shot(p, '08-restricted-layer-signed-in');
    await p.click('#tab-tools');
    await Promise.all([p.waitForEvent('load'), p.click('#sign-out')]);
    await mapIdle(p);
    await p.fill('#catalog-search', layer.title);
    expect(await rowOf().count()).toBe(0);
    await p.close();
  });

  it('lets an editor upload a draft and submit it, shows the problems of a bad one, and walidata reviews the changes on the map and publishes', async () => {
    // Walidata review on, as the product ships: the upload is a draft the public does not see.
    const own = await startTestServer({ REVIEW_REQUIRED: 'on' }, { writable: true });
    try {
      const layer = await own.db
        .knex<{ slug: string; agency_code: string; classification: string; geometry_type: string }>('layers')
        .where({ classification: 'publik', geometry_type: 'Point' })
        .orderBy('slug')
        .first('slug', 'agency_code');
      if (!layer) throw new Error('no publik point layer');
      const published = (await own.json<{ featureCount: number }>(`/api/layers/${layer.slug}`)).body.featureCount;
      const { token } = await new TokenStore(own.db.knex).create({
        name: 'browser editor',
        role: 'editor',
        agencies: [layer.agency_code],
        createdBy: 'test',
      });
      const p = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      await p.goto(`${own.url}/`);
      await mapIdle(p);
      await p.click('#tab-tools');
      await p.fill('#token-input', token);
      await Promise.all([p.waitForEvent('load'), p.click('#sign-in')]);
      await mapIdle(p);
      await p.click('#tab-tools');
      await p.locator('#upload-layer').selectOption(layer.slug);
      await p.locator('#upload-mode').selectOption('replace');
      const feature = (x: number, y: number, nama: string) => ({
        type: 'Feature',
        properties: { nama },
        geometry: { type: 'Point', coordinates: [x, y] },
      });
      const file = (features: unknown[]) => ({
        name: 'unggah.geojson',
        mimeType: 'application/geo+json',
        buffer: Buffer.from(JSON.stringify({ type: 'FeatureCollection', features })),
      });
      await p
        .locator('#upload-file')
        .setInputFiles(file([feature(106.64, -6.18, 'Satu'), feature(106.65, -6.19, 'Dua')]));
      await p.click('#upload-submit');
      await expect
        .poll(() => p.locator('#upload-result').textContent(), { timeout: 60_000 })
        .toMatch(/Tersimpan sebagai draf versi \d+: 2 fitur dimuat, 2 fitur di draf/);
      expect((await own.json<{ featureCount: number }>(`/api/layers/${layer.slug}`)).body.featureCount).toBe(published);
      await p.click('#upload-submit-review');
      await expect
        .poll(() => p.locator('#upload-result').textContent(), { timeout: 60_000 })
        .toMatch(/Draf versi \d+ diajukan; menunggu verifikasi walidata/);
      await shot(p, '09-upload-draft-submitted');
      const draft = await own.get(`/api/layers/${layer.slug}/versions/draft`, {
        headers: { Authorization: `Bearer ${token}` },
      });
      expect(((await draft.json()) as { state: string; featureCount: number }).state).toBe('submitted');
      await p.locator('#upload-file').setInputFiles(file([feature(-6.18, 106.64, 'Terbalik')]));
      await p.click('#upload-submit');
      await expect
        .poll(() => p.locator('#upload-result .problems li').first().textContent(), { timeout: 60_000 })
        .toMatch(/#0 geometry coordinates_swapped/);
      await shot(p, '09-upload-problems');
      expect((await own.json<{ featureCount: number }>(`/api/layers/${layer.slug}`)).body.featureCount).toBe(published);
      await p.close();

      // Walidata, in a tab of its own: the board, the queue, the draft's changes on the map, approve.
      const walidata = await new TokenStore(own.db.knex).create({
        name: 'browser walidata',
        role: 'walidata',
        agencies: [],
        createdBy: 'test',
      });
      const w = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      await w.goto(`${own.url}/`);
      await mapIdle(w);
      await w.click('#tab-tools');
      await w.fill('#token-input', walidata.token);
      await Promise.all([w.waitForEvent('load'), w.click('#sign-in')]);
      await mapIdle(w);
      await w.click('#tab-tools');
      const board = w.locator('#progress-table tbody tr');
      await expect.poll(() => board.count(), { timeout: 60_000 }).toBeGreaterThan(10);
      // Sorted by what waits: the agency with the submitted draft comes first.
      expect(await board.first().locator('td').nth(1).textContent()).toBe('1');
      const open = w.locator(`#review-queue button[data-layer="${layer.slug}"]`);
      await expect.poll(() => open.count(), { timeout: 60_000 }).toBe(1);
      await open.click();
      await expect
        .poll(() => w.locator('#review-summary').textContent(), { timeout: 60_000 })
        .toMatch(new RegExp(`Dibanding versi terbit: 0 ditambah, ${Math.max(published - 2, 0)} dihapus, 2 diubah`));
      await w.waitForTimeout(800);
      await mapIdle(w);
      const changes = await w.evaluate(() =>
        (window as unknown as Win).satupeta.map
          .queryRenderedFeatures({ layers: ['review-diff-point'] })
          .map((f) => String(f.properties._change)),
      );
      expect(new Set(changes).has('changed')).toBe(true);
      // The whole draft beneath, from its own tiles read with walidata's token.
      const draftPoints = await w.evaluate(
        () => (window as unknown as Win).satupeta.map.queryRenderedFeatures({ layers: ['review-draft-point'] }).length,
      );
      expect(draftPoints).toBeGreaterThan(0);
      await shot(w, '10-walidata-review-diff');
      // Rejecting needs a note: the button says so and nothing is sent.
      await w.click('#review-reject');
      await expect.poll(() => w.locator('#review-outcome').textContent()).toMatch(/Tulis catatan/);
      await w.click('#review-approve');
      await expect
        .poll(() => w.locator('#review-outcome').textContent(), { timeout: 60_000 })
        .toMatch(/diterbitkan: publik kini melihatnya/);
      await shot(w, '10-walidata-approved');
      expect((await own.json<{ featureCount: number }>(`/api/layers/${layer.slug}`)).body.featureCount).toBe(2);
      await expect.poll(() => w.locator(`#review-queue button[data-layer="${layer.slug}"]`).count()).toBe(0);
      await w.close();
    } finally {
      await own.close();
    }
  });
});
