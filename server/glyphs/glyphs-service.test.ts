import Pbf from 'pbf';
import { describe, expect, it } from 'vitest';
import { GlyphsService } from './glyphs-service.js';

interface Glyph {
  id: number;
  width: number;
  height: number;
  left: number;
  top: number;
  advance: number;
  bitmap: Uint8Array;
}

function decode(bytes: Uint8Array): { name: string; range: string; glyphs: Glyph[] } {
  const out = { name: '', range: '', glyphs: [] as Glyph[] };
  new Pbf(bytes).readFields((tag, _o, pbf) => {
    if (tag !== 1) return;
    pbf.readMessage((t, _x, p) => {
      if (t === 1) out.name = p.readString();
      else if (t === 2) out.range = p.readString();
      else if (t === 3) {
        const g: Glyph = { id: 0, width: 0, height: 0, left: 0, top: 0, advance: 0, bitmap: new Uint8Array(0) };
        p.readMessage((gt, _y, q) => {
          if (gt === 1) g.id = q.readVarint();
          else if (gt === 2) g.bitmap = q.readBytes();
          else if (gt === 3) g.width = q.readVarint();
          else if (gt === 4) g.height = q.readVarint();
          else if (gt === 5) g.left = q.readSVarint();
          else if (gt === 6) g.top = q.readSVarint();
          else if (gt === 7) g.advance = q.readVarint();
        }, null);
        out.glyphs.push(g);
      }
    }, null);
  }, null);
  return out;
}

describe('glyphs', () => {
  const service = new GlyphsService();

  it('renders the Basic Latin range with SDF bitmaps sized width+6 by height+6', () => {
    const pbf = decode(service.range('Noto Sans Regular', 0));
    expect(pbf.name).toBe('Noto Sans Regular');
    expect(pbf.range).toBe('0-255');
    const a = pbf.glyphs.find((g) => g.id === 'A'.charCodeAt(0));
    expect(a).toBeDefined();
    expect(a?.bitmap.byteLength).toBe(((a?.width ?? 0) + 6) * ((a?.height ?? 0) + 6));
    expect(a?.advance).toBeGreaterThan(10);
    // Inside the stroke the field is high, far outside it is zero.
    expect(Math.max(...(a?.bitmap ?? []))).toBeGreaterThan(192);
    expect(a?.bitmap[0]).toBe(0);
    const space = pbf.glyphs.find((g) => g.id === 32);
    expect(space?.width).toBe(0);
    expect(space?.advance).toBeGreaterThan(3);
  });

  it('covers Indonesian text in both faces and falls back for unknown faces', () => {
    for (const face of ['Noto Sans Regular', 'Noto Sans Bold', 'Arial Unicode MS Regular']) {
      const ids = new Set(decode(service.range(face, 0)).glyphs.map((g) => g.id));
      for (const ch of 'Kecamatan Karang Tengah, Kelurahan Pajang (36.71.04)')
        expect(ids.has(ch.charCodeAt(0))).toBe(true);
    }
  });
});
