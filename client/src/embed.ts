import 'maplibre-gl/dist/maplibre-gl.css';
import './style.css';
import { api } from './api.js';
import type { AppContext } from './app-context.js';
import { strings } from './i18n.js';
import { ActiveLayers } from './map/active-layers.js';
import { createMap } from './map/create-map.js';
import { identifyOnClick } from './map/identify.js';
import { fromQuery } from './state/view-state.js';
import { Store } from './state/store.js';

/** The embeddable map: the layers named in the URL over the offline basemap, nothing else. */
async function embed(): Promise<void> {
  const store = new Store(location.search);
  const state = fromQuery(location.search);
  const map = await createMap(document.getElementById('map') as HTMLElement, state, { interactiveControls: true });
  const index = await api.layerIndex();
  const entries = new Map(index.map((e) => [e.id, e]));
  const status = document.getElementById('embed-status') as HTMLElement;
  const active = new ActiveLayers(map, entries, (s) => {
    status.textContent = s.kind === 'error' ? strings[state.lang].tilesFailed : '';
  });
  const ctx = {
    store,
    map,
    t: () => strings[state.lang],
    entries,
    districts: [],
    agencies: new Map(),
    themes: new Map(),
    toggleLayer: () => undefined,
    maxLayers: Infinity,
    fitBbox: () => undefined,
    checkPoint: () => Promise.resolve(),
    reloadLayers: () => undefined,
    legendOf: (id: string) => active.legendOf(id),
    openTable: () => undefined,
    me: null,
  } satisfies AppContext;
  identifyOnClick(
    ctx,
    () => active.queryableLayerIds(),
    () => false,
  );
  await active.apply(state.layers);
  const link = document.getElementById('open-full') as HTMLAnchorElement;
  link.href = `/?${location.search.slice(1)}`;
  link.textContent = strings[state.lang].appTitle;
  Object.assign(window, { satupeta: { map } });
  document.body.dataset.ready = 'true';
}

embed().catch((err: unknown) => {
  document.body.dataset.ready = 'error';
  console.error(err);
});
