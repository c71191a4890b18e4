import type { Map as MlMap } from 'maplibre-gl';
import type { District, LayerLegend, Me } from './api.js';
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
  /** Adds or removes an active layer; adding past maxLayers does nothing (the Add buttons say why). */
  toggleLayer(id: string): void;
  /** The most layers one map draws (the server's composite limit, TILES_MAX_LAYERS). */
  maxLayers: number;
  fitBbox(bbox: [number, number, number, number]): void;
  /** Which kelurahan/kecamatan a point lies in; `fly` false keeps the view (a shared link's point). */
  checkPoint(lon: number, lat: number, fly?: boolean): Promise<void>;
  /** Reads the active layers' tiles and styles again (after an upload or a style change). */
  reloadLayers(): void;
  /** An active layer's legend, once its style has loaded. */
  legendOf(id: string): LayerLegend | undefined;
  /** Opens the attribute table of an active layer. */
  openTable(id: string): void;
  /** Who the signed-in token is (null: anonymous, or not known yet). */
  me: Me | null;
}
