/** What a PNG export writes beside the map: a title and a legend with its classes. */
export interface LegendSpec {
  title: string;
  subtitle: string;
  items: { color: string; label: string }[];
  notes: string[];
}

const PAD = 12;
const LINE = 18;
/** The legend box never covers more than this much of the map's width (CSS px). */
const MAX_BOX = 380;

/** Text cut with an ellipsis to fit a width, rather than squeezed. */
function fit(g: CanvasRenderingContext2D, text: string, width: number): string {
  if (g.measureText(text).width <= width) return text;
  let t = text;
  while (t.length > 1 && g.measureText(`${t}…`).width > width) t = t.slice(0, -1);
  return `${t}…`;
}

/**
 * The map canvas with a legend box drawn over its lower-left corner, as a PNG data URL. Called
 * inside a render callback, while the map's drawing buffer is intact.
 */
export function composePng(map: HTMLCanvasElement, legend: LegendSpec | null, footer: string): string {
  const ratio = window.devicePixelRatio || 1;
  const out = document.createElement('canvas');
  out.width = map.width;
  out.height = map.height;
  const g = out.getContext('2d');
  if (!g) return map.toDataURL('image/png');
  g.drawImage(map, 0, 0);
  g.scale(ratio, ratio);
  const width = map.width / ratio;
  const height = map.height / ratio;
  g.font = '12px "Noto Sans", sans-serif';
  g.textBaseline = 'middle';
  const lines = legend ? 2 + legend.items.length + legend.notes.length : 0;
  if (legend) {
    const boxW = Math.min(
      width - 2 * PAD,
      MAX_BOX,
      Math.max(
        g.measureText(legend.title).width + 20,
        ...legend.items.map((i) => g.measureText(i.label).width + 44),
        ...legend.notes.map((n) => g.measureText(n).width + 20),
        160,
      ),
    );
    const boxH = lines * LINE + PAD;
    const x0 = PAD;
    const y0 = height - boxH - PAD - LINE;
    g.fillStyle = 'rgba(255,255,255,0.92)';
    g.strokeStyle = '#94a3b8';
    g.fillRect(x0, y0, boxW, boxH);
    g.strokeRect(x0, y0, boxW, boxH);
    let y = y0 + PAD / 2 + LINE / 2;
    g.fillStyle = '#0f172a';
    g.font = 'bold 12px "Noto Sans", sans-serif';
    g.fillText(fit(g, legend.title, boxW - 20), x0 + 10, y);
    y += LINE;
    g.font = '12px "Noto Sans", sans-serif';
    g.fillStyle = '#334155';
    g.fillText(fit(g, legend.subtitle, boxW - 20), x0 + 10, y);
    for (const item of legend.items) {
      y += LINE;
      g.fillStyle = item.color;
      g.fillRect(x0 + 10, y - 6, 22, 12);
      g.strokeStyle = '#64748b';
      g.strokeRect(x0 + 10, y - 6, 22, 12);
      g.fillStyle = '#0f172a';
      g.fillText(fit(g, item.label, boxW - 50), x0 + 40, y);
    }
    g.fillStyle = '#475569';
    for (const note of legend.notes) {
      y += LINE;
      g.fillText(fit(g, note, boxW - 20), x0 + 10, y);
    }
  }
  g.fillStyle = 'rgba(255,255,255,0.85)';
  g.fillRect(0, height - LINE, width, LINE);
  g.fillStyle = '#334155';
  g.fillText(fit(g, footer, width - 2 * PAD), PAD, height - LINE / 2);
  return out.toDataURL('image/png');
}
