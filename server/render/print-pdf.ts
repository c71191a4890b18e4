import { createRequire } from 'node:module';
import { inPosition } from '../features/crs-names.js';
import { lonLatToPixel, type MapFrame } from './map-frame.js';
import { idNumber, MM, scaleBarMetres, type Box, type SheetLayout } from './print-layout.js';
import { profilePages, type ProfileSheet } from './print-profile.js';
import type { Legend, LegendClass } from './style-layers.js';

/** Everything a printed sheet shows. */
export interface PrintSheet {
  layout: SheetLayout;
  title: string;
  subtitle: string | null;
  notes: string | null;
  author: string | null;
  printedAt: Date;
  /** The map image and the frame it shows (Web Mercator). */
  map: Buffer;
  frame: MapFrame;
  denominator: number;
  legends: Legend[];
  /** Producing agencies with the layers' last update dates. */
  sources: { agency: string; layers: { title: string; lastUpdate: string | null }[] }[];
  sample: boolean;
  link: string;
  qr: Buffer;
  grid: boolean;
  /** The district the sheet is fitted to, drawn as an outline: its name and GeoJSON geometry (lon/lat). */
  district: { name: string; geometry: { type: string; coordinates: unknown } } | null;
  /** The district's profil wilayah, printed as table pages after the map. */
  profile: ProfileSheet | null;
}

const require = createRequire(import.meta.url);
const FONT = require.resolve('@fontsource/noto-sans/files/noto-sans-latin-400-normal.woff');
const BOLD = require.resolve('@fontsource/noto-sans/files/noto-sans-latin-700-normal.woff');
const INK = '#1f2937';
const MUTED = '#4b5563';

type Doc = PDFKit.PDFDocument;

/**
 * The sheet as a PDF (pdfkit): the map raster placed at its exact size in the frame, so one
 * millimetre on paper is `denominator` millimetres on the ground at the map's centre; vector
 * furniture around it. Noto Sans, the font of the map's labels.
 */
export async function printPdf(s: PrintSheet): Promise<Buffer> {
  // Loaded on the first print, not at start-up (pdfkit is the slowest module to load).
  const { default: PDFDocument } = await import('pdfkit');
  const { layout: l } = s;
  const doc = new PDFDocument({
    size: [l.page.w, l.page.h],
    margin: 0,
    info: {
      Title: s.title,
      Author: s.author ?? 'Pemerintah Kota Tangerang',
      Subject: `Peta skala 1:${idNumber(s.denominator)}`,
      Creator: 'satupeta',
    },
  });
  doc.registerFont('regular', FONT);
  doc.registerFont('bold', BOLD);
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const u = l.unit;
  header(doc, s, l.header, u);
  doc.image(s.map, l.map.x, l.map.y, { width: l.map.w, height: l.map.h });
  if (s.district) outline(doc, s, l.map, u);
  if (s.grid) grid(doc, s, l.map, u);
  doc
    .lineWidth(0.8 * u)
    .strokeColor(INK)
    .rect(l.map.x, l.map.y, l.map.w, l.map.h)
    .stroke();
  panel(doc, s, l.panel, u);
  footer(doc, s, l.footer, u);
  if (s.profile)
    profilePages(doc, l, s.profile, (title) => {
      header(doc, { ...s, subtitle: title }, l.header, u);
      footer(doc, s, l.footer, u);
    });
  doc.end();
  return done;
}

function header(doc: Doc, s: PrintSheet, b: Box, u: number): void {
  doc
    .font('bold')
    .fontSize(16 * u)
    .fillColor(INK)
    .text(s.title, b.x, b.y, { width: b.w, lineBreak: false, ellipsis: true });
  if (s.subtitle)
    doc
      .font('regular')
      .fontSize(10 * u)
      .fillColor(MUTED)
      .text(s.subtitle, b.x, b.y + 20 * u, { width: b.w, lineBreak: false, ellipsis: true });
}

/** A lon/lat as a point on the page inside the map box. */
function onPage(s: PrintSheet, map: Box, lon: number, lat: number): [number, number] {
  const [px, py] = lonLatToPixel(s.frame, lon, lat);
  return [map.x + (px / s.frame.width) * map.w, map.y + (py / s.frame.height) * map.h];
}

