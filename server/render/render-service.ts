import { createRequire } from 'node:module';
import { createCanvas, GlobalFonts, type Canvas } from '@napi-rs/canvas';
import type { Knex } from 'knex';
import type { Caller } from '../auth/access.js';
import type { CatalogService } from '../catalog/catalog-service.js';
import type { LayerRecord } from '../catalog/layer-types.js';
import { AppError, badRequest } from '../http/app-error.js';
import { drawLayer, rgba } from './draw.js';
import { legendOf, symbolizerOf, type Legend } from './layer-style.js';
import type { MapFrame } from './map-frame.js';
import { selectRenderRows } from './render-sql.js';

export type ImageFormat = 'png' | 'jpeg' | 'webp';
export const IMAGE_TYPES: Record<ImageFormat, string> = {
  png: 'image/png',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
};

export interface ImageOptions {
  format: ImageFormat;
  /** PNG/WebP: leave what no layer covers transparent (JPEG never is). */
  transparent: boolean;
  /** #rrggbb behind the layers when not transparent. */
  background: string;
}

export interface RenderLimits {
  /** Largest WIDTH or HEIGHT in pixels. */
  maxSize: number;
  /** Most features drawn per layer per image. */
  maxFeatures: number;
  /** Most layers in one image. */
  maxLayers: number;
}

const FONT = 'Noto Sans';
let fontsReady = false;
function registerFonts(): void {
  if (fontsReady) return;
  const require = createRequire(import.meta.url);
  for (const subset of ['latin', 'latin-ext'])
    GlobalFonts.registerFromPath(
      require.resolve(`@fontsource/noto-sans/files/noto-sans-${subset}-400-normal.woff`),
      FONT,
    );
  fontsReady = true;
}

/**
 * Server-side maps: any list of visible layers drawn for a frame with the layers' stored styles,
 * in-process with Skia (@napi-rs/canvas). Geometry comes from the database already generalised
 * to the image's pixels; the image is encoded off the event loop. WMS GetMap, static maps and
 * legends are drawn here.
 */
export class RenderService {
  constructor(
    private readonly knex: Knex,
    private readonly catalog: CatalogService,
    readonly limits: RenderLimits,
  ) {}

  /**
   * Visible layers of a comma-separated list, in drawing order (a layer may be named twice);
   * hidden and missing alike are layer_not_found.
   */
  async layers(caller: Caller, list: string, parameter = 'layers'): Promise<LayerRecord[]> {
    const names = list.split(',').map((n) => n.trim());
    if (names.some((n) => n === ''))
      throw badRequest('invalid_layer_list', `${parameter} must be layer ids separated by commas.`, {
        parameter,
        value: list.slice(0, 200),
      });
    if (names.length > this.limits.maxLayers)
      throw badRequest(
        'too_many_layers',
        `One image may draw at most ${this.limits.maxLayers} layers; ${names.length} were asked.`,
        {
          parameter,
          max: this.limits.maxLayers,
          asked: names.length,
        },
      );
    try {
      const found = await this.catalog.getLayers(caller, [...new Set(names)]);
      const bySlug = new Map(found.map((l) => [l.slug, l]));
      return names.map((n) => bySlug.get(n) as LayerRecord);
    } catch (e) {
      // The same answer for hidden and missing layers, naming the parameter that held the name.
      if (e instanceof AppError && e.code === 'layer_not_found')
        throw new AppError(404, 'layer_not_found', e.message, { ...e.details, parameter });
      throw e;
    }
  }

  checkSize(width: number, height: number, names: [string, string] = ['WIDTH', 'HEIGHT']): void {
    for (const [name, v] of [
      [names[0], width],
      [names[1], height],
    ] as const) {
      if (!Number.isInteger(v) || v < 1)
        throw badRequest('invalid_parameter', `${name} must be a whole number of pixels, at least 1.`, {
          parameter: name,
          value: v,
        });
      if (v > this.limits.maxSize)
        throw badRequest('image_too_large', `${name} may be at most ${this.limits.maxSize} pixels.`, {
          parameter: name,
          value: v,
          max: this.limits.maxSize,
        });
    }
  }

