import type { SKRSContext2D } from '@napi-rs/canvas';

/** A label to place: its text at an anchor in image pixels, size in pixels, colours as CSS. */
export interface LabelCandidate {
  text: string;
  x: number;
  y: number;
  size: number;
  color: string;
  halo: string | null;
  haloWidth: number;
  /** center: the text is centred on the anchor; top: its top edge is at the anchor (point labels). */
  anchor: 'center' | 'top';
}

export const LABEL_FONT_FAMILY = 'Noto Sans';
/** Pixels kept free around each placed label. */
const PADDING = 2;
/** Grid cell size of the collision index, in pixels. */
const CELL = 64;

/**
 * Places labels without overlap, first come first placed (the order of the style's layers, then
 * of the features), and draws them with their halo. A label that would leave the image or
 * overlap one already placed is left out, as MapLibre's collision detection does.
 */
export function placeLabels(ctx: SKRSContext2D, labels: LabelCandidate[], width: number, height: number): number {
  const grid = new Map<number, [number, number, number, number][]>();
  const cells = (b: [number, number, number, number]) => {
    const out: number[] = [];
    for (let cx = Math.floor(b[0] / CELL); cx <= Math.floor(b[2] / CELL); cx++)
      for (let cy = Math.floor(b[1] / CELL); cy <= Math.floor(b[3] / CELL); cy++) out.push(cx * 100_003 + cy);
    return out;
  };
  let placed = 0;
  ctx.save();
  ctx.textAlign = 'center';
  ctx.lineJoin = 'round';
  for (const l of labels) {
    ctx.font = `${l.size}px "${LABEL_FONT_FAMILY}"`;
    const w = ctx.measureText(l.text).width;
    const top = l.anchor === 'top' ? l.y : l.y - l.size / 2;
    const box: [number, number, number, number] = [
      l.x - w / 2 - PADDING,
      top - PADDING,
      l.x + w / 2 + PADDING,
      top + l.size * 1.2 + PADDING,
    ];
    if (box[0] < 0 || box[1] < 0 || box[2] > width || box[3] > height) continue;
    const keys = cells(box);
    const hit = keys.some((k) =>
      (grid.get(k) ?? []).some((o) => box[0] < o[2] && box[2] > o[0] && box[1] < o[3] && box[3] > o[1]),
    );
    if (hit) continue;
    for (const k of keys) {
      const list = grid.get(k);
      if (list) list.push(box);
      else grid.set(k, [box]);
    }
    ctx.textBaseline = 'top';
    const y = top + l.size * 0.1;
    if (l.halo && l.haloWidth > 0) {
      ctx.strokeStyle = l.halo;
      ctx.lineWidth = l.haloWidth * 2;
      ctx.strokeText(l.text, l.x, y);
    }
    ctx.fillStyle = l.color;
    ctx.fillText(l.text, l.x, y);
    placed++;
  }
  ctx.restore();
  return placed;
}
