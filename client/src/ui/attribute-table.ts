import type { Feature, Geometry } from 'geojson';
import type { GeoJSONSource, MapMouseEvent } from 'maplibre-gl';
import { api } from '../api.js';
import type { AppContext } from '../app-context.js';
import { authHeaders } from '../auth/session.js';
import { h } from './dom.js';
import { toCsv, valueText } from './downloads.js';
import { VirtualList } from './virtual-list.js';

const PAGE = 100;
const ROW = 28;
type Scope = 'view' | 'district' | 'all';
interface Page {
  numberMatched: number;
  features: Feature[];
  links: { rel: string; href: string }[];
}

/**
 * The attribute table of one active layer, docked over the bottom of the map: the features in
 * the current view, the chosen district or the whole layer, filtered by a CQL2 expression and
 * sorted by a column, all through the same /api/layers/{id}/features query every protocol uses;
 * rows come a page of 100 at a time as they scroll into view. A row click highlights the feature
 * and zooms to it; a map click on the layer's feature highlights its row. The export holds
 * exactly the rows the table counts (the server's numberMatched).
 */
export function attributeTable(ctx: AppContext): { open(id: string): void } {
  const t = () => ctx.t();
  let layer: string | null = null;
  let fields: string[] = [];
  let scope: Scope = 'view';
  let sort: { field: string; desc: boolean } | null = null;
  let filter = '';
  let total = 0;
  let generation = 0;
  let selected: string | number | null = null;
  const pages = new Map<number, Feature[] | 'loading'>();

  const title = h('strong', { class: 'attr-title' });
  const count = h('span', { id: 'attr-count', class: 'count', 'aria-live': 'polite' });
  const scopeSelect = h(
    'select',
    {
      id: 'attr-scope',
      'aria-label': t().tableScope,
      onchange: () => ((scope = scopeSelect.value as Scope), reload()),
    },
    h('option', { value: 'view' }, t().tableView),
    h('option', { value: 'district' }, t().tableDistrict),
    h('option', { value: 'all' }, t().tableAll),
  );
  const filterInput = h('input', {
    id: 'attr-filter',
    type: 'text',
    placeholder: "luas_km2 > 2 AND nama LIKE 'P%'",
    'aria-label': t().tableFilter,
  });
  const head = h('div', { class: 'attr-row attr-head', role: 'row' });
  const body = h('div', { class: 'attr-body', role: 'rowgroup' });
  const list = new VirtualList<number>(body, ROW, (i) => renderRow(i));
  const section = h(
    'section',
    { id: 'attribute-table', class: 'attr-table', role: 'region', 'aria-label': t().table, hidden: true },
    h(
      'div',
      { class: 'attr-bar' },
      title,
      scopeSelect,
      h(
        'form',
        {
          class: 'attr-filter',
          onsubmit: (e: Event) => {
            e.preventDefault();
            filter = filterInput.value.trim();
            reload();
          },
        },
        filterInput,
        h('button', { id: 'attr-apply' }, t().tableApply),
      ),
      count,
      h('button', { id: 'attr-export', onclick: () => void exportRows() }, t().tableExport),
      h('button', { id: 'attr-close', 'aria-label': t().close, onclick: () => close() }, '✕'),
    ),
    h('div', { class: 'attr-grid', role: 'table' }, head, body),
  );
  document.body.append(section);

  function params(): URLSearchParams {
    const p = new URLSearchParams();
    if (scope === 'view') {
      const b = ctx.map.getBounds();
      p.set('bbox', [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map((n) => n.toFixed(6)).join(','));
    }
    if (scope === 'district' && ctx.store.state.district) p.set('district', ctx.store.state.district);
    if (filter) p.set('filter', filter);
    if (sort) p.set('sortby', `${sort.desc ? '-' : ''}${sort.field}`);
    return p;
  }

  async function fetchPage(p: URLSearchParams): Promise<Page> {
    const url = `/api/layers/${encodeURIComponent(layer ?? '')}/features?${p.toString()}`;
    const res = await fetch(url, { headers: authHeaders(url) });
    const answer = (await res.json()) as Page & { error?: { message: string } };
    if (!res.ok) throw new Error(answer.error?.message ?? `HTTP ${res.status}`);
    return answer;
  }

  async function load(index: number): Promise<void> {
    const gen = generation;
    pages.set(index, 'loading');
    const p = params();
    p.set('limit', String(PAGE));
    p.set('offset', String(index * PAGE));
    try {
      const page = await fetchPage(p);
      if (gen !== generation) return;
      pages.set(index, page.features);
      if (page.numberMatched !== total) {
        total = page.numberMatched;
        list.setItems(Array.from({ length: total }, (_, i) => i));
      } else list.redraw();
      count.textContent = t().tableCount(total);
    } catch (err) {
      if (gen !== generation) return;
      pages.delete(index);
      count.textContent = (err as Error).message;
    }
  }

  function reload(): void {
    generation++;
    pages.clear();
    total = 0;
    list.setItems([]);
    count.textContent = t().loading;
    renderHead();
    void load(0);
  }

  function renderHead(): void {
    head.replaceChildren(
      ...['id', ...fields].map((f) =>
        h(
          'button',
          {
            class: 'attr-cell attr-sort',
            role: 'columnheader',
            'aria-sort': sort?.field === f ? (sort.desc ? 'descending' : 'ascending') : 'none',
            onclick: () => {
              sort = sort?.field === f ? { field: f, desc: !sort.desc } : { field: f, desc: false };
              reload();
            },
          },
          `${f}${sort?.field === f ? (sort.desc ? ' ▼' : ' ▲') : ''}`,
        ),
      ),
    );
  }

  function renderRow(i: number): HTMLElement {
    const page = pages.get(Math.floor(i / PAGE));
    if (page === undefined) void load(Math.floor(i / PAGE));
    const f = Array.isArray(page) ? page[i % PAGE] : undefined;
    if (!f) return h('div', { class: 'attr-row', role: 'row' }, h('span', { class: 'attr-cell' }, '…'));
    const cells = ['id', ...fields].map((name) => {
      const text = valueText(name === 'id' ? f.id : f.properties?.[name]);
      return h('span', { class: 'attr-cell', role: 'cell', title: text }, text);
    });
    return h(
      'div',
      {
        class: `attr-row${f.id === selected ? ' selected' : ''}`,
        role: 'row',
        'data-fid': String(f.id),
        onclick: () => select(f, true),
      },
      ...cells,
    );
  }

  function select(f: Feature, zoom: boolean): void {
    selected = f.id ?? null;
    showSelection([f]);
    list.redraw();
    if (zoom) {
      const b = bboxOf(f.geometry);
      ctx.map.fitBounds(
        [
          [b[0], b[1]],
          [b[2], b[3]],
        ],
        { padding: 80, maxZoom: 18, duration: 500 },
      );
    }
  }

  /** A click on the map: the clicked feature of this layer gets its row highlighted, if the table holds it. */
  function onMapClick(e: MapMouseEvent): void {
    if (!layer) return;
    const hit = ctx.map.queryRenderedFeatures(e.point).find((f) => f.sourceLayer === layer && f.id !== undefined);
    if (!hit) return;
    for (const [index, page] of pages)
      if (Array.isArray(page)) {
        const at = page.findIndex((f) => f.id === hit.id);
        const found = page[at];
        if (found) {
          select(found, false);
          body.scrollTop = Math.max(0, (index * PAGE + at) * ROW - body.clientHeight / 2);
          return;
        }
      }
  }

  async function exportRows(): Promise<void> {
    if (!layer) return;
    const all: Feature[] = [];
    const p = params();
    p.set('limit', '10000');
    let next: string | null = `/api/layers/${encodeURIComponent(layer)}/features?${p.toString()}`;
    let matched = 0;
    count.textContent = t().loading;
    while (next) {
      const res = await fetch(next, { headers: authHeaders(next) });
      const page = (await res.json()) as Page;
      matched = page.numberMatched;
      all.push(...page.features);
      const link = page.links.find((l) => l.rel === 'next')?.href;
      next = link ? new URL(link).pathname + new URL(link).search : null;
    }
    const url = URL.createObjectURL(new Blob([toCsv(all)], { type: 'text/csv' }));
    const a = h('a', { href: url, download: `${layer}-tabel.csv` });
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
    count.textContent = t().tableExported(all.length, matched);
  }

  function showSelection(features: Feature[]): void {
    void ctx.map.getSource<GeoJSONSource>('selection')?.setData({ type: 'FeatureCollection', features });
  }

  function ensureSelectionLayers(): void {
    if (ctx.map.getSource('selection')) return;
    ctx.map.addSource('selection', { type: 'geojson', data: { type: 'FeatureCollection', features: [] } });
    const paint = '#f59e0b';
    ctx.map.addLayer({
      id: 'selection-fill',
      type: 'fill',
      source: 'selection',
      filter: ['==', ['geometry-type'], 'Polygon'],
      paint: { 'fill-color': paint, 'fill-opacity': 0.35 },
    });
    ctx.map.addLayer({
      id: 'selection-line',
      type: 'line',
      source: 'selection',
      paint: { 'line-color': paint, 'line-width': 4 },
    });
    ctx.map.addLayer({
      id: 'selection-circle',
      type: 'circle',
      source: 'selection',
      filter: ['==', ['geometry-type'], 'Point'],
      paint: { 'circle-radius': 9, 'circle-color': paint, 'circle-stroke-color': '#fff', 'circle-stroke-width': 2 },
    });
  }

  let moveTimer: ReturnType<typeof setTimeout> | undefined;
  ctx.map.on('moveend', () => {
    if (!layer || scope !== 'view') return;
    clearTimeout(moveTimer);
    moveTimer = setTimeout(reload, 300);
  });
  ctx.map.on('click', onMapClick);

  function close(): void {
    layer = null;
    section.hidden = true;
    document.body.classList.remove('table-open');
    ctx.map.resize();
    showSelection([]);
  }

  return {
    open(id: string) {
      const entry = ctx.entries.get(id);
      layer = id;
      sort = null;
      filter = '';
      filterInput.value = '';
      selected = null;
      scope = ctx.store.state.district ? 'district' : 'view';
      scopeSelect.value = scope;
      title.textContent = entry?.title ?? id;
      section.hidden = false;
      document.body.classList.add('table-open');
      ctx.map.resize();
      ensureSelectionLayers();
      void api.layer(id).then((d) => {
        fields = d.fields.map((f) => f.name);
        reload();
      });
    },
  };
}

function bboxOf(g: Geometry | null): [number, number, number, number] {
  const b: [number, number, number, number] = [Infinity, Infinity, -Infinity, -Infinity];
  const walk = (v: unknown): void => {
    if (!Array.isArray(v)) return;
    if (typeof v[0] === 'number') {
      b[0] = Math.min(b[0], v[0]);
      b[1] = Math.min(b[1], v[1] as number);
      b[2] = Math.max(b[2], v[0]);
      b[3] = Math.max(b[3], v[1] as number);
      return;
    }
    for (const x of v) walk(x);
  };
  walk(g && 'coordinates' in g ? g.coordinates : []);
  return b;
}
