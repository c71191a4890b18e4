import fs from 'node:fs';
import { createRequire } from 'node:module';
import opentype, { type Font } from 'opentype.js';
import { encodeGlyphs } from './glyph-pbf.js';
import { renderGlyph, type SdfGlyph } from './glyph-sdf.js';

/**
 * Label glyphs served by us, so maps need no font host: Noto Sans (SIL OFL, from the
 * @fontsource/noto-sans package), Latin and Latin Extended, regular and bold. Ranges are
 * rendered on first request and kept.
 */
const require = createRequire(import.meta.url);
const FACES: Record<string, string> = { 'Noto Sans Regular': '400', 'Noto Sans Bold': '700' };
export const DEFAULT_FONTSTACK = 'Noto Sans Regular';

export class GlyphsService {
  private readonly fonts = new Map<string, Font[]>();
  private readonly ranges = new Map<string, Uint8Array>();

  fontstacks(): string[] {
    return Object.keys(FACES);
  }

  /** The PBF for 256 code points starting at `start`; an unknown face falls back to the regular one. */
  range(fontstack: string, start: number): Uint8Array {
    const face =
      fontstack
        .split(',')
        .map((f) => f.trim())
        .find((f) => Object.hasOwn(FACES, f)) ?? DEFAULT_FONTSTACK;
    const key = `${face}|${start}`;
    let pbf = this.ranges.get(key);
    if (!pbf) {
      const fonts = this.load(face);
      const glyphs: SdfGlyph[] = [];
      for (let cp = start; cp < start + 256; cp++) {
        const font = fonts.find((f) => f.tables.cmap.glyphIndexMap[cp] !== undefined);
        const g = font ? renderGlyph(font, cp) : null;
        if (g) glyphs.push(g);
      }
      pbf = encodeGlyphs(fontstack, `${start}-${start + 255}`, glyphs);
      this.ranges.set(key, pbf);
    }
    return pbf;
  }

  private load(face: string): Font[] {
    let fonts = this.fonts.get(face);
    if (!fonts) {
      fonts = ['latin', 'latin-ext'].map((subset) => {
        const buf = fs.readFileSync(
          require.resolve(`@fontsource/noto-sans/files/noto-sans-${subset}-${FACES[face]}-normal.woff`),
        );
        return opentype.parse(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
      });
      this.fonts.set(face, fonts);
    }
    return fonts;
  }
}