function outline(doc: Doc, s: PrintSheet, map: Box, u: number): void {
  const g = s.district?.geometry;
  if (!g) return;
  const polygons = (
    g.type === 'Polygon' ? [g.coordinates] : g.type === 'MultiPolygon' ? g.coordinates : []
  ) as number[][][][];
  doc.save().rect(map.x, map.y, map.w, map.h).clip();
  doc
    .lineWidth(2 * u)
    .strokeColor('#111827')
    .dash(6 * u, { space: 3 * u });
  for (const polygon of polygons)
    for (const ring of polygon) {
      ring.forEach(([lon, lat], i) => {
        const [x, y] = onPage(s, map, lon as number, lat as number);
        if (i === 0) doc.moveTo(x, y);
        else doc.lineTo(x, y);
      });
      doc.closePath();
    }
  doc.stroke().undash().restore();
}

/** A graticule in degrees (BT east, LS south), lines across the map and labels inside its edge. */
function grid(doc: Doc, s: PrintSheet, map: Box, u: number): void {
  const crs = { epsg: 3857 as const, latFirst: false, name: '' };
  const [w, south] = inPosition(crs, s.frame.bbox[0], s.frame.bbox[1]);
  const [e, north] = inPosition(crs, s.frame.bbox[2], s.frame.bbox[3]);
  const span = Math.max(e - w, north - south);
  const step = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1].find((d) => span / d <= 8) ?? 1;
  const digits = Math.max(0, -Math.floor(Math.log10(step)) + (step % 0.005 ? 1 : 0));
  doc.save().rect(map.x, map.y, map.w, map.h).clip();
  doc
    .lineWidth(0.4 * u)
    .strokeColor('#6b7280')
    .strokeOpacity(0.7);
  doc
    .font('regular')
    .fontSize(6.5 * u)
    .fillColor(INK);
  for (let lon = Math.ceil(w / step) * step; lon <= e; lon += step) {
    const [x] = onPage(s, map, lon, south);
    doc
      .moveTo(x, map.y)
      .lineTo(x, map.y + map.h)
      .stroke();
    doc.text(`${idNumber(lon, digits)}° BT`, x + 2 * u, map.y + 2 * u, { lineBreak: false });
  }
  for (let lat = Math.ceil(south / step) * step; lat <= north; lat += step) {
    const [, y] = onPage(s, map, w, lat);
    doc
      .moveTo(map.x, y)
      .lineTo(map.x + map.w, y)
      .stroke();
    const text = `${idNumber(Math.abs(lat), digits)}° ${lat < 0 ? 'LS' : 'LU'}`;
    doc.text(text, map.x + 2 * u, y - 9 * u, { lineBreak: false });
  }
  doc.restore();
}

