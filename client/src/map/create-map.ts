import {
  AttributionControl,
  Map as MlMap,
  NavigationControl,
  ScaleControl,
  setWorkerUrl,
  type StyleSpecification,
} from 'maplibre-gl';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import { authHeaders } from '../auth/session.js';
import type { ViewState } from '../state/view-state.js';
import { baseStyle, overlayLayers } from './base-style.js';
import { withBasemap } from './basemap.js';

// Vite emits MapLibre's worker as its own asset (reported separately from the main bundle).
setWorkerUrl(workerUrl);

/** A MapLibre map on the offline basemap, with labels on top, ready when the returned promise resolves. */
export async function createMap(
  container: HTMLElement,
  state: ViewState,
  opts: { interactiveControls: boolean },
): Promise<MlMap> {
  const map = new MlMap({
    container,
    style: await styleWithOptionalBasemap(),
    center: state.center,
    zoom: state.zoom,
    minZoom: 9,
    maxZoom: 20,
    attributionControl: false,
    // Tiles and TileJSON of terbatas layers need the signed-in token (our origin only).
    transformRequest: (url) => {
      const headers = authHeaders(url);
      return headers.Authorization ? { url, headers } : { url };
    },
    // Keeps the drawing buffer so the PNG export and browser tests can read pixels.
    canvasContextAttributes: { preserveDrawingBuffer: true },
  });
  map.addControl(
    new AttributionControl({
      compact: true,
      customAttribution: 'Satu Data Satu Peta Kota Tangerang · batas: cahyadsn/wilayah_boundaries (MIT)',
    }),
  );
  if (opts.interactiveControls) {
    map.addControl(new NavigationControl({ visualizePitch: false }), 'top-right');
    map.addControl(new ScaleControl({ unit: 'metric' }), 'bottom-right');
  }
  await new Promise<void>((resolve) => map.once('load', () => resolve()));
  for (const layer of overlayLayers ?? []) map.addLayer(layer);
  return map;
}

/** Our offline style, over the deployment's basemap when one is configured and reachable. */
async function styleWithOptionalBasemap(): Promise<StyleSpecification> {
  const ours = baseStyle(location.origin);
  try {
    const config = (await (await fetch('/api/client-config')).json()) as { basemapStyleUrl: string | null };
    if (!config.basemapStyleUrl) return ours;
    const res = await fetch(config.basemapStyleUrl);
    return res.ok ? withBasemap(ours, (await res.json()) as StyleSpecification) : ours;
  } catch {
    return ours;
  }
}
