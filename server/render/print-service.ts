import QRCode from 'qrcode';
import { z } from 'zod';
import type { Caller } from '../auth/access.js';
import type { DistrictsService } from '../districts/districts-service.js';
import type { ElementsService } from '../elements/elements-service.js';
import { badRequest } from '../http/app-error.js';
import { frameAtScale, frameZoom, lonLatTo3857 } from './map-frame.js';
import { fittingScale, framePixels, MM, sheetLayout } from './print-layout.js';
import { printPdf } from './print-pdf.js';
import type { ProfileSheet } from './print-profile.js';
import type { RenderService } from './render-service.js';
import { legendOfLayer } from './style-doc.js';

/** The body of POST /api/print; also feeds the OpenAPI document. */
export const printBody = z
  .object({
    layers: z.array(z.string().min(1).max(100)).min(1).max(20).describe('Layer ids, bottom to top'),
    paper: z.enum(['A4', 'A3', 'A1']).default('A4'),
    orientation: z.enum(['portrait', 'landscape']).default('landscape'),
    scale: z.number().int().min(1000).max(100_000).optional().describe('The map scale 1:scale'),
    center: z
      .tuple([z.number().min(-180).max(180), z.number().min(-90).max(90)])
      .optional()
      .describe('[lon, lat] of the map centre, EPSG:4326'),
    district: z.string().max(40).optional().describe('Kemendagri code: fit the map to it and draw its outline'),
    dpi: z.union([z.literal(150), z.literal(300)]).default(150),
    title: z.string().trim().min(1).max(120),
    subtitle: z.string().trim().max(200).optional(),
    notes: z.string().trim().max(1000).optional(),
    author: z.string().trim().max(200).optional().describe('The office that prints the map'),
    grid: z.boolean().default(false).describe('A graticule in degrees over the map'),
    profile: z
      .boolean()
      .default(false)
      .describe("With district: the district's profil wilayah as table pages after the map"),
  })
  .strict();
export type PrintRequest = z.infer<typeof printBody>;

/** Rows of a printed profil wilayah; the rest are counted and linked. */
const PROFILE_ROWS = 300;

/** Margin kept around a district fitted into the frame. */
const FIT_PADDING = 1.08;

/**
 * Printed maps: the layers drawn by the renderer at the sheet's resolution and exact scale,
 * composed with title, legend, scale bar, north arrow, sources and a QR code back to the view
 * into one PDF. At most `concurrency` prints are drawn at once per process; the rest wait.
 */
