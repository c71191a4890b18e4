import { api } from '../api.js';
import type { AppContext } from '../app-context.js';
import type { ThematicInfo } from './data-panel.js';
import { h } from './dom.js';
import { seriesChart } from './series-chart.js';

/** The popup section for a clicked district while a thematic map is shown, with its time series. */
export function thematicHtml(ctx: AppContext, info: ThematicInfo, code: string): HTMLElement | null {
  const t = ctx.t();
  const v = info.values.get(code);
  if (!v) return null;
  const fmt = (n: number) => new Intl.NumberFormat(t.numberLocale, { maximumFractionDigits: 2 }).format(n);
  const signed = (n: number) => (n > 0 ? `+${fmt(n)}` : fmt(n));
  const siblings = [...info.values.values()].filter((x) => x.parentCode === v.parentCode && x.value !== null);
  const rank = v.value === null ? null : 1 + siblings.filter((x) => (x.value as number) > (v.value as number)).length;
  const chart = h('div', { class: 'series', 'aria-live': 'polite' });
  void api
    .elementSeries(info.element.id, code)
    .then((s) => {
      if (s.items.length > 1)
        chart.replaceChildren(
          h('div', { class: 'meta' }, t.series),
          seriesChart(s.items, info.period, fmt, `${t.series}: ${info.element.name}, ${v.name}`),
        );
    })
    .catch(() => chart.replaceChildren());
  const value =
    v.value === null
      ? t.noData
      : info.since === null
        ? `${fmt(v.value)} ${info.element.unit}`
        : `${signed(v.value)} ${info.element.unit} (${t.changeFrom(info.since, info.period)})`;
  return h(
    'section',
    { class: 'thematic-popup' },
    h('h4', {}, info.element.name),
    h('div', {}, `${v.name} (${v.code}) · ${info.period || t.undated}`),
    h('div', { class: 'value' }, value),
    rank !== null ? h('div', {}, t.rank(rank, siblings.length)) : null,
    v.status === 'sementara' ? h('div', { class: 'note' }, t.provisional) : null,
    chart,
  );
}
