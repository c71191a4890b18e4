import { api, type ElementSummary } from '../api.js';
import type { AppContext } from '../app-context.js';
import { h } from './dom.js';
import { VirtualList } from './virtual-list.js';

/** Results are fetched in pages as the virtual list scrolls to them. */
const PAGE = 100;
const ROW_HEIGHT = 60;

/**
 * The Data tab's search: words, agency, theme and level (selects with the counts among the
 * matches), and a virtual list over every match, fetched a page at a time. Picking one puts it on
 * the map (the `thematic` state).
 */
export function elementSearch(ctx: AppContext, host: HTMLElement): { redraw(): void; refresh(): void } {
  const search = h('input', { id: 'element-search', type: 'search', autocomplete: 'off' });
  const agency = h('select', { id: 'element-agency' });
  const theme = h('select', { id: 'element-theme' });
  const level = h('select', { id: 'element-level' });
  const count = h('div', { class: 'count', id: 'element-count', role: 'status' });
  const results = h('div', { id: 'element-results', class: 'element-results', role: 'list' });
  host.append(search, agency, theme, level, count, results);
  // Every match, fetched a page at a time as rows come into view; null = not fetched yet.
  let matches: (ElementSummary | null)[] = [];
  let query = '';
  const pages = new Set<number>();
  const list = new VirtualList<ElementSummary | null>(results, ROW_HEIGHT, (e, i) => resultRow(e, i));
  let searchAbort: AbortController | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;

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

  search.addEventListener('input', () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => void runSearch(), 200);
  });
  for (const select of [agency, theme, level]) select.addEventListener('change', () => void runSearch());
  fillLevels();
  void runSearch();
  return {
    redraw: () => list.redraw(),
    refresh: () => {
      fillLevels();
      void runSearch();
    },
  };
}
