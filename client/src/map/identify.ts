import { Popup, type MapMouseEvent } from 'maplibre-gl';
import { api, type Lookup } from '../api.js';
import type { AppContext } from '../app-context.js';
import { h } from '../ui/dom.js';

/**
 * A click answers two questions in one popup: which kelurahan and kecamatan the point is in
 * (with Kemendagri codes), and the attributes of every active feature under it.
 */
export function lookupHtml(ctx: AppContext, r: Lookup): HTMLElement {
  const t = ctx.t();
  if (!r.inside) return h('div', { class: 'lookup outside' }, t.outside);
  return h(
    'div',
    { class: 'lookup' },
    h('div', {}, h('strong', {}, `${t.kelurahan} ${r.kelurahan?.name ?? '?'}`), ` (${r.kelurahan?.code ?? ''})`),
    h('div', {}, `${t.kecamatan} ${r.kecamatan?.name ?? '?'} (${r.kecamatan?.code ?? ''})`),
    r.ambiguous ? h('div', { class: 'note' }, '≈ batas') : null,
  );
}

/** extra: a section for the popup's top (the thematic map's value at the click), or null. */
export function identifyOnClick(
  ctx: AppContext,
  queryable: () => string[],
  shouldIgnore: () => boolean,
  extra: (e: MapMouseEvent) => HTMLElement | null = () => null,
): void {
  let popup: Popup | null = null;
  ctx.map.on('click', (e: MapMouseEvent) => {
    if (shouldIgnore()) return;
    const features = ctx.map.queryRenderedFeatures(e.point, { layers: queryable() });
    const body = h('div', { class: 'identify' }, h('div', { class: 'lookup' }, ctx.t().loading), extra(e));
    const seen = new Set<string>();
    for (const f of features.slice(0, 20)) {
      const key = `${f.sourceLayer ?? ''}#${String(f.id)}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const entry = ctx.entries.get(f.sourceLayer ?? '');
      body.append(
        h(
          'section',
          { class: 'feature' },
          h('h4', {}, entry?.title ?? f.sourceLayer ?? ''),
          h(
            'table',
            {},
            ...Object.entries(f.properties).map(([k, v]) =>
              h('tr', {}, h('th', {}, k), h('td', {}, String(v as string))),
            ),
          ),
        ),
      );
    }
    popup?.remove();
    popup = new Popup({ maxWidth: '320px' }).setLngLat(e.lngLat).setDOMContent(body).addTo(ctx.map);
    const { lng, lat } = e.lngLat;
    ctx.store.update({ point: [lng, lat] });
    void api.lookup(lng, lat).then((r) => body.firstElementChild?.replaceWith(lookupHtml(ctx, r)));
  });
}