function panel(doc: Doc, s: PrintSheet, b: Box, u: number): void {
  let y = b.y;
  // North arrow: Web Mercator keeps north up everywhere on the sheet.
  const cx = b.x + 12 * u;
  doc
    .save()
    .fillColor(INK)
    .moveTo(cx, y)
    .lineTo(cx + 7 * u, y + 20 * u)
    .lineTo(cx, y + 15 * u)
    .closePath()
    .fill();
  doc
    .lineWidth(0.8 * u)
    .strokeColor(INK)
    .moveTo(cx, y)
    .lineTo(cx - 7 * u, y + 20 * u)
    .lineTo(cx, y + 15 * u)
    .closePath()
    .stroke();
  doc.restore();
  doc
    .font('bold')
    .fontSize(9 * u)
    .fillColor(INK)
    .text('U', cx - 3.2 * u, y + 22 * u, { lineBreak: false });
  y = scale(doc, s, b.x + 28 * u, y + 2 * u, b.w - 28 * u, u);
  y = Math.max(y, b.y + 36 * u) + 8 * u;

  const qrSize = 24 * MM * u;
  const qrTop = b.y + b.h - qrSize;
  // Sources (and notes) stand above the QR code; the legend takes what is left above them.
  const sources = s.sources.map((src) => {
    const dates = [...new Set(src.layers.map((x) => x.lastUpdate).filter((d): d is string => d !== null))].sort();
    return `${src.agency}${dates.length ? ` (data ${dates.length > 1 ? `${dates[0]} – ${dates.at(-1)}` : dates[0]})` : ''}`;
  });
  if (s.sample) sources.push('Memuat data sampel (bukan data resmi).');
  const text = sources.join('\n');
  doc.font('regular').fontSize(7 * u);
  const notes = s.notes ? s.notes.slice(0, 400) : null;
  const notesH = notes ? doc.heightOfString(notes, { width: b.w }) + 12 * u : 0;
  const sourcesH = doc.heightOfString(text, { width: b.w }) + 12 * u;
  const sourcesY = qrTop - 6 * u - notesH - sourcesH;
  doc
    .font('bold')
    .fontSize(9 * u)
    .fillColor(INK)
    .text('Legenda', b.x, y);
  y += 13 * u;
  legends(doc, s.legends, { x: b.x, y, w: b.w, h: sourcesY - 6 * u - y }, u);
  doc
    .font('bold')
    .fontSize(8 * u)
    .fillColor(INK)
    .text('Sumber data', b.x, sourcesY);
  doc
    .font('regular')
    .fontSize(7 * u)
    .fillColor(MUTED)
    .text(text, b.x, sourcesY + 11 * u, { width: b.w });
  if (notes) {
    const ny = sourcesY + sourcesH;
    doc
      .font('bold')
      .fontSize(8 * u)
      .fillColor(INK)
      .text('Catatan', b.x, ny);
    doc
      .font('regular')
      .fontSize(7 * u)
      .fillColor(MUTED)
      .text(notes, b.x, ny + 11 * u, { width: b.w });
  }
  const qy = qrTop;
  doc.image(s.qr, b.x, qy, { width: qrSize, height: qrSize });
  doc.link(b.x, qy, qrSize, qrSize, s.link);
  doc
    .font('regular')
    .fontSize(6.5 * u)
    .fillColor(MUTED)
    .text('Pindai untuk membuka peta ini di Satu Peta Kota Tangerang', b.x + qrSize + 4 * u, qy + 4 * u, {
      width: b.w - qrSize - 4 * u,
    });
}

/** "Skala 1:10.000" and a bar of 1-2-5 metres in four alternating parts; returns the y below. */
function scale(doc: Doc, s: PrintSheet, x: number, y: number, maxW: number, u: number): number {
  doc
    .font('bold')
    .fontSize(10 * u)
    .fillColor(INK)
    .text(`Skala 1:${idNumber(s.denominator)}`, x, y, { lineBreak: false });
  const metres = scaleBarMetres(s.denominator, (maxW - 6 * u) / MM);
  const w = (metres / s.denominator) * 1000 * MM;
  const by = y + 16 * u;
  const h = 4 * u;
  for (let i = 0; i < 4; i++) {
    doc
      .rect(x + (i * w) / 4, by, w / 4, h)
      .lineWidth(0.6 * u)
      .fillAndStroke(i % 2 ? '#ffffff' : INK, INK);
  }
  const label = (m: number) => (metres >= 1000 ? `${idNumber(m / 1000, 2)}` : `${idNumber(m)}`);
  doc
    .font('regular')
    .fontSize(6.5 * u)
    .fillColor(INK);
  doc.text('0', x - 2 * u, by + h + 2 * u, { lineBreak: false });
  doc.text(label(metres / 2), x + w / 2 - 6 * u, by + h + 2 * u, { lineBreak: false });
  doc.text(`${label(metres)} ${metres >= 1000 ? 'km' : 'm'}`, x + w - 6 * u, by + h + 2 * u, { lineBreak: false });
  return by + h + 12 * u;
}

/**
 * One layer's legend block at (x, y) in a column `w` wide: a single symbol stands before the
 * layer's title; classes follow, one row each. Returns its height; `draw: false` only measures.
 */
