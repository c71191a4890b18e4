import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, launch, mapIdle, shot } from '../support/browser.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

// Without Debian's chromium these tests cannot run; CI installs it and sets CI=true.
const run = hasChromium || process.env.CI === 'true';

interface Classes {
  breaks: number[];
  classes: { from: number; to: number; count: number }[];
  noData: number;
}
type Win = {
  satupeta: {
    map: { project(ll: [number, number]): { x: number; y: number } };
    store: {
      state: {
        thematic: { id: string; level: string | null; period: string | null; method: string; k: number } | null;
      };
    };
  };
};

let s: TestServer;

/** A sample element with values at kecamatan level in at least two periods. */
async function multiPeriodElement(): Promise<string> {
  const { rows } = await s.db.knex.raw<{ rows: { slug: string }[] }>(
    `select e.slug from elements e join element_values v on v.element_id = e.id
      where v.level = 'kecamatan' and e.frequency = 'tahunan' and e.derivation is null
      group by e.slug having count(distinct v.period) >= 2 order by e.slug limit 1`,
  );
  const slug = rows[0]?.slug;
  if (!slug) throw new Error('no element with two periods at kecamatan level');
  return slug;
}
let browser: Browser;
let page: Page;
const fmt = (n: number) => new Intl.NumberFormat('id-ID', { maximumFractionDigits: 2 }).format(n);

/** The legend as the page shows it: [from, to, count] per class. */
async function legend(): Promise<[string, string, number][]> {
  const items = await page.locator('#thematic-legend li:not(.no-data)').allTextContents();
  return items.map((text) => {
    const m = /^(.+) – (.+) \((\d+)\)$/.exec(text.trim());
    return [m?.[1] ?? '', m?.[2] ?? '', Number(m?.[3])];
  });
}

function expected(c: Classes): [string, string, number][] {
  return c.classes.map((k) => [fmt(k.from), fmt(k.to), k.count]);
}

