import { createRequire } from 'node:module';
import { GlobalFonts } from '@napi-rs/canvas';
import { LABEL_FONT_FAMILY } from './labels.js';

let registered = false;

/**
 * Noto Sans (SIL OFL, the @fontsource/noto-sans package the glyph server reads too), Latin and
 * Latin Extended, registered with Skia once per process for labels and legends.
 */
export function registerFonts(): void {
  if (registered) return;
  const require = createRequire(import.meta.url);
  for (const subset of ['latin', 'latin-ext'])
    GlobalFonts.registerFromPath(
      require.resolve(`@fontsource/noto-sans/files/noto-sans-${subset}-400-normal.woff`),
      LABEL_FONT_FAMILY,
    );
  registered = true;
}
