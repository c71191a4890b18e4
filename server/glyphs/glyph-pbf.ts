import Pbf from 'pbf';
import type { SdfGlyph } from './glyph-sdf.js';

/** The glyphs protobuf MapLibre reads: glyphs { stacks: fontstack { name, range, glyphs } }. */
export function encodeGlyphs(fontstack: string, range: string, glyphs: SdfGlyph[]): Uint8Array {
  const pbf = new Pbf();
  pbf.writeMessage(
    1,
    (_: unknown, p: Pbf) => {
      p.writeStringField(1, fontstack);
      p.writeStringField(2, range);
      for (const g of glyphs) p.writeMessage(3, writeGlyph, g);
    },
    null,
  );
  return pbf.finish();
}

function writeGlyph(g: SdfGlyph, pbf: Pbf): void {
  pbf.writeVarintField(1, g.id);
  if (g.bitmap.byteLength > 0) pbf.writeBytesField(2, g.bitmap);
  pbf.writeVarintField(3, g.width);
  pbf.writeVarintField(4, g.height);
  pbf.writeSVarintField(5, g.left);
  pbf.writeSVarintField(6, g.top);
  pbf.writeVarintField(7, g.advance);
}
