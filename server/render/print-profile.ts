import { idNumber, type SheetLayout } from './print-layout.js';

/** One row of a district's profile: an element's latest value there. */
export interface ProfileRow {
  name: string;
  unit: string | null;
  period: string;
  value: number;
  rank: number | null;
  siblings: number | null;
  change: number | null;
  isSample: boolean;
}

export interface ProfileSheet {
  district: string;
  rows: ProfileRow[];
  /** Rows left out past the cap, and where they all are. */
  more: number;
  link: string;
}

type Doc = PDFKit.PDFDocument;
const INK = '#1f2937';
const MUTED = '#4b5563';

/**
 * The profil wilayah as table pages after the map, in the sheet's header and footer: real figures
 * first, then sample ones, each with value and unit, period, rank among the district's siblings
 * and change since the period before. `decorate` draws the page's header and footer.
 */
export function profilePages(
  doc: Doc,
  layout: SheetLayout,
  profile: ProfileSheet,
  decorate: (title: string) => void,
): void {
  const u = layout.unit;
  const area = { x: layout.header.x, y: layout.map.y, w: layout.header.w, h: layout.map.h };
  const cols: [string, number, 'left' | 'right'][] = [
    ['Elemen data', 0.46, 'left'],
    ['Nilai', 0.16, 'right'],
    ['Periode', 0.12, 'left'],
    ['Peringkat', 0.12, 'right'],
    ['Perubahan', 0.14, 'right'],
  ];
  const rowH = 11 * u;
  const title = `Profil wilayah ${profile.district}`;
  let y = 0;
  const page = () => {
    doc.addPage({ size: [layout.page.w, layout.page.h], margin: 0 });
    decorate(title);
    y = area.y;
    let x = area.x;
    doc
      .font('bold')
      .fontSize(7.5 * u)
      .fillColor(INK);
    for (const [name, share, align] of cols) {
      doc.text(name, x + 2 * u, y, { width: area.w * share - 4 * u, align, lineBreak: false });
      x += area.w * share;
    }
    y += rowH;
    doc
      .lineWidth(0.5 * u)
      .strokeColor('#9ca3af')
      .moveTo(area.x, y - 2 * u)
      .lineTo(area.x + area.w, y - 2 * u)
      .stroke();
  };
  page();
  for (const [i, r] of profile.rows.entries()) {
    if (y + rowH > area.y + area.h) page();
    if (i % 2 === 1)
      doc
        .save()
        .rect(area.x, y - 1.5 * u, area.w, rowH)
        .fill('#f3f4f6')
        .restore();
    const cells = [
      `${r.name}${r.isSample ? ' (sampel)' : ''}`,
      `${idNumber(r.value, 2)}${r.unit ? ` ${r.unit}` : ''}`,
      r.period || '–',
      r.rank !== null && r.siblings !== null ? `${r.rank} dari ${r.siblings}` : '–',
      r.change === null ? '–' : `${r.change > 0 ? '+' : ''}${idNumber(r.change, 2)}`,
    ];
    let x = area.x;
    doc
      .font('regular')
      .fontSize(7 * u)
      .fillColor(r.isSample ? MUTED : INK);
    cells.forEach((text, c) => {
      const [, share, align] = cols[c] as [string, number, 'left' | 'right'];
      doc.text(text, x + 2 * u, y, {
        width: area.w * share - 4 * u,
        height: rowH - 2 * u,
        align,
        lineBreak: false,
        ellipsis: true,
      });
      x += area.w * share;
    });
    y += rowH;
  }
  if (profile.more > 0) {
    if (y + 2 * rowH > area.y + area.h) page();
    doc
      .font('regular')
      .fontSize(7 * u)
      .fillColor(MUTED)
      .text(`… dan ${idNumber(profile.more)} elemen data lagi: ${profile.link}`, area.x, y + 4 * u, { width: area.w });
  }
}