function legendBlock(doc: Doc, legend: Legend, x: number, y: number, w: number, u: number, draw: boolean): number {
  const size = 7.5 * u;
  const single = legend.classes.length === 1;
  const indent = single ? size + 4 * u : 0;
  doc.font('bold').fontSize(7.5 * u);
  const titleH = doc.heightOfString(legend.title, { width: w - indent });
  if (draw) {
    if (single) swatch(doc, legend.classes[0] as LegendClass, x, y + 0.5 * u, size);
    doc.fillColor(INK).text(legend.title, x + indent, y, { width: w - indent });
  }
  let row = y + titleH + 2 * u;
  if (legend.property) {
    if (draw)
      doc
        .font('regular')
        .fontSize(6.5 * u)
        .fillColor(MUTED)
        .text(legend.property, x, row, { width: w });
    row += 9 * u;
  }
  if (!single)
    for (const c of legend.classes) {
      if (draw) {
        swatch(doc, c, x + 2 * u, row, size);
        doc
          .font('regular')
          .fontSize(6.5 * u)
          .fillColor(INK)
          .text(c.label, x + size + 6 * u, row + 0.5 * u, {
            width: w - size - 8 * u,
            lineBreak: false,
            ellipsis: true,
          });
      }
      row += size + 2.2 * u;
    }
  return row + 4 * u - y;
}

/**
 * Every printed layer's legend, top layer first, in one column, or two when one is too tall for
 * the area; a block that fits in neither is counted in a last line, never silently dropped.
 */
function legends(doc: Doc, list: Legend[], area: Box, u: number): void {
  const ordered = [...list].reverse();
  const oneColumn = ordered.reduce((h, l) => h + legendBlock(doc, l, 0, 0, area.w, u, false), 0);
  const cols = oneColumn <= area.h ? 1 : 2;
  const gap = 4 * u;
  const w = (area.w - (cols - 1) * gap) / cols;
  const reserve = 10 * u;
  let col = 0;
  let y = area.y;
  for (const [i, legend] of ordered.entries()) {
    const h = legendBlock(doc, legend, 0, 0, w, u, false);
    if (y + h > area.y + area.h - reserve && col < cols - 1) {
      col++;
      y = area.y;
    }
    if (y + h > area.y + area.h - reserve) {
      const rest = ordered.length - i;
      doc
        .font('regular')
        .fontSize(6.5 * u)
        .fillColor(MUTED)
        .text(`(+${rest} lapisan lagi: lihat legenda di peta daring)`, area.x + col * (w + gap), y, { width: w });
      return;
    }
    legendBlock(doc, legend, area.x + col * (w + gap), y, w, u, true);
    y += h;
  }
}

function swatch(doc: Doc, c: LegendClass, x: number, y: number, size: number): void {
  const s = c.symbol;
  doc.save();
  if (s.kind === 'fill') {
    doc.rect(x, y, size, size).fillOpacity(Math.max(s.fillOpacity, 0.15)).fill(s.color);
    doc
      .fillOpacity(1)
      .lineWidth(Math.min(Math.max(s.width, 0.5), 2))
      .rect(x, y, size, size)
      .stroke(s.outlineColor ?? s.color);
  } else if (s.kind === 'line') {
    doc
      .lineWidth(Math.min(Math.max(s.width, 1), 3))
      .moveTo(x, y + size - 1)
      .lineTo(x + size, y + 1)
      .stroke(s.color);
  } else {
    doc.circle(x + size / 2, y + size / 2, Math.min(s.radius, size / 2)).fillAndStroke(s.color, '#ffffff');
  }
  doc.restore();
}

function footer(doc: Doc, s: PrintSheet, b: Box, u: number): void {
  const date = s.printedAt.toLocaleDateString('id-ID', {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'Asia/Jakarta',
  });
  const left = `Pemerintah Kota Tangerang · Satu Peta${s.author ? ` · ${s.author}` : ''}`;
  doc
    .lineWidth(0.5 * u)
    .strokeColor('#9ca3af')
    .moveTo(b.x, b.y)
    .lineTo(b.x + b.w, b.y)
    .stroke();
  doc
    .font('regular')
    .fontSize(7.5 * u)
    .fillColor(MUTED);
  doc.text(left, b.x, b.y + 4 * u, { width: b.w * 0.6, lineBreak: false, ellipsis: true });
  doc.text(`Dicetak ${date} · Web Mercator (EPSG:3857) · ${new URL(s.link).host}`, b.x + b.w * 0.4, b.y + 4 * u, {
    width: b.w * 0.6,
    align: 'right',
    lineBreak: false,
    ellipsis: true,
  });
}
