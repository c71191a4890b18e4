import { api, type ElementDetail, type ElementSummary, type ElementValue } from '../api.js';
import type { AppContext } from '../app-context.js';
import { Choropleth, NO_DATA_COLOR, divergingFor, rampFor, type Level } from '../map/choropleth.js';
import type { LegendSpec } from '../map/export-png.js';
import { CLASS_METHODS, type ThematicMap } from '../state/view-state.js';
import { clear, h } from './dom.js';
import { seriesChart } from './series-chart.js';
import { VirtualList } from './virtual-list.js';

/** Results are fetched in pages as the virtual list scrolls to them. */
const PAGE = 100;
const ROW_HEIGHT = 60;

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
  const search = h('input', { id: 'element-search', type: 'search', autocomplete: 'off' });
  const agency = h('select', { id: 'element-agency' });
  const theme = h('select', { id: 'element-theme' });
  const level = h('select', { id: 'element-level' });
  const count = h('div', { class: 'count', id: 'element-count', role: 'status' });
  const results = h('div', { id: 'element-results', class: 'element-results', role: 'list' });
  const detail = h('div', { id: 'element-detail', class: 'element-detail' });
  host.append(search, agency, theme, level, count, results, detail);
  // Every match, fetched a page at a time as rows come into view; null = not fetched yet.
  let matches: (ElementSummary | null)[] = [];
  let query = '';
  const pages = new Set<number>();
  const list = new VirtualList<ElementSummary | null>(results, ROW_HEIGHT, (e, i) => resultRow(e, i));
  const details = new Map<string, Promise<ElementDetail>>();
  let searchAbort: AbortController | null = null;
  let renderAbort: AbortController | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let playing: ReturnType<typeof setInterval> | null = null;
  let shown: ThematicInfo | null = null;
  const fmt = (n: number) => new Intl.NumberFormat(ctx.t().numberLocale, { maximumFractionDigits: 2 }).format(n);

  function fillLevels(): void {
    const t = ctx.t();
    search.placeholder = t.elementSearch;
    search.setAttribute('aria-label', t.elementSearch);
    agency.setAttribute('aria-label', t.allAgencies);
    theme.setAttribute('aria-label', t.allThemes);
    level.setAttribute('aria-label', t.level);
  }

  /** A facet select: "all" and every value with its count among the matches, the choice kept. */
  function fillFacet(
    select: HTMLSelectElement,
    all: string,
    facets: { code: string; count: number }[],
    name: (code: string) => string,
  ): void {
    const value = select.value;
    const options = facets.map((f) =>
      h('option', { value: f.code }, `${name(f.code)} (${f.count.toLocaleString(ctx.t().numberLocale)})`),
    );
    if (value && !facets.some((f) => f.code === value)) options.unshift(h('option', { value }, `${name(value)} (0)`));
    select.replaceChildren(h('option', { value: '' }, all), ...options);
    select.value = value;
  }

  const filters = () => ({ q: query, agency: agency.value, theme: theme.value, level: level.value });

  async function runSearch(): Promise<void> {
    searchAbort?.abort();
    const a = (searchAbort = new AbortController());
    query = search.value.trim();
    const r = await api.elements({ ...filters(), limit: PAGE }, a.signal);
    if (a.signal.aborted) return;
    const t = ctx.t();
    count.textContent = t.elementsFound(r.total);
    fillFacet(agency, t.allAgencies, r.facets.agency, (c) => ctx.agencies.get(c)?.name ?? c);
    fillFacet(theme, t.allThemes, r.facets.theme, (c) => ctx.themes.get(c)?.name ?? c);
    fillFacet(level, t.allLevels, r.facets.level, (c) => t.levels[c] ?? c);
    matches = Array.from({ length: r.total }, (_, i) => r.items[i] ?? null);
    // As tall as its rows, up to six (then it scrolls); the panel must not squeeze it away.
    results.style.height = `${Math.min(r.total, 6) * ROW_HEIGHT}px`;
    pages.clear();
    pages.add(0);
    list.setItems(matches);
  }

  /** Fetches the page holding row `index` once; the list redraws when it arrives. */
  function fetchPage(index: number): void {
    const page = Math.floor(index / PAGE);
    if (pages.has(page)) return;
    pages.add(page);
    const signal = searchAbort?.signal;
    void api.elements({ ...filters(), limit: PAGE, offset: page * PAGE }, signal).then((r) => {
      if (signal?.aborted) return;
      r.items.forEach((e, i) => {
        if (page * PAGE + i < matches.length) matches[page * PAGE + i] = e;
      });
      list.redraw();
    });
  }

  function resultRow(e: ElementSummary | null, index: number): HTMLElement {
    const t = ctx.t();
    if (!e) {
      fetchPage(index);
      return h('div', { role: 'listitem', class: 'loading' }, t.loading);
    }
    const on = ctx.store.state.thematic?.id === e.id;
    return h(
      'div',
      { role: 'listitem' },
      h(
        'button',
        {
          class: on ? 'element on' : 'element',
          'aria-pressed': String(on),
          'data-element': e.id,
          onclick: () =>
            ctx.store.update({
              thematic: { id: e.id, level: null, period: null, method: 'quantile', k: 5, since: null },
            }),
        },
        h('span', { class: 'title' }, e.name),
        h(
          'span',
          { class: 'meta' },
          `${e.agency.name} · ${e.levels.map((l) => t.levels[l] ?? l).join(', ')} · ${e.unit}`,
        ),
        e.isSample ? h('span', { class: 'badge' }, t.sample) : null,
      ),
    );
  }

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

  search.addEventListener('input', () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => void runSearch(), 200);
  });
  for (const select of [agency, theme, level]) select.addEventListener('change', () => void runSearch());
  ctx.store.subscribe((s, prev) => {
    if (s.thematic !== prev.thematic) {
      void render(s.thematic);
      list.redraw();
    }
    if (s.lang !== prev.lang) {
      fillLevels();
      void runSearch();
      void render(s.thematic);
    }
  });
  fillLevels();
  void runSearch();
  void render(ctx.store.state.thematic);
  return { current: () => shown, fillLayer: () => choropleth.fillLayer(), legend: () => shown?.legend ?? null };
}

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
