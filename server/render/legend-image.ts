import { createCanvas, type SKRSContext2D } from '@napi-rs/canvas';
import { registerFonts } from './fonts.js';
import { LABEL_FONT_FAMILY } from './labels.js';
import type { Legend, LegendClass } from './style-layers.js';

/** #rrggbb and an opacity as a CSS colour. */
function rgba(hex: string, alpha: number): string {
  const n = Number.parseInt(hex.slice(1), 16);
  return `rgba(${(n >> 16) & 255},${(n >> 8) & 255},${n & 255},${alpha})`;
}

/** One class's symbol in a square of `size` pixels whose top left corner is (x, y). */
export function drawSymbol(ctx: SKRSContext2D, c: LegendClass, x: number, y: number, size: number): void {
  const s = c.symbol;
  ctx.save();
  ctx.translate(x, y);
  ctx.lineJoin = 'round';
  ctx.lineCap = s.dash ? 'butt' : 'round';
  ctx.setLineDash(s.dash ? s.dash.map((d) => d * s.width) : []);
  if (s.kind === 'fill') {
    ctx.fillStyle = rgba(s.color, s.fillOpacity);
    ctx.fillRect(1, 1, size - 2, size - 2);
    if (s.width > 0) {
      ctx.strokeStyle = s.outlineColor ?? s.color;
      ctx.lineWidth = Math.min(s.width, size / 4);
      ctx.strokeRect(1, 1, size - 2, size - 2);
    }
  } else if (s.kind === 'line') {
    ctx.strokeStyle = s.color;
    ctx.lineWidth = Math.min(Math.max(s.width, 1), size / 3);
    ctx.beginPath();
    ctx.moveTo(1, size - 3);
    ctx.lineTo(size / 2, size / 2);
    ctx.lineTo(size - 1, 3);
    ctx.stroke();
  } else {
    const r = Math.min(s.radius, size / 2 - 1);
    ctx.beginPath();
    ctx.arc(size / 2, size / 2, r, 0, 2 * Math.PI);
    ctx.fillStyle = s.color;
    ctx.fill();
    ctx.strokeStyle = s.outlineColor ?? '#ffffff';
    ctx.lineWidth = 1;
    ctx.stroke();
  }
  ctx.restore();
}

const rowHeight = (symbol: number) => symbol + 4;
const fontOf = (symbol: number) => `${Math.max(10, Math.round(symbol * 0.6))}px "${LABEL_FONT_FAMILY}"`;
let measurer: SKRSContext2D | null = null;

/** The pixel size of a legend image (what WMS capabilities announce in LegendURL). */
export function legendSize(legend: Legend, symbol: number, maxWidth: number): { width: number; height: number } {
  registerFonts();
  measurer ??= createCanvas(1, 1).getContext('2d');
  measurer.font = fontOf(symbol);
  const ctx = measurer;
  const textWidth = Math.max(...legend.classes.map((c) => ctx.measureText(c.label).width));
  return {
    width: Math.min(maxWidth, Math.ceil(symbol + 10 + textWidth + 4)),
    height: rowHeight(symbol) * legend.classes.length,
  };
}

/**
 * A legend as an image: one row per class, a symbol of `symbol` pixels and its label in Noto
 * Sans, at most `maxWidth` wide; `background` fills it (JPEG has no transparency).
 */
export function legendCanvas(legend: Legend, symbol: number, maxWidth: number, background: string | null) {
  const { width, height } = legendSize(legend, symbol, maxWidth);
  const font = fontOf(symbol);
  const canvas = createCanvas(width, height);
  const ctx = canvas.getContext('2d');
  if (background) {
    ctx.fillStyle = background;
    ctx.fillRect(0, 0, canvas.width, canvas.height);
  }
  legend.classes.forEach((c, row) => {
    const top = row * rowHeight(symbol) + 2;
    drawSymbol(ctx, c, 2, top, symbol);
    ctx.fillStyle = '#222222';
    ctx.font = font;
    ctx.textBaseline = 'middle';
    ctx.fillText(c.label, symbol + 10, top + symbol / 2);
  });
  return canvas;
}
