import 'maplibre-gl/dist/maplibre-gl.css';
import './style.css';
import type { GeoJSONSource } from 'maplibre-gl';
import { api } from './api.js';
import { currentToken } from './auth/session.js';
import type { AppContext } from './app-context.js';
import { strings } from './i18n.js';
import { ActiveLayers, type LayerStatus } from './map/active-layers.js';
import { createMap } from './map/create-map.js';
import { identifyOnClick, lookupHtml } from './map/identify.js';
import { Measure } from './map/measure.js';
import { Store } from './state/store.js';
import { activePanel } from './ui/active-panel.js';
import { attributeTable } from './ui/attribute-table.js';
import { catalogPanel } from './ui/catalog-panel.js';
import { dataPanel } from './ui/data-panel.js';
import { thematicHtml } from './ui/thematic-popup.js';
import { districtPanel } from './ui/district-panel.js';
import { h } from './ui/dom.js';
import { setMeasureText, toolsPanel } from './ui/tools-panel.js';

/** The One Map viewer: catalog, active layers, districts and tools beside a MapLibre map. */
async function main(): Promise<void> {
  const store = new Store(location.search);
  const t = () => strings[store.state.lang];
  const $ = (id: string) => document.getElementById(id) as HTMLElement;
  document.documentElement.lang = store.state.lang;

  const [config, index, agencies, themes, districts, map] = await Promise.all([
    api.clientConfig(),
    api.layerIndex(),
    api.agencies(),
    api.themes(),
    api.districts(),
    createMap($('map'), store.state, { interactiveControls: true }),
  ]);
  const entries = new Map(index.map((e) => [e.id, e]));
  const status = h('div', { id: 'layer-status', role: 'status' });
  const showStatus = (s: LayerStatus) => {
    status.className = `status ${s.kind}`;
    status.textContent =
      s.kind === 'loading' ? t().loading : s.kind === 'error' ? `${t().tilesFailed} (${s.message})` : '';
  };
  const views: { active?: { render(): void }; table?: { open(id: string): void } } = {};
  const active = new ActiveLayers(map, entries, showStatus, () => views.active?.render());

  const ctx: AppContext = {
    store,
    map,
    t,
    entries,
    districts,
    agencies: new Map(agencies.map((a) => [a.code, { name: a.name, shortName: a.shortName }])),
    themes: new Map(themes.map((th) => [th.code, { name: th.name }])),
    maxLayers: config.tilesMaxLayers,
    toggleLayer(id) {
      const layers = store.state.layers;
      if (!layers.some((l) => l.id === id) && layers.length >= config.tilesMaxLayers) return;
      store.update({
        layers: layers.some((l) => l.id === id)
          ? layers.filter((l) => l.id !== id)
          : [{ id, opacity: 1, visible: true }, ...layers],
      });
    },
    fitBbox(b) {
      map.fitBounds(
        [
          [b[0], b[1]],
          [b[2], b[3]],
        ],
        { padding: 40, maxZoom: 17, duration: 600 },
      );
    },
    reloadLayers() {
      void active.apply(store.state.layers, true);
    },
    legendOf: (id) => active.legendOf(id),
    openTable: (id) => views.table?.open(id),
    me: null,
    async checkPoint(lon, lat, fly = true) {
      store.update({ point: [lon, lat] });
      if (fly) map.flyTo({ center: [lon, lat], zoom: Math.max(map.getZoom(), 14) });
      const r = await api.lookup(lon, lat);
      $('check-result').replaceChildren(lookupHtml(ctx, r));
    },
  };

  const measure = new Measure(map, (text) => setMeasureText($('panel-tools'), text));
  const catalog = catalogPanel(ctx, $('panel-catalog'));
  views.active = activePanel(ctx, $('panel-active'), status);
  views.table = attributeTable(ctx);
  const token = currentToken();
  if (token)
    void api.me(token).then(
      (me) => {
        ctx.me = me;
        views.active?.render();
      },
      () => undefined,
    );
  districtPanel(ctx, $('panel-districts'));
  const data = dataPanel(ctx, $('panel-data'));
  toolsPanel(ctx, $('panel-tools'), measure, () => data.legend());
  identifyOnClick(
    ctx,
    () => active.queryableLayerIds(),
    () => measure.active,
    (e) => {
      const fill = data.fillLayer();
      const info = data.current();
      if (!fill || !info) return null;
      const code = map.queryRenderedFeatures(e.point, { layers: [fill] })[0]?.properties.code as string | undefined;
      return code ? thematicHtml(ctx, info, code) : null;
    },
  );

  const drawPoint = () =>
    void (map.getSource('point') as GeoJSONSource).setData({
      type: 'FeatureCollection',
      features: store.state.point
        ? [{ type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: store.state.point } }]
        : [],
    });
  const chrome = () => {
    document.documentElement.lang = store.state.lang;
    $('app-title').textContent = t().appTitle;
    $('lang-switch').textContent = t().language;
    for (const tab of ['catalog', 'active', 'data', 'districts', 'tools'] as const) {
      const count = tab === 'active' && store.state.layers.length ? ` (${store.state.layers.length})` : '';
      $(`tab-${tab}`).textContent = t()[tab] + count;
    }
  };
  store.subscribe((s, prev) => {
    if (s.layers !== prev.layers) void active.apply(s.layers);
    if (s.point !== prev.point) drawPoint();
    chrome();
  });
  map.on('moveend', () => {
    const c = map.getCenter();
    store.update({ center: [c.lng, c.lat], zoom: map.getZoom() });
  });
  $('lang-switch').addEventListener('click', () => store.update({ lang: store.state.lang === 'id' ? 'en' : 'id' }));
  for (const tab of document.querySelectorAll<HTMLButtonElement>('[role=tab]')) {
    tab.addEventListener('click', () => selectTab(tab.id.replace('tab-', '')));
  }
  $('menu-toggle').addEventListener('click', () => document.body.classList.toggle('panel-open'));

  // A link naming more layers than one map draws keeps the first ones (the catalog says why).
  if (store.state.layers.length > config.tilesMaxLayers)
    store.update({ layers: store.state.layers.slice(0, config.tilesMaxLayers) });
  chrome();
  drawPoint();
  await active.apply(store.state.layers);
  // A shared link opens on the sender's view; its checked point is shown there, not flown to.
  if (store.state.point) void ctx.checkPoint(...store.state.point, false);
  // Exposed for the browser tests and for people poking at the map from the console.
  Object.assign(window, { satupeta: { map, store, lastSearchMs: () => catalog.lastSearchMs() } });
  document.body.dataset.ready = 'true';
}

function selectTab(name: string): void {
  for (const tab of document.querySelectorAll<HTMLElement>('[role=tab]')) {
    const on = tab.id === `tab-${name}`;
    tab.setAttribute('aria-selected', String(on));
    (document.getElementById(tab.getAttribute('aria-controls') ?? '') as HTMLElement).hidden = !on;
  }
}

main().catch((err: unknown) => {
  document.body.dataset.ready = 'error';
  document
    .getElementById('fatal')
    ?.replaceChildren(`Peta gagal dimuat / the map failed to load: ${(err as Error).message}`);
  console.error(err);
});
