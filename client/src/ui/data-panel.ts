import { api, type ElementDetail, type ElementValue } from '../api.js';
import type { AppContext } from '../app-context.js';
import { Choropleth, NO_DATA_COLOR, divergingFor, rampFor, type Level } from '../map/choropleth.js';
import type { LegendSpec } from '../map/export-png.js';
import { CLASS_METHODS, type ThematicMap } from '../state/view-state.js';
import { clear, h } from './dom.js';
import { elementSearch } from './element-search.js';

/** What the map shows now, for the popup of a clicked district. */
export interface ThematicInfo {
  element: ElementDetail;
  level: Level;
  period: string;
  /** The base period of a "change since" map; values are then changes. */
  since: string | null;
  values: Map<string, ElementValue>;
  legend: LegendSpec;
}

/**
 * The Data tab: search the data elements, pick one, and the map shows it as a choropleth of the
 * chosen level and period, classed on the server (/classes), with a legend, a period slider that
 * can play, and the class method and count. Everything lives in the URL (`e=`).
 */
export function dataPanel(
  ctx: AppContext,
  host: HTMLElement,
): { current(): ThematicInfo | null; fillLayer(): string | null; legend(): LegendSpec | null } {
  const choropleth = new Choropleth(ctx.map);
  const search = elementSearch(ctx, host);
  const detail = h('div', { id: 'element-detail', class: 'element-detail' });
  host.append(detail);
  const details = new Map<string, Promise<ElementDetail>>();
  let renderAbort: AbortController | null = null;
  let playing: ReturnType<typeof setInterval> | null = null;
  let shown: ThematicInfo | null = null;
  const fmt = (n: number) => new Intl.NumberFormat(ctx.t().numberLocale, { maximumFractionDigits: 2 }).format(n);

  function element(id: string): Promise<ElementDetail> {
    let p = details.get(id);
    if (!p) {
      p = api.element(id);
      details.set(id, p);
    }
    return p;
  }

  /** Draws the thematic map the URL names: level and period resolved against what the element has. */
  async function render(m: ThematicMap | null): Promise<void> {
    renderAbort?.abort();
    if (!m) {
      stop();
      choropleth.hide();
      shown = null;
      clear(detail);
      return;
    }
    const a = (renderAbort = new AbortController());
    const e = await element(m.id);
    const levels = [...new Set(e.periods.map((p) => p.level))] as Level[];
    const lvl: Level =
      m.level && levels.includes(m.level)
        ? m.level
        : levels.includes('kecamatan')
          ? 'kecamatan'
          : (levels.at(-1) ?? 'kecamatan');
    const periods = e.periods.filter((p) => p.level === lvl).map((p) => p.period ?? '');
    const latest = [...e.periods].reverse().find((p) => p.level === lvl && p.values > 0)?.period ?? '';
    const period = m.period !== null && periods.includes(m.period) ? m.period : latest;
    const since = m.since !== null && m.since !== period && periods.includes(m.since) ? m.since : null;
    const [values, classes] = await Promise.all([
      api.elementValues(e.id, lvl, period, a.signal, since),
      api.elementClasses(e.id, lvl, period, m.method, m.k, a.signal, since),
    ]);
    if (a.signal.aborted) return;
    const colors = since === null ? rampFor(classes.classes.length) : divergingFor(classes.classes.length);
    await choropleth.show(lvl, values.items, classes.breaks, colors);
    const t = ctx.t();
    shown = {
      element: e,
      level: lvl,
      period,
      since,
      values: new Map(values.items.map((v) => [v.code, v])),
      legend: {
        title: e.name,
        subtitle: `${t.levels[lvl] ?? lvl} · ${since === null ? period || t.undated : t.changeFrom(since, period)} · ${e.unit}`,
        items: [
          ...classes.classes.map((c, i) => ({
            color: colors[i] ?? NO_DATA_COLOR,
            label: `${fmt(c.from)} – ${fmt(c.to)} (${c.count})`,
          })),
          { color: NO_DATA_COLOR, label: `${t.noData} (${classes.noData})` },
        ],
        notes: [
          `${t.method}: ${t.methods[m.method] ?? m.method}, ${m.k} ${t.classes.toLowerCase()}`,
          ...(e.source ? [`${t.source}: ${e.source}`] : []),
          ...(e.isSample ? [t.sample] : []),
        ],
      },
    };
    drawDetail(e, m, lvl, levels, periods, period, since, classes.classes, colors, classes.noData);
  }

  function drawDetail(
    e: ElementDetail,
    m: ThematicMap,
    lvl: Level,
    levels: Level[],
    periods: string[],
    period: string,
    since: string | null,
    classes: { from: number; to: number; count: number }[],
    colors: string[],
    noData: number,
  ): void {
    const t = ctx.t();
    // The current state, not the one this panel was drawn for: two quick changes must both stick.
    const set = (change: Partial<ThematicMap>) =>
      ctx.store.update({ thematic: { ...(ctx.store.state.thematic ?? m), ...change } });
    const levelSelect = h(
      'select',
      {
        id: 'thematic-level',
        'aria-label': t.level,
        onchange: () => set({ level: levelSelect.value as Level, period: null }),
      },
      ...levels.map((l) => h('option', { value: l }, t.levels[l] ?? l)),
    );
    levelSelect.value = lvl;
    const slider = h('input', {
      id: 'thematic-period',
      type: 'range',
      min: 0,
      max: Math.max(0, periods.length - 1),
      step: 1,
      value: Math.max(0, periods.indexOf(period)),
      'aria-label': t.period,
      disabled: periods.length < 2,
      oninput: () => set({ period: periods[Number(slider.value)] ?? null }),
    });
    const play = h(
      'button',
      {
        id: 'thematic-play',
        type: 'button',
        disabled: periods.length < 2,
        onclick: () => (playing ? stop() : start(periods, m)),
      },
      playing ? t.pause : t.play,
    );
    const method = h(
      'select',
      {
        id: 'thematic-method',
        'aria-label': t.method,
        onchange: () => set({ method: method.value as ThematicMap['method'] }),
      },
      ...CLASS_METHODS.map((c) => h('option', { value: c }, t.methods[c] ?? c)),
    );
    method.value = m.method;
    const k = h(
      'select',
      { id: 'thematic-k', 'aria-label': t.classes, onchange: () => set({ k: Number(k.value) }) },
      ...[3, 4, 5, 6, 7].map((n) => h('option', { value: n }, String(n))),
    );
    k.value = String(m.k);
    const sinceSelect = h(
      'select',
      {
        id: 'thematic-since',
        'aria-label': t.changeSince,
        disabled: periods.length < 2,
        onchange: () => set({ since: sinceSelect.value === '' ? null : sinceSelect.value }),
      },
      h('option', { value: '' }, t.noComparison),
      ...periods.filter((p) => p !== period && p !== '').map((p) => h('option', { value: p }, p)),
    );
    sinceSelect.value = since ?? '';
    const legend = h(
      'ul',
      { id: 'thematic-legend', class: 'legend' },
      ...classes.map((c, i) =>
        h(
          'li',
          { 'data-from': c.from, 'data-to': c.to },
          h('span', { class: 'swatch', style: `background:${colors[i] ?? NO_DATA_COLOR}` }),
          `${fmt(c.from)} – ${fmt(c.to)} (${c.count})`,
        ),
      ),
      h(
        'li',
        { class: 'no-data' },
        h('span', { class: 'swatch', style: `background:${NO_DATA_COLOR}` }),
        `${t.noData} (${noData})`,
      ),
    );
    detail.replaceChildren(
      ...[
        h('h3', {}, e.name, e.isSample ? h('span', { class: 'badge' }, t.sample) : null),
        h('p', { class: 'meta' }, `${e.agency.name} · ${e.unit}`),
        h(
          'div',
          { class: 'thematic-controls' },
          h('label', {}, `${t.level} `, levelSelect),
          h(
            'label',
            {},
            `${t.period}: `,
            h('strong', { id: 'thematic-period-label' }, period || t.undated),
            slider,
            play,
          ),
          h('label', {}, `${t.method} `, method, ' ', k),
          h('label', {}, `${t.changeSince} `, sinceSelect),
        ),
        since !== null ? h('p', { id: 'thematic-change', class: 'meta' }, t.changeFrom(since, period)) : null,
        legend,
        e.source ? h('p', { class: 'source' }, `${t.source}: ${e.source}`) : null,
        e.caveats.length
          ? h('details', {}, h('summary', {}, t.caveats), h('ul', {}, ...e.caveats.map((c) => h('li', {}, c))))
          : null,
        h(
          'button',
          { id: 'thematic-clear', type: 'button', onclick: () => ctx.store.update({ thematic: null }) },
          t.removeThematic,
        ),
      ].filter((n) => n !== null),
    );
  }

  function start(periods: string[], m: ThematicMap): void {
    let i = Math.max(0, periods.indexOf(shown?.period ?? ''));
    playing = setInterval(() => {
      i = (i + 1) % periods.length;
      ctx.store.update({ thematic: { ...(ctx.store.state.thematic ?? m), period: periods[i] ?? null } });
      if (i === periods.length - 1) stop();
    }, 1500);
  }

  function stop(): void {
    if (playing) clearInterval(playing);
    playing = null;
  }

  ctx.store.subscribe((s, prev) => {
    if (s.thematic !== prev.thematic) {
      void render(s.thematic);
      search.redraw();
    }
    if (s.lang !== prev.lang) {
      search.refresh();
      void render(s.thematic);
    }
  });
  void render(ctx.store.state.thematic);
  return { current: () => shown, fillLayer: () => choropleth.fillLayer(), legend: () => shown?.legend ?? null };
}