  /** The layers drawn bottom to top in list order; `scale` multiplies line widths and radii (dpi / 96). */
  async render(layers: LayerRecord[], frame: MapFrame, image: ImageOptions, scale = 1): Promise<Buffer> {
    this.checkSize(frame.width, frame.height);
    const rows = await selectRenderRows(
      this.knex,
      layers.map((l) => ({ id: l.id, geometryType: l.geometryType })),
      frame,
      this.limits.maxFeatures,
    );
    const byLayer: { fid: number; geometry: string }[][] = layers.map(() => []);
    for (const r of rows) byLayer[r.layer]?.push(r);
    const canvas = createCanvas(frame.width, frame.height);
    const ctx = canvas.getContext('2d');
    if (!image.transparent || image.format === 'jpeg') {
      ctx.fillStyle = image.background;
      ctx.fillRect(0, 0, frame.width, frame.height);
    }
    layers.forEach((layer, i) => {
      const drawn = (byLayer[i] ?? []).sort((a, b) => a.fid - b.fid).map((r) => r.geometry);
      drawLayer(ctx, drawn, symbolizerOf(layer), scale);
    });
    return encode(canvas, image.format);
  }

  legend(layer: LayerRecord): Legend {
    return legendOf(layer);
  }

  /**
   * A legend image: one row per class, a symbol of `symbol` pixels and its label in Noto Sans;
   * `labels: false` draws the symbol alone (WMS GetLegendGraphic with a WIDTH/HEIGHT of its own).
   */
  async legendImage(layer: LayerRecord, format: ImageFormat, symbol = 20, labels = true): Promise<Buffer> {
    registerFonts();
    const { classes } = legendOf(layer);
    const fontPx = Math.max(10, Math.round(symbol * 0.6));
    const measure = createCanvas(1, 1).getContext('2d');
    measure.font = `${fontPx}px "${FONT}"`;
    const textWidth = labels ? Math.max(...classes.map((c) => measure.measureText(c.label).width)) : 0;
    const rowHeight = symbol + 4;
    const width = Math.min(this.limits.maxSize, Math.ceil(symbol + 4 + (labels ? 6 + textWidth : 0)));
    const canvas = createCanvas(width, rowHeight * classes.length);
    const ctx = canvas.getContext('2d');
    if (format === 'jpeg') {
      ctx.fillStyle = '#ffffff';
      ctx.fillRect(0, 0, canvas.width, canvas.height);
    }
    classes.forEach((c, row) => {
      const top = row * rowHeight + 2;
      const s = c.symbol;
      ctx.save();
      ctx.translate(2, top);
      const half = symbol / 2;
      const sample =
        s.kind === 'fill'
          ? `{"type":"Polygon","coordinates":[[[1,1],[${symbol - 1},1],[${symbol - 1},${symbol - 1}],[1,${symbol - 1}],[1,1]]]}`
          : s.kind === 'line'
            ? `{"type":"LineString","coordinates":[[1,${symbol - 3}],[${half},${half}],[${symbol - 1},3]]}`
            : `{"type":"Point","coordinates":[${half},${half}]}`;
      drawLayer(ctx, [sample], { ...s, radius: Math.min(s.radius, half - 1) }, 1);
      ctx.restore();
      if (labels) {
        ctx.fillStyle = rgba('#222222', 1);
        ctx.font = `${fontPx}px "${FONT}"`;
        ctx.textBaseline = 'middle';
        ctx.fillText(c.label, symbol + 10, top + symbol / 2);
      }
    });
    return encode(canvas, format);
  }
}

/** Encoded on libuv's thread pool, not on the event loop. */
function encode(canvas: Canvas, format: ImageFormat): Promise<Buffer> {
  if (format === 'jpeg') return canvas.encode('jpeg', 90);
  if (format === 'webp') return canvas.encode('webp', 90);
  return canvas.encode('png');
}