export class PrintService {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    private readonly render: RenderService,
    private readonly districts: DistrictsService,
    private readonly elements: ElementsService,
    private readonly options: { maxPixels: number; concurrency: number },
  ) {}

  async print(caller: Caller, r: PrintRequest, base: string): Promise<{ pdf: Buffer; filename: string }> {
    const layout = sheetLayout(r.paper, r.orientation);
    const px = framePixels(layout.map, r.dpi);
    if (px.width * px.height > this.options.maxPixels)
      throw badRequest(
        'image_too_large',
        `${r.paper} at ${r.dpi} dpi needs a map of ${px.width} × ${px.height} pixels, more than PRINT_MAX_PIXELS (${this.options.maxPixels}); print at 150 dpi or on smaller paper.`,
        { parameter: 'dpi' },
      );
    if (r.profile && !r.district)
      throw badRequest('invalid_parameter', 'profile prints the profil wilayah of a district: give district too.', {
        parameter: 'profile',
      });
    const layers = await this.render.layers(caller, r.layers.join(','), 'layers');
    const district = r.district ? await this.districts.get(r.district) : null;
    const geometry = district ? (JSON.parse(district.geometry) as { type: string; coordinates: unknown }) : null;
    const { center, denominator } = this.placement(r, geometry, {
      x: layout.map.w / MM,
      y: layout.map.h / MM,
    });
    const frame = frameAtScale(center[0], center[1], denominator, px.width, px.height, r.dpi);
    await this.slot();
    try {
      const scale = r.dpi / 96;
      const map = await this.render.render(
        layers,
        frame,
        { format: 'png', transparent: false, background: '#ffffff' },
        scale,
        {
          maxPixels: this.options.maxPixels,
        },
      );
      const zoom = frameZoom(frame) - Math.log2(scale);
      const link =
        `${base}/?l=${layers.map((l) => encodeURIComponent(l.slug)).join(',')}` +
        `&c=${center[0].toFixed(5)},${center[1].toFixed(5)}&z=${zoom.toFixed(2)}` +
        (district ? `&d=${encodeURIComponent(district.district.code)}` : '');
      const agencies = new Map<string, { title: string; lastUpdate: string | null }[]>();
      for (const l of layers) agencies.set(l.agencyName, [...(agencies.get(l.agencyName) ?? []), l]);
      const pdf = await printPdf({
        layout,
        title: r.title,
        subtitle: r.subtitle ?? (district ? `${levelName(district.district.level)} ${district.district.name}` : null),
        notes: r.notes ?? null,
        author: r.author ?? null,
        printedAt: new Date(),
        map,
        frame,
        denominator,
        legends: layers.map((l) => legendOfLayer(l)),
        sources: [...agencies.entries()].map(([agency, ls]) => ({ agency, layers: ls })),
        sample: layers.some((l) => l.isSample),
        link,
        qr: await QRCode.toBuffer(link, { type: 'png', margin: 1, width: 480, errorCorrectionLevel: 'M' }),
        grid: r.grid,
        district: district && geometry ? { name: district.district.name, geometry } : null,
        profile:
          r.profile && district ? await this.profile(caller, district.district.code, base, district.district) : null,
      });
      const slug = r.title
        .normalize('NFD')
        .replace(/[^\w\s-]/g, '')
        .trim()
        .toLowerCase()
        .replace(/\s+/g, '-')
        .slice(0, 60);
      return { pdf, filename: `peta-${slug || 'satupeta'}.pdf` };
    } finally {
      this.release();
    }
  }

  /** The district's profile rows: real figures first, then sample ones, at most PROFILE_ROWS. */
  private async profile(
    caller: Caller,
    code: string,
    base: string,
    d: { name: string; level: string },
  ): Promise<ProfileSheet> {
    const { elements } = await this.elements.profile(caller, code);
    const ordered = [...elements.filter((e) => !e.isSample), ...elements.filter((e) => e.isSample)];
    return {
      district: `${levelName(d.level)} ${d.name}`,
      rows: ordered.slice(0, PROFILE_ROWS),
      more: Math.max(0, ordered.length - PROFILE_ROWS),
      link: `${base}/api/districts/${encodeURIComponent(code)}/profile`,
    };
  }

  /** The map's centre and scale: as asked, or fitted to the district (the next offered scale up). */
  private placement(
    r: PrintRequest,
    geometry: { type: string; coordinates: unknown } | null,
    frameMm: { x: number; y: number },
  ): { center: [number, number]; denominator: number } {
    if (geometry) {
      const [w, s, e, n] = bboxOf(geometry);
      const [x0, y0] = lonLatTo3857(w, s);
      const [x1, y1] = lonLatTo3857(e, n);
      const center: [number, number] = r.center ?? [(w + e) / 2, (s + n) / 2];
      const lat = center[1];
      const cos = Math.cos((lat * Math.PI) / 180);
      const denominator =
        r.scale ?? fittingScale({ x: (x1 - x0) * cos * FIT_PADDING, y: (y1 - y0) * cos * FIT_PADDING }, frameMm);
      return { center, denominator };
    }
    if (!r.center || r.scale === undefined)
      throw badRequest('invalid_parameter', 'A print needs center [lon, lat] with scale, or a district to fit.', {
        parameter: r.center ? 'scale' : 'center',
      });
    return { center: r.center, denominator: r.scale };
  }

  private async slot(): Promise<void> {
    if (this.running < this.options.concurrency) {
      this.running++;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.running--;
  }
}

function levelName(level: string): string {
  return level === 'kecamatan' ? 'Kecamatan' : level === 'kelurahan' ? 'Kelurahan' : 'Kota';
}

/** [west, south, east, north] of a GeoJSON geometry's positions. */
function bboxOf(g: { coordinates: unknown }): [number, number, number, number] {
  const b: [number, number, number, number] = [Infinity, Infinity, -Infinity, -Infinity];
  const walk = (v: unknown): void => {
    if (!Array.isArray(v)) return;
    if (typeof v[0] === 'number') {
      const [x, y] = v as [number, number];
      b[0] = Math.min(b[0], x);
      b[1] = Math.min(b[1], y);
      b[2] = Math.max(b[2], x);
      b[3] = Math.max(b[3], y);
      return;
    }
    for (const p of v) walk(p);
  };
  walk(g.coordinates);
  return b;
}
