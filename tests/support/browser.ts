import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Frame, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
/** Debian's Chromium is installed by .ci/run; on a laptop without it the browser tests say so and skip. */
export const hasChromium = fs.existsSync(CHROMIUM);
export const OUTPUT = path.resolve('test-output');

export function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--enable-unsafe-swiftshader',
    ],
  });
}

export async function shot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(OUTPUT, { recursive: true });
  await page.screenshot({ path: path.join(OUTPUT, `${name}.png`) });
}

/** Resolves when the page's map has finished loading and drawing (MapLibre 'idle'). */
export async function mapIdle(page: Page, frame: Page | Frame = page): Promise<void> {
  await frame.waitForFunction(() => document.body.dataset.ready === 'true', null, { timeout: 60_000 });
  await frame.evaluate(
    () =>
      new Promise<void>((resolve) => {
        const map = (
          window as unknown as {
            satupeta: {
              map: {
                loaded(): boolean;
                areTilesLoaded(): boolean;
                isMoving(): boolean;
                once(e: string, f: () => void): void;
                triggerRepaint(): void;
              };
            };
          }
        ).satupeta.map;
        if (map.loaded() && map.areTilesLoaded() && !map.isMoving()) resolve();
        else map.once('idle', () => resolve());
        map.triggerRepaint();
      }),
  );
}
