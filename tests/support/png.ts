import { createCanvas, loadImage } from '@napi-rs/canvas';

/** A decoded image: RGBA bytes, row by row from the top left. */
export interface Pixels {
  width: number;
  height: number;
  /** [r, g, b, a] of pixel (x, y), x right and y down from the top left corner. */
  at(x: number, y: number): [number, number, number, number];
  /** How many pixels have any opacity. */
  opaque(): number;
}

/** Decodes a PNG, JPEG or WebP answer with Skia, so tests read what a client would see. */
export async function decodeImage(bytes: Uint8Array): Promise<Pixels> {
  const image = await loadImage(Buffer.from(bytes));
  const canvas = createCanvas(image.width, image.height);
  const ctx = canvas.getContext('2d');
  ctx.drawImage(image, 0, 0);
  const { data, width, height } = ctx.getImageData(0, 0, image.width, image.height);
  return {
    width,
    height,
    at(x, y) {
      const i = (y * width + x) * 4;
      return [data[i] ?? 0, data[i + 1] ?? 0, data[i + 2] ?? 0, data[i + 3] ?? 0];
    },
    opaque() {
      let n = 0;
      for (let i = 3; i < data.length; i += 4) if ((data[i] ?? 0) > 0) n++;
      return n;
    },
  };
}

/** #rrggbb as [r, g, b]. */
export function rgbOf(hex: string): [number, number, number] {
  const n = Number.parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/** The largest difference of one channel between two colours. */
export function colourDistance(a: readonly number[], b: readonly number[]): number {
  return Math.max(...[0, 1, 2].map((i) => Math.abs((a[i] ?? 0) - (b[i] ?? 0))));
}