describe.skipIf(!run)('thematic maps of data elements in Chromium', { timeout: 120_000 }, () => {
  beforeAll(async () => {
    s = await startTestServer();
    browser = await launch();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  });
  afterAll(async () => {
    await browser?.close();
    await s?.close();
  });

  it('finds "penduduk kecamatan", maps population per kecamatan with a legend equal to the server\'s classes', async () => {
    await page.goto(`${s.url}/`);
    await mapIdle(page);
    await page.click('#tab-data');
    await page.fill('#element-search', 'penduduk');
    const total = (await s.json<{ total: number }>('/api/elements?q=penduduk&limit=1')).body.total;
    await expect
      .poll(() => page.locator('#element-count').textContent())
      .toBe(`${total.toLocaleString('id-ID')} elemen data`);
    await page.fill('#element-search', 'penduduk kecamatan');
    await expect
      .poll(() => page.locator('#element-count').textContent())
      .toBe(`${total.toLocaleString('id-ID')} elemen data`);
    await page.click('[data-element="dak-penduduk-kecamatan-kpu2014"]');
    await expect.poll(() => page.locator('#thematic-legend li').count()).toBeGreaterThan(1);
    await mapIdle(page);
    const classes = (
      await s.json<Classes>('/api/elements/dak-penduduk-kecamatan-kpu2014/classes?level=kecamatan&method=quantile&k=5')
    ).body;
    expect(await legend()).toEqual(expected(classes));
    expect(await page.locator('#thematic-period-label').textContent()).toBe('tanpa periode');
    await shot(page, '20-thematic-penduduk');
  });

  it('filters the 5,061 elements by agency and theme with counts, and scrolls the virtual list to the last match', async () => {
    await page.fill('#element-search', '');
    const all = (
      await s.json<{ total: number; facets: { agency: { code: string; count: number }[] } }>('/api/elements?limit=1')
    ).body;
    await expect
      .poll(() => page.locator('#element-count').textContent())
      .toBe(`${all.total.toLocaleString('id-ID')} elemen data`);
    const dinkes = all.facets.agency.find((f) => f.code === 'dinkes');
    expect(await page.locator('#element-agency option[value="dinkes"]').textContent()).toContain(
      `(${dinkes?.count.toLocaleString('id-ID')})`,
    );
    await page.selectOption('#element-agency', 'dinkes');
    const scoped = (
      await s.json<{ total: number; facets: { theme: { code: string; count: number }[] } }>(
        '/api/elements?agency=dinkes&limit=1',
      )
    ).body;
    await expect
      .poll(() => page.locator('#element-count').textContent())
      .toBe(`${scoped.total.toLocaleString('id-ID')} elemen data`);
    const themeCode = scoped.facets.theme[0]?.code ?? '';
    await page.selectOption('#element-theme', themeCode);
    const both = (await s.json<{ total: number }>(`/api/elements?agency=dinkes&theme=${themeCode}&limit=1`)).body.total;
    await expect
      .poll(() => page.locator('#element-count').textContent())
      .toBe(`${both.toLocaleString('id-ID')} elemen data`);
    // Back to everything, then to the very end of the list: rows past the first page are fetched as they come into view.
    await page.selectOption('#element-theme', '');
    await page.selectOption('#element-agency', '');
    await expect
      .poll(() => page.locator('#element-count').textContent())
      .toBe(`${all.total.toLocaleString('id-ID')} elemen data`);
    await page.locator('#element-results').evaluate((el) => (el.scrollTop = el.scrollHeight));
    const last = (await s.json<{ items: { id: string }[] }>(`/api/elements?limit=1&offset=${all.total - 1}`)).body
      .items[0]?.id;
    await expect.poll(() => page.locator(`#element-results [data-element="${last}"]`).count()).toBe(1);
    await page.fill('#element-search', 'penduduk kecamatan');
  });

  it('reclassifies with natural breaks in 4 classes, as /classes computes them', async () => {
    await page.selectOption('#thematic-method', 'jenks');
    await page.selectOption('#thematic-k', '4');
    const classes = (
      await s.json<Classes>('/api/elements/dak-penduduk-kecamatan-kpu2014/classes?level=kecamatan&method=jenks&k=4')
    ).body;
    await expect.poll(legend).toEqual(expected(classes));
    const state = await page.evaluate(() => (window as unknown as Win).satupeta.store.state.thematic);
    expect(state).toMatchObject({ id: 'dak-penduduk-kecamatan-kpu2014', method: 'jenks', k: 4 });
    expect(new URL(page.url()).searchParams.get('e')).toBe('dak-penduduk-kecamatan-kpu2014::*:jenks:4');
  });

  it("shows a district's value, unit and rank in the popup of a click", async () => {
    await mapIdle(page);
    // The airport, in Kelurahan Pajang, Kecamatan Benda.
    const xy = await page.evaluate(() => (window as unknown as Win).satupeta.map.project([106.6559, -6.1256]));
    const box = await page.locator('#map').boundingBox();
    await page.mouse.click((box?.x ?? 0) + xy.x, (box?.y ?? 0) + xy.y);
    const popup = page.locator('.thematic-popup');
    await expect.poll(() => popup.count()).toBe(1);
    const text = (await popup.textContent()) ?? '';
    expect(text).toContain('Benda');
    expect(text).toContain(`${fmt(68223)} jiwa`);
    // The smallest of the 13 kecamatan.
    expect(text).toContain('peringkat 13 dari 13');
  });

  it('moves the period with the slider and redraws the classes of that period', async () => {
    await page.goto(`${s.url}/?e=laju-pertumbuhan-penduduk-kecamatan:kecamatan:*:quantile:5`);
    await mapIdle(page);
    await page.click('#tab-data');
    await expect.poll(() => page.locator('#thematic-period-label').textContent()).toBe('2010-2016');
    await page.locator('#thematic-period').fill('0');
    await expect.poll(() => page.locator('#thematic-period-label').textContent()).toBe('2000-2010');
    const classes = (
      await s.json<Classes>(
        '/api/elements/laju-pertumbuhan-penduduk-kecamatan/classes?level=kecamatan&period=2000-2010&method=quantile&k=5',
      )
    ).body;
    await expect.poll(legend).toEqual(expected(classes));
    await shot(page, '21-thematic-period');
  });

  it('maps the change since an earlier period with a diverging legend equal to /classes?since=, in the link too', async () => {
    const id = await multiPeriodElement();
    const detail = (
      await s.json<{ periods: { level: string; period: string | null; values: number }[] }>(`/api/elements/${id}`)
    ).body;
    const periods = detail.periods.filter((p) => p.level === 'kecamatan' && p.values > 0).map((p) => p.period ?? '');
    expect(periods.length).toBeGreaterThan(1);
    const [first, last] = [periods[0] ?? '', periods.at(-1) ?? ''];
    await page.goto(`${s.url}/?e=${id}:kecamatan:*:quantile:5`);
    await mapIdle(page);
    await page.click('#tab-data');
    await expect.poll(() => page.locator('#thematic-period-label').textContent()).toBe(last);
    await page.selectOption('#thematic-since', first);
    await expect.poll(() => page.locator('#thematic-change').textContent()).toBe(`Perubahan ${first} → ${last}`);
    const classes = (
      await s.json<Classes>(
        `/api/elements/${id}/classes?level=kecamatan&period=${last}&since=${first}&method=quantile&k=5`,
      )
    ).body;
    await expect.poll(legend).toEqual(expected(classes));
    // The diverging ramp (ColorBrewer PuOr) starts orange.
    expect(await page.locator('#thematic-legend li:first-child .swatch').getAttribute('style')).toContain('#b35806');
    expect(new URL(page.url()).searchParams.get('e')).toBe(`${id}:kecamatan:*:quantile:5:${first}`);
    await mapIdle(page);
    await shot(page, '23-thematic-change-since');
  });

  it("draws a district's time series in the popup, a dot per period with a value", async () => {
    const id = await multiPeriodElement();
    await page.goto(`${s.url}/?e=${id}:kecamatan:*:quantile:5`);
    await mapIdle(page);
    const xy = await page.evaluate(() => (window as unknown as Win).satupeta.map.project([106.6559, -6.1256]));
    const box = await page.locator('#map').boundingBox();
    await page.mouse.click((box?.x ?? 0) + xy.x, (box?.y ?? 0) + xy.y);
    const series = (await s.json<{ items: { value: number | null }[] }>(`/api/elements/${id}/series?code=36.71.04`))
      .body;
    const withValue = series.items.filter((i) => i.value !== null).length;
    expect(series.items.length).toBeGreaterThan(1);
    await expect.poll(() => page.locator('.thematic-popup svg.series-chart circle').count()).toBe(withValue);
    expect(await page.locator('.thematic-popup svg.series-chart').getAttribute('aria-label')).toContain('Benda');
    await shot(page, '24-thematic-popup-series');
  });

  it('exports a PNG of the map with the legend drawn on it', async () => {
    await page.goto(`${s.url}/?e=dak-penduduk-kecamatan-kpu2014:kecamatan:*:quantile:5`);
    await mapIdle(page);
    await page.click('#tab-data');
    await expect.poll(() => page.locator('#thematic-legend li').count()).toBeGreaterThan(1);
    await page.click('#tab-tools');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-png')]);
    const file = await download.path();
    const { readFile } = await import('node:fs/promises');
    const bytes = await readFile(file);
    const { writeFile, mkdir } = await import('node:fs/promises');
    await mkdir('test-output', { recursive: true });
    await writeFile('test-output/25-export-with-legend.png', bytes);
    const png = bytes.toString('base64');
    // Read the picture back in the page: the first legend swatch carries the ramp's first colour.
    const probe = await page.evaluate(async (data) => {
      const img = new Image();
      img.src = `data:image/png;base64,${data}`;
      await img.decode();
      const c = document.createElement('canvas');
      c.width = img.width;
      c.height = img.height;
      const g = c.getContext('2d');
      if (!g) throw new Error('no 2d context');
      g.drawImage(img, 0, 0);
      const legendItems = document.querySelectorAll('#thematic-legend li').length;
      // Layout of composePng (export-png.ts): box of (2 + items + 2 notes) lines of 18 px + 12, 12 px from the edges, above an 18 px footer.
      const lines = 2 + legendItems + 2;
      const boxH = lines * 18 + 12;
      const y0 = img.height - boxH - 12 - 18;
      const swatchY = y0 + 6 + 9 + 2 * 18;
      const px = (x: number, y: number) => Array.from(g.getImageData(x, y, 1, 1).data.slice(0, 3));
      return { width: img.width, height: img.height, swatch: px(12 + 10 + 11, swatchY), box: px(14, y0 + 2) };
    }, png);
    const canvas = await page.locator('#map canvas').boundingBox();
    expect(probe.width).toBe(Math.round(canvas?.width ?? 0));
    expect(probe.height).toBe(Math.round(canvas?.height ?? 0));
    expect(probe.swatch).toEqual([0xff, 0xff, 0xcc]);
    expect(Math.min(...probe.box)).toBeGreaterThan(225);
  });

  it('shows the profil wilayah of a kelurahan in the district panel, filterable and printable', async () => {
    await page.goto(`${s.url}/?d=36.71.04.1004`);
    await mapIdle(page);
    await page.click('#tab-districts');
    await expect.poll(() => page.locator('#district-profile tbody tr').count()).toBeGreaterThan(0);
    expect(await page.locator('#panel-data').isVisible()).toBe(false);
    const profile = (
      await s.json<{
        elements: { slug: string; name: string; value: number; unit: string; rank: number; siblings: number }[];
      }>('/api/districts/36.71.04.1004/profile')
    ).body.elements;
    await page.fill('#profile-filter', 'dihitung dari peta');
    const derived = profile.filter((e) => e.name.includes('dihitung dari peta'));
    await expect.poll(() => page.locator('#district-profile tbody tr').count()).toBe(derived.length);
    const sd = derived.find((e) => e.slug === 'peta-jumlah-sekolah-dasar');
    if (!sd) throw new Error('Pajang has no school count');
    const cells = await page
      .locator('#district-profile tr[data-element="peta-jumlah-sekolah-dasar"] td')
      .allTextContents();
    expect(cells[1]).toContain(`${fmt(sd.value)} ${sd.unit}`);
    expect(cells[2]).toBe(`${sd.rank}/${sd.siblings}`);
    expect(await page.locator('#profile-print').isVisible()).toBe(true);
    await shot(page, '22-profil-wilayah');
  });
});
