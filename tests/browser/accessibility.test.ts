import { createRequire } from 'node:module';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, launch, mapIdle } from '../support/browser.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { TokenStore } from '../../server/auth/token-store.js';

// Issue 17: axe-core (the engine behind Lighthouse's and the browsers' accessibility audits)
// on every panel of the viewer and its dialogs, in real Chromium: no critical and no serious
// violation. Without Debian's chromium (a laptop) it skips; CI installs it and sets CI=true.
const run = hasChromium || process.env.CI === 'true';
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

let s: TestServer;
let browser: Browser;
let page: Page;

/** axe's critical and serious findings on what the page shows now, as "rule: targets" lines. */
async function audit(p: Page): Promise<string[]> {
  await p.addScriptTag({ path: AXE });
  const violations = await p.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx: unknown, opts: unknown): Promise<{ violations: unknown[] }> } })
      .axe;
    // The map canvas is drawn by MapLibre; its controls and every panel are audited.
    return (await axe.run({ exclude: [['.maplibregl-canvas']] }, { resultTypes: ['violations'] })).violations;
  });
  return (violations as Violation[])
    .filter((v) => v.impact === 'critical' || v.impact === 'serious')
    .map((v) => `${v.impact} ${v.id} (${v.help}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

describe.skipIf(!run)('the viewer for assistive technology (axe-core in Chromium)', { timeout: 120_000 }, () => {
  beforeAll(async () => {
    s = await startTestServer();
    browser = await launch();
    // bypassCSP: our CSP forbids injected scripts, as it should; axe is injected by the test.
    page = await browser.newPage({ viewport: { width: 1280, height: 800 }, bypassCSP: true });
    await page.goto(`${s.url}/`);
    await mapIdle(page);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await s?.close();
  });

  it.each(['catalog', 'active', 'data', 'districts', 'tools'])(
    'has no critical or serious violation on the %s tab',
    async (tab) => {
      await page.click(`#tab-${tab}`);
      await page.waitForTimeout(300);
      expect(await audit(page)).toEqual([]);
    },
  );

  it('has none with a layer added (its row, legend and controls)', async () => {
    await page.click('#tab-catalog');
    await page.fill('#catalog-search', 'posyandu benda');
    const first = page.locator('.catalog-row').first();
    await expect.poll(() => first.count()).toBe(1);
    await first.locator('button').click();
    await page.click('#tab-active');
    await expect.poll(() => page.locator('.active-row').count()).toBeGreaterThan(0);
    await page.waitForTimeout(500);
    expect(await audit(page)).toEqual([]);
  });

  it('has none for a signed-in walidata: upload, board, queue', async () => {
    const { token } = await new TokenStore(s.db.knex).create({
      name: 'axe walidata',
      role: 'walidata',
      agencies: [],
      createdBy: 'test',
    });
    await page.click('#tab-tools');
    await page.fill('#token-input', token);
    await Promise.all([page.waitForEvent('load'), page.click('#sign-in')]);
    await mapIdle(page);
    await page.click('#tab-tools');
    await expect.poll(() => page.locator('#progress-table tbody tr').count(), { timeout: 60_000 }).toBeGreaterThan(0);
    expect(await audit(page)).toEqual([]);
  });

  it('has none in the embed dialog', async () => {
    await page.click('#tab-tools');
    await page.click('#embed-code');
    await page.waitForSelector('dialog.embed[open]');
    expect(await audit(page)).toEqual([]);
    await page.keyboard.press('Escape');
  });
});
