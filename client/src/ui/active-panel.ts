import type { AppContext } from '../app-context.js';
import type { ActiveLayer } from '../state/view-state.js';
import { clear, h } from './dom.js';
import { downloadLayer } from './downloads.js';
import { showMetadata } from './metadata-dialog.js';
import { showStyleEditor } from './style-editor.js';

/** Active layers, top-most first: reorder (drag or buttons), opacity, show/hide, legend, zoom, metadata, download. */
export function activePanel(ctx: AppContext, host: HTMLElement, status: HTMLElement): { render(): void } {
  let dragged: string | null = null;

  const move = (layers: ActiveLayer[], from: number, to: number) => {
    const next = [...layers];
    const [item] = next.splice(from, 1);
    if (item) next.splice(Math.max(0, Math.min(next.length, to)), 0, item);
    ctx.store.update({ layers: next });
  };
  const change = (id: string, patch: Partial<ActiveLayer>) =>
    ctx.store.update({ layers: ctx.store.state.layers.map((l) => (l.id === id ? { ...l, ...patch } : l)) });

  function render(): void {
    const t = ctx.t();
    const layers = ctx.store.state.layers;
    clear(host);
    host.append(status);
    if (layers.length === 0) {
      host.append(h('p', { class: 'empty' }, t.noActive));
      return;
    }
    const list = h('ol', { class: 'active-list' });
    layers.forEach((l, i) => {
      const e = ctx.entries.get(l.id);
      if (!e) return;
      const legend = ctx.legendOf(l.id);
      const me = ctx.me;
      const mayStyle = me !== null && (me.role === 'admin' || (me.role === 'editor' && me.agencies.includes(e.agency)));
      const kind = e.geometryType;
      const format = h(
        'select',
        { 'aria-label': t.download },
        h('option', { value: 'geojson' }, 'GeoJSON'),
        h('option', { value: 'csv' }, 'CSV'),
      );
      const onlyDistrict = h('input', { type: 'checkbox', disabled: !ctx.store.state.district });
      const item = h(
        'li',
        {
          class: 'active-row',
          draggable: 'true',
          'data-layer': l.id,
          ondragstart: () => {
            dragged = l.id;
          },
          ondragover: (ev: DragEvent) => ev.preventDefault(),
          ondrop: (ev: DragEvent) => {
            ev.preventDefault();
            const from = layers.findIndex((x) => x.id === dragged);
            if (from >= 0 && from !== i) move(layers, from, i);
            dragged = null;
          },
        },
        h(
          'div',
          { class: 'active-head' },
          h('span', { class: 'drag', 'aria-hidden': 'true' }, '⋮⋮'),
          h('span', {
            class: `swatch ${kind}`,
            style: `--c:${swatchOf(legend?.classes.map((c) => c.symbol.color) ?? [], e.color)}`,
          }),
          h('input', {
            type: 'checkbox',
            checked: l.visible,
            'aria-label': `${t.show}: ${e.title}`,
            onchange: (ev: Event) => change(l.id, { visible: (ev.target as HTMLInputElement).checked }),
          }),
          h(
            'span',
            { class: 'title', title: e.title },
            ...(e.restricted ? [h('span', { class: 'badge', title: t.restrictedHint }, t.restricted), ' '] : []),
            e.title,
          ),
          h(
            'button',
            {
              class: 'icon',
              title: t.moveUp,
              'aria-label': t.moveUp,
              disabled: i === 0,
              onclick: () => move(layers, i, i - 1),
            },
            '↑',
          ),
          h(
            'button',
            {
              class: 'icon',
              title: t.moveDown,
              'aria-label': t.moveDown,
              disabled: i === layers.length - 1,
              onclick: () => move(layers, i, i + 1),
            },
            '↓',
          ),
          h(
            'button',
            {
              class: 'icon',
              title: t.remove,
              'aria-label': `${t.remove}: ${e.title}`,
              onclick: () => ctx.toggleLayer(l.id),
            },
            '✕',
          ),
        ),
        h(
          'div',
          { class: 'active-tools' },
          h(
            'label',
            {},
            `${t.opacity} `,
            h('input', {
              type: 'range',
              min: '0',
              max: '1',
              step: '0.05',
              value: String(l.opacity),
              oninput: (ev: Event) => change(l.id, { opacity: Number((ev.target as HTMLInputElement).value) }),
            }),
          ),
          h('button', { disabled: !e.bbox, onclick: () => e.bbox && ctx.fitBbox(e.bbox) }, t.zoomTo),
          h('button', { onclick: () => void showMetadata(ctx, l.id) }, t.metadata),
          h('button', { class: 'table-button', onclick: () => ctx.openTable(l.id) }, t.table),
          ...(mayStyle
            ? [h('button', { class: 'style-button', onclick: () => void showStyleEditor(ctx, l.id) }, t.style)]
            : []),
        ),
        ...(legend && legend.classes.length > 1
          ? [
              h(
                'ul',
                { class: 'legend layer-legend', 'aria-label': t.legendOf(e.title) },
                ...(legend.property ? [h('li', { class: 'legend-property' }, legend.property)] : []),
                ...legend.classes.map((c) =>
                  h('li', {}, h('span', { class: `swatch ${kind}`, style: `--c:${c.symbol.color}` }), ` ${c.label}`),
                ),
              ),
            ]
          : []),
        h(
          'div',
          { class: 'active-tools' },
          format,
          h('label', {}, onlyDistrict, ` ${t.downloadInDistrict}`),
          h(
            'button',
            {
              onclick: () =>
                void downloadLayer(
                  l.id,
                  format.value as 'geojson' | 'csv',
                  onlyDistrict.checked ? ctx.store.state.district : null,
                ),
            },
            t.download,
          ),
        ),
      );
      list.append(item);
    });
    host.append(list);
  }

  render();
  ctx.store.subscribe((s, prev) => {
    if (s.layers !== prev.layers || s.lang !== prev.lang || s.district !== prev.district) render();
  });
  return { render };
}

/** One colour, or the first classes' colours side by side for a classified layer. */
function swatchOf(colors: string[], fallback: string | null): string {
  if (colors.length <= 1) return colors[0] ?? fallback ?? '#2563eb';
  const shown = colors.slice(0, 4);
  const stops = shown.map((c, i) => `${c} ${(i * 100) / shown.length}% ${((i + 1) * 100) / shown.length}%`);
  return `linear-gradient(90deg, ${stops.join(', ')})`;
}
