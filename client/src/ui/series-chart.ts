import type { ElementSeriesPoint } from '../api.js';

const NS = 'http://www.w3.org/2000/svg';
const W = 240;
const H = 90;
const PAD = { left: 6, right: 6, top: 14, bottom: 18 };

function svg<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number>,
  text?: string,
): SVGElementTagNameMap[K] {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  if (text !== undefined) el.textContent = text;
  return el;
}

/**
 * A small line chart of one district's values over the periods, for the map popup: a dot per
 * period with a value, the line broken where a value is missing (never drawn as 0), the current
 * period marked, first and last period and the lowest and highest value written out.
 */
export function seriesChart(
  points: ElementSeriesPoint[],
  current: string,
  format: (n: number) => string,
  label: string,
): SVGSVGElement {
  const chart = svg('svg', {
    class: 'series-chart',
    viewBox: `0 0 ${W} ${H}`,
    width: W,
    height: H,
    role: 'img',
    'aria-label': label,
  });
  const known = points.filter((p) => p.value !== null) as (ElementSeriesPoint & { value: number })[];
  if (points.length === 0 || known.length === 0) return chart;
  const lo = Math.min(...known.map((p) => p.value));
  const hi = Math.max(...known.map((p) => p.value));
  const x = (i: number) =>
    PAD.left +
    (points.length === 1 ? (W - PAD.left - PAD.right) / 2 : (i * (W - PAD.left - PAD.right)) / (points.length - 1));
  const y = (v: number) => (hi === lo ? H / 2 : PAD.top + ((hi - v) * (H - PAD.top - PAD.bottom)) / (hi - lo));
  let path = '';
  let pen = false;
  points.forEach((p, i) => {
    if (p.value === null) {
      pen = false;
      return;
    }
    path += `${pen ? 'L' : 'M'}${x(i).toFixed(1)},${y(p.value).toFixed(1)}`;
    pen = true;
  });
  chart.append(svg('path', { d: path, fill: 'none', stroke: '#1d4ed8', 'stroke-width': 1.5 }));
  points.forEach((p, i) => {
    if (p.value === null) return;
    const on = (p.period ?? '') === current;
    const dot = svg('circle', {
      cx: x(i).toFixed(1),
      cy: y(p.value).toFixed(1),
      r: on ? 4 : 2.5,
      fill: on ? '#dc2626' : '#1d4ed8',
    });
    dot.append(svg('title', {}, `${p.period ?? ''}: ${format(p.value)}`));
    chart.append(dot);
  });
  const small = { 'font-size': 9, fill: '#334155' };
  chart.append(
    svg('text', { ...small, x: PAD.left, y: H - 4 }, points[0]?.period ?? ''),
    svg('text', { ...small, x: W - PAD.right, y: H - 4, 'text-anchor': 'end' }, points.at(-1)?.period ?? ''),
    svg('text', { ...small, x: PAD.left, y: 9 }, `${format(lo)} – ${format(hi)}`),
  );
  return chart;
}
