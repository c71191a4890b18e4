import { createCanvas, type Canvas } from '@napi-rs/canvas';
import type { Knex } from 'knex';
import type { Caller } from '../auth/access.js';
import type { CatalogService } from '../catalog/catalog-service.js';
import type { LayerRecord } from '../catalog/layer-types.js';
import { AppError, badRequest } from '../http/app-error.js';
import { drawStyleLayer, type DrawFeature } from './draw.js';
import { registerFonts } from './fonts.js';
import { placeLabels, type LabelCandidate } from './labels.js';
import { legendCanvas } from './legend-image.js';
import { frameAroundBox, frameZoom, type MapFrame } from './map-frame.js';
import { selectRenderRows, type RenderLayerSpec, type RenderRow } from './render-sql.js';
import { legendOfLayer, styleDocOf, styleHash } from './style-doc.js';
import type { Legend } from './style-layers.js';
import { compileStyle, propertiesRead } from './style-paint.js';

/** A feature filter of one layer, as the one feature query compiles it. */
export type SqlWhere = NonNullable<RenderLayerSpec['where']>;

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

/**
 * Server-side maps: any list of visible layers drawn for a frame with the layers' stored styles,
 * in-process with Skia (@napi-rs/canvas). Geometry comes from the database already generalised
 * to the image's pixels; the image is encoded off the event loop. WMS GetMap, static maps and
 * legends are drawn here.
 */
/** Thumbnails kept in memory (a few kB each). */
const THUMBNAILS_KEPT = 3000;

export class RenderService {
  private readonly thumbnails = new Map<string, Buffer>();

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

  /**
   * The layers drawn bottom to top in list order with their stored styles, labels last and
   * without overlap; `scale` multiplies line widths, radii and text (dpi / 96), and the style's
   * zoom is the frame's less log2(scale), so a scale-2 image looks like the scale-1 one, sharper.
   */
  async render(
    layers: LayerRecord[],
    frame: MapFrame,
    image: ImageOptions,
    scale = 1,
    print?: { maxPixels: number },
    filters: (SqlWhere | null)[] = [],
  ): Promise<Buffer> {
    // A printed sheet is bounded by its pixel count (checked by the print service), not by RENDER_MAX_SIZE.
    if (!print) this.checkSize(frame.width, frame.height);
    else if (frame.width * frame.height > print.maxPixels) throw new Error('print frame above its pixel bound');
    const styles = layers.map((l) => styleDocOf(l).layers);
    const fields = layers.map((l) => new Set(l.fields.map((f) => f.name)));
    const rows = await selectRenderRows(
      this.knex,
      layers.map((l, i) => ({
        id: l.storageId,
        geometryType: l.geometryType,
        properties: propertiesRead(styles[i] ?? []).filter((p) => fields[i]?.has(p)),
        labels: (styles[i] ?? []).some((s) => s.type === 'symbol'),
        where: filters[i] ?? null,
      })),
      frame,
      this.limits.maxFeatures,
    );
    const byLayer: RenderRow[][] = layers.map(() => []);
    for (const r of rows) byLayer[r.layer]?.push(r);
    const canvas = createCanvas(frame.width, frame.height);
    const ctx = canvas.getContext('2d');
    if (!image.transparent || image.format === 'jpeg') {
      ctx.fillStyle = image.background;
      ctx.fillRect(0, 0, frame.width, frame.height);
    }
    const zoom = frameZoom(frame) - Math.log2(scale);
    const labels: LabelCandidate[] = [];
    layers.forEach((layer, i) => {
      const type = layer.geometryType === 'Point' ? 1 : layer.geometryType === 'LineString' ? 2 : 3;
      const features = (byLayer[i] ?? []).sort((a, b) => a.fid - b.fid).map((r) => toDraw(r, type));
      for (const style of compileStyle(styles[i] ?? [])) drawStyleLayer(ctx, style, features, zoom, scale, labels);
    });
    if (labels.length > 0) {
      registerFonts();
      placeLabels(ctx, labels, frame.width, frame.height);
    }
    return encode(canvas, image.format);
  }

  /**
   * A small picture of a whole layer for catalog lists (192 × 144 pixels, drawn at pixel ratio
   * 2 for a 96 × 72 slot), remembered per data and style version, so a list that scrolls past
   * the same layers again costs nothing.
   */
  async thumbnail(layer: LayerRecord): Promise<{ body: Buffer; etag: string }> {
    const etag = `"t${layer.id}-${layer.dataVersion}-${styleHash(layer)}"`;
    const hit = this.thumbnails.get(etag);
    if (hit) return { body: hit, etag };
    const [w, s, e, n] = layer.bbox ?? [106.55, -6.26, 106.75, -6.09];
    const padX = Math.max((e - w) * 0.08, 0.0005);
    const padY = Math.max((n - s) * 0.08, 0.0005);
    const frame = frameAroundBox([w - padX, s - padY, e + padX, n + padY], 192, 144);
    const body = await this.render([layer], frame, { format: 'png', transparent: false, background: '#f4f4ef' }, 2);
    if (this.thumbnails.size >= THUMBNAILS_KEPT) this.thumbnails.delete(this.thumbnails.keys().next().value as string);
    this.thumbnails.set(etag, body);
    return { body, etag };
  }

  legend(layer: LayerRecord): Legend {
    return legendOfLayer(layer);
  }

  /** A legend image: a row per class, with its symbol of `symbol` pixels and its label. */
  legendImage(layer: LayerRecord, format: ImageFormat, symbol = 20): Promise<Buffer> {
    const canvas = legendCanvas(
      legendOfLayer(layer),
      symbol,
      this.limits.maxSize,
      format === 'jpeg' ? '#ffffff' : null,
    );
    return encode(canvas, format);
  }
}

function toDraw(r: RenderRow, type: 1 | 2 | 3): DrawFeature {
  const anchors = r.anchors ? (JSON.parse(r.anchors) as { coordinates: number[] }[]).map((p) => p.coordinates) : [];
  return {
    type,
    id: r.fid,
    properties: r.props,
    svg: type === 1 ? null : r.geometry,
    points: type === 1 ? positionsOf(JSON.parse(r.geometry) as GeoJsonPoints) : [],
    anchors: anchors.filter((a) => a.length >= 2),
  };
}

interface GeoJsonPoints {
  type: string;
  coordinates?: unknown;
  geometries?: GeoJsonPoints[];
}

/** Every position of a Point, MultiPoint or a collection of them. */
function positionsOf(g: GeoJsonPoints): number[][] {
  if (g.type === 'Point') return [g.coordinates as number[]];
  if (g.type === 'MultiPoint') return g.coordinates as number[][];
  return (g.geometries ?? []).flatMap(positionsOf);
}

/** Encoded on libuv's thread pool, not on the event loop. */
function encode(canvas: Canvas, format: ImageFormat): Promise<Buffer> {
  if (format === 'jpeg') return canvas.encode('jpeg', 90);
  if (format === 'webp') return canvas.encode('webp', 90);
  // zlib level 3 and the Sub filter: a quarter faster than the defaults, 4 % larger files.
  return canvas.encode('png', { compressionLevel: 3, filters: 0x10 });
}
