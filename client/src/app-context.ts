import type { Map as MlMap } from 'maplibre-gl';
import type { District } from './api.js';
import type { LayerEntry } from './catalog/layer-index.js';
import type { Strings } from './i18n.js';
import type { Store } from './state/store.js';

/** What the panels share: state, map, reference data and the few actions they trigger. */
export interface AppContext {
  store: Store;
  map: MlMap;
  t(): Strings;
  entries: Map<string, LayerEntry>;
  agencies: Map<string, { name: string; shortName: string }>;
  themes: Map<string, { name: string }>;
  districts: District[];
  toggleLayer(id: string): void;
  fitBbox(bbox: [number, number, number, number]): void;
  checkPoint(lon: number, lat: number): Promise<void>;
  /** Reads the active layers' tiles again (after an upload changed their data). */
  reloadLayers(): void;
}
