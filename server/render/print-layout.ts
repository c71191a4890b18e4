/**
 * The sheet of a printed map, in PDF points (1/72 inch; 1 mm = 72 / 25.4 pt), y down from the
 * top left as pdfkit draws: a header with title and subtitle, the map frame on the left, a side
 * panel on the right (north arrow, scale, legend, sources, QR code), a footer.
 */
export type Paper = 'A4' | 'A3' | 'A1';
export type Orientation = 'portrait' | 'landscape';

export const MM = 72 / 25.4;
/** ISO 216 sizes in mm, portrait. */
const PAPERS: Record<Paper, [number, number]> = { A4: [210, 297], A3: [297, 420], A1: [594, 841] };

export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface SheetLayout {
  page: { w: number; h: number };
  /** Scales type and furniture: 1 on A4, larger on bigger paper. */
  unit: number;
  header: Box;
  map: Box;
  panel: Box;
  footer: Box;
}

export function sheetLayout(paper: Paper, orientation: Orientation): SheetLayout {
  const [a, b] = PAPERS[paper];
  const [wMm, hMm] = orientation === 'portrait' ? [a, b] : [b, a];
  const unit = Math.sqrt(wMm * hMm) / Math.sqrt(210 * 297);
  const margin = 10 * unit * MM;
  const w = wMm * MM;
  const h = hMm * MM;
  const headerH = 16 * unit * MM;
  const footerH = 9 * unit * MM;
  // Landscape: the panel beside the map; portrait: the same panel, narrower (the map keeps most width).
  const panelW = (orientation === 'landscape' ? 70 : 58) * unit * MM;
  const gap = 4 * unit * MM;
  const bodyY = margin + headerH;
  const bodyH = h - bodyY - footerH - margin;
  return {
    page: { w, h },
    unit,
    header: { x: margin, y: margin, w: w - 2 * margin, h: headerH },
    map: { x: margin, y: bodyY, w: w - 2 * margin - panelW - gap, h: bodyH },
    panel: { x: w - margin - panelW, y: bodyY, w: panelW, h: bodyH },
    footer: { x: margin, y: h - margin - footerH, w: w - 2 * margin, h: footerH },
  };
}

/** A map-frame size in image pixels at a print resolution. */
export function framePixels(box: Box, dpi: number): { width: number; height: number } {
  return { width: Math.round((box.w / 72) * dpi), height: Math.round((box.h / 72) * dpi) };
}

/** Scale bar length in metres: the largest 1-2-5 step that fits in `maxMm` at 1:denominator. */
export function scaleBarMetres(denominator: number, maxMm: number): number {
  const max = (maxMm / 1000) * denominator;
  const exp = 10 ** Math.floor(Math.log10(max));
  for (const step of [5, 2, 1]) if (step * exp <= max) return step * exp;
  return exp;
}

/** Scales a printed map offers and "fit to district" rounds up to. */
export const PRINT_SCALES = [1000, 2500, 5000, 10_000, 25_000, 50_000, 100_000];

/** The smallest offered scale at which a box of `metres` fits in a frame of `mm` (each axis), else the largest. */
export function fittingScale(metres: { x: number; y: number }, mm: { x: number; y: number }): number {
  const needed = Math.max(metres.x / (mm.x / 1000), metres.y / (mm.y / 1000));
  return PRINT_SCALES.find((s) => s >= needed) ?? (PRINT_SCALES[PRINT_SCALES.length - 1] as number);
}

/** Indonesian number writing: dots between thousands (1:10.000). */
export const idNumber = (n: number, digits = 0) =>
  n.toLocaleString('id-ID', { maximumFractionDigits: digits, minimumFractionDigits: 0 });
