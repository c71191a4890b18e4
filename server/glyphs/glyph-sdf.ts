import type { Font, PathCommand } from 'opentype.js';

/**
 * Signed distance field glyphs in the form MapLibre expects: rendered at 24 px with a 3 px
 * buffer; a pixel holds 255 - 255 * (d / 8 + 0.25), d the distance in pixels to the outline
 * (negative inside), so the edge sits at 192. Distances are exact (to the flattened outline).
 */
export const FONT_SIZE = 24;
const BUFFER = 3;
const RADIUS = 8;
const CUTOFF = 0.25;

export interface SdfGlyph {
  id: number;
  bitmap: Uint8Array;
  /** Glyph size in pixels, without the buffer. */
  width: number;
  height: number;
  left: number;
  /** From the top of the line box (MapLibre's convention: ascent minus 27 at 24 px). */
  top: number;
  advance: number;
}

type Segment = [number, number, number, number];

export function renderGlyph(font: Font, codepoint: number): SdfGlyph | null {
  const glyph = font.charToGlyph(String.fromCodePoint(codepoint));
  if (glyph.index === 0) return null;
  const advance = Math.round(((glyph.advanceWidth ?? 0) * FONT_SIZE) / font.unitsPerEm);
  const segments = flatten(glyph.getPath(0, 0, FONT_SIZE).commands);
  if (segments.length === 0)
    return { id: codepoint, bitmap: new Uint8Array(0), width: 0, height: 0, left: 0, top: -27, advance };
  // Path coordinates: x right, y down, baseline at y = 0.
  const xs = segments.flatMap((s) => [s[0], s[2]]);
  const ys = segments.flatMap((s) => [s[1], s[3]]);
  const left = Math.floor(Math.min(...xs));
  const topY = Math.floor(Math.min(...ys));
  const width = Math.ceil(Math.max(...xs)) - left;
  const height = Math.ceil(Math.max(...ys)) - topY;
  const w = width + 2 * BUFFER;
  const h = height + 2 * BUFFER;
  const bitmap = new Uint8Array(w * h);
  for (let row = 0; row < h; row++) {
    for (let col = 0; col < w; col++) {
      const px = left - BUFFER + col + 0.5;
      const py = topY - BUFFER + row + 0.5;
      const d = Math.sqrt(nearestSquared(px, py, segments)) * (inside(px, py, segments) ? -1 : 1);
      bitmap[row * w + col] = Math.max(0, Math.min(255, Math.round(255 - 255 * (d / RADIUS + CUTOFF))));
    }
  }
  return { id: codepoint, bitmap, width, height, left, top: -topY - 27, advance };
}

/** Outline as straight segments; quadratic and cubic curves in 8 steps each. */
function flatten(commands: PathCommand[]): Segment[] {
  const out: Segment[] = [];
  let x = 0,
    y = 0,
    startX = 0,
    startY = 0;
  const line = (nx: number, ny: number) => {
    if (nx !== x || ny !== y) out.push([x, y, nx, ny]);
    x = nx;
    y = ny;
  };
  for (const c of commands) {
    if (c.type === 'M') {
      x = startX = c.x ?? 0;
      y = startY = c.y ?? 0;
    } else if (c.type === 'L') line(c.x ?? 0, c.y ?? 0);
    else if (c.type === 'Q' || c.type === 'C') {
      const [x0, y0] = [x, y];
      for (let i = 1; i <= 8; i++) {
        const t = i / 8,
          u = 1 - t;
        if (c.type === 'Q') {
          line(
            u * u * x0 + 2 * u * t * (c.x1 ?? 0) + t * t * (c.x ?? 0),
            u * u * y0 + 2 * u * t * (c.y1 ?? 0) + t * t * (c.y ?? 0),
          );
        } else {
          line(
            u * u * u * x0 + 3 * u * u * t * (c.x1 ?? 0) + 3 * u * t * t * (c.x2 ?? 0) + t * t * t * (c.x ?? 0),
            u * u * u * y0 + 3 * u * u * t * (c.y1 ?? 0) + 3 * u * t * t * (c.y2 ?? 0) + t * t * t * (c.y ?? 0),
          );
        }
      }
    } else line(startX, startY);
  }
  return out;
}

function nearestSquared(px: number, py: number, segments: Segment[]): number {
  let best = Infinity;
  for (const [x1, y1, x2, y2] of segments) {
    const dx = x2 - x1,
      dy = y2 - y1;
    const len = dx * dx + dy * dy;
    const t = len === 0 ? 0 : Math.max(0, Math.min(1, ((px - x1) * dx + (py - y1) * dy) / len));
    const ex = x1 + t * dx - px,
      ey = y1 + t * dy - py;
    best = Math.min(best, ex * ex + ey * ey);
  }
  return best;
}

/** Non-zero winding, as TrueType fills outlines. */
function inside(px: number, py: number, segments: Segment[]): boolean {
  let winding = 0;
  for (const [x1, y1, x2, y2] of segments) {
    if (y1 <= py ? y2 > py && cross(x1, y1, x2, y2, px, py) > 0 : y2 <= py && cross(x1, y1, x2, y2, px, py) < 0) {
      winding += y1 <= py ? 1 : -1;
    }
  }
  return winding !== 0;
}

function cross(x1: number, y1: number, x2: number, y2: number, px: number, py: number): number {
  return (x2 - x1) * (py - y1) - (px - x1) * (y2 - y1);
}
