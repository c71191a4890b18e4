import { api } from '../api.js';
import type { AppContext } from '../app-context.js';
import type { LayerEntry } from '../catalog/layer-index.js';
import { buildIndex, search, type SearchIndex } from '../catalog/search.js';
import { h } from './dom.js';
import { VirtualList } from './virtual-list.js';

/** Search as you type over every visible layer, with agency, theme and district filters and counts. */
export function catalogPanel(ctx: AppContext, host: HTMLElement): { refresh(): void; lastSearchMs(): number } {
  const index: SearchIndex = buildIndex(
    [...ctx.entries.values()],
    [...ctx.agencies].map(([code, a]) => ({ code, name: a.name, shortName: a.shortName })),
    [...ctx.themes].map(([code, t]) => ({ code, name: t.name })),
  );
  const input = h('input', { type: 'search', id: 'catalog-search', autocomplete: 'off', 'aria-label': 'search' });
  const agency = h('select', { id: 'catalog-agency', 'aria-label': 'agency' });
  const theme = h('select', { id: 'catalog-theme', 'aria-label': 'theme' });
  const district = h('select', { id: 'catalog-district', 'aria-label': 'district' });
  const count = h('div', { class: 'count', 'aria-live': 'polite' });
  const limit = h('p', { id: 'layer-limit', class: 'hint', role: 'status' });
  const listHost = h('div', { class: 'catalog-list', role: 'list' });
  host.append(input, h('div', { class: 'filters' }, agency, theme, district), count, limit, listHost);
  const full = () => ctx.store.state.layers.length >= ctx.maxLayers;
  const showLimit = () => {
    limit.textContent = full() ? ctx.t().layerLimit(ctx.maxLayers) : '';
  };

  let inDistrict: Set<string> | null = null;
  let districtAbort: AbortController | null = null;
  let searchMs = 0;
  const list = new VirtualList<LayerEntry>(listHost, 58, (e) => row(e));

  function row(e: LayerEntry): HTMLElement {
    const active = ctx.store.state.layers.some((l) => l.id === e.id);
    const t = ctx.t();
    return h(
      'div',
      { class: 'catalog-row', role: 'listitem', 'data-layer': e.id },
      // Images carry no token: a restricted layer keeps its colour swatch.
      e.restricted
        ? h('span', { class: `swatch thumb-swatch ${e.geometryType}`, style: `--c:${e.color ?? '#2563eb'}` })
        : h('img', {
            class: 'thumb',
            src: `/api/layers/${encodeURIComponent(e.id)}/thumbnail.png`,
            alt: '',
            width: '64',
            height: '48',
            loading: 'lazy',
            decoding: 'async',
          }),
      h(
        'div',
        { class: 'catalog-text' },
        h(
          'div',
          { class: 'title', title: e.title },
          ...(e.restricted ? [h('span', { class: 'badge', title: t.restrictedHint }, t.restricted), ' '] : []),
          e.title,
        ),
        h(
          'div',
          { class: 'meta' },
          `${ctx.agencies.get(e.agency)?.shortName ?? e.agency} · ${t.featureCount(e.featureCount)}`,
        ),
      ),
      h(
        'button',
        {
          class: active ? 'toggle on' : 'toggle',
          'aria-pressed': String(active),
          // At the limit Add is off and says why; removing stays possible.
          disabled: !active && full(),
          title: !active && full() ? t.layerLimit(ctx.maxLayers) : null,
          'aria-label': `${active ? t.added : t.add}: ${e.title}`,
          onclick: () => ctx.toggleLayer(e.id),
        },
        active ? t.added : t.add,
      ),
    );
  }

  function options(
    select: HTMLSelectElement,
    all: string,
    items: [string, string][],
    counts: Map<string, number> | null,
  ): void {
    const value = select.value;
    select.replaceChildren(
      h('option', { value: '' }, all),
      ...items.map(([code, name]) =>
        h('option', { value: code }, counts ? `${name} (${counts.get(code) ?? 0})` : name),
      ),
    );
    select.value = value;
  }

  function run(): void {
    const started = performance.now();
    const r = search(index, input.value, { agency: agency.value || null, theme: theme.value || null, inDistrict });
    searchMs = performance.now() - started;
    const t = ctx.t();
    options(
      agency,
      t.allAgencies,
      [...ctx.agencies].map(([c, a]) => [c, a.shortName]),
      r.agencyCounts,
    );
    options(
      theme,
      t.allThemes,
      [...ctx.themes].map(([c, th]) => [c, th.name]),
      r.themeCounts,
    );
    count.textContent = t.layersFound(r.items.length);
    list.setItems(r.items);
  }

  function districtOptions(): void {
    const value = district.value;
    const kec = ctx.districts.filter((d) => d.level === 'kecamatan');
    district.replaceChildren(
      h('option', { value: '' }, ctx.t().allDistricts),
      ...kec.map((k) =>
        h(
          'optgroup',
          { label: `Kec. ${k.name}` },
          h('option', { value: k.code }, `Kec. ${k.name}`),
          ...ctx.districts
            .filter((d) => d.parentCode === k.code)
            .map((d) => h('option', { value: d.code }, `Kel. ${d.name}`)),
        ),
      ),
    );
    district.value = value;
  }

  input.addEventListener('input', run);
  agency.addEventListener('change', run);
  theme.addEventListener('change', run);
  district.addEventListener('change', () => {
    districtAbort?.abort();
    if (!district.value) {
      inDistrict = null;
      run();
      return;
    }
    const abort = (districtAbort = new AbortController());
    api
      .districtLayers(district.value, abort.signal)
      .then((items) => {
        inDistrict = new Set(items.map((i) => i.slug));
        run();
      })
      .catch(() => undefined);
  });

  const refresh = () => {
    const t = ctx.t();
    input.placeholder = t.searchPlaceholder;
    // Names for screen readers in the current language.
    input.setAttribute('aria-label', t.searchPlaceholder);
    agency.setAttribute('aria-label', t.allAgencies);
    theme.setAttribute('aria-label', t.allThemes);
    district.setAttribute('aria-label', t.allDistricts);
    districtOptions();
    run();
    showLimit();
  };
  refresh();
  ctx.store.subscribe((s, prev) => {
    if (s.layers !== prev.layers) {
      list.redraw();
      showLimit();
    }
    if (s.lang !== prev.lang) refresh();
  });
  return { refresh, lastSearchMs: () => searchMs };
}
