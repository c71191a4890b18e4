import type { LayerSpecification, Map as MlMap, MapSourceDataEvent } from 'maplibre-gl';
import { api } from '../api.js';
import type { LayerEntry } from '../catalog/layer-index.js';
import type { ActiveLayer } from '../state/view-state.js';

export type LayerStatus = { kind: 'idle' } | { kind: 'loading' } | { kind: 'error'; message: string };

const BELOW = 'kelurahan-label';

/**
 * The active data layers on the map. All of them come from one composite vector source, so a
 * tile position costs one request whatever the number of layers. When the set of layers
 * changes, the new source is added beside the old one and the old one is removed only once the
 * new one has loaded, so the other layers never flash. Opacity, visibility and order changes
 * only touch paint and layer order: no new requests.
 */
export class ActiveLayers {
  private generation = 0;
  private current: { source: string; ids: string[]; styleIds: Map<string, string[]> } | null = null;
  private abort: AbortController | null = null;

  constructor(
    private readonly map: MlMap,
    private readonly entries: Map<string, LayerEntry>,
    private readonly onStatus: (s: LayerStatus) => void,
  ) {
    map.on('error', (e) => {
      const ev = e as unknown as { sourceId?: string; error?: { message?: string } };
      if (ev.sourceId?.startsWith('active-')) onStatus({ kind: 'error', message: ev.error?.message ?? 'tile error' });
    });
  }

  /** Style layer ids of the visible data layers, for identify. */
  queryableLayerIds(): string[] {
    return this.current ? [...this.current.styleIds.values()].flat().filter((id) => this.map.getLayer(id)) : [];
  }

  /** Shows these layers; `reload` asks for a new TileJSON (new data versions) even if the set is the same. */
  async apply(layers: ActiveLayer[], reload = false): Promise<void> {
    const ids = layers.map((l) => l.id).filter((id) => this.entries.has(id));
    const same =
      this.current &&
      ids.length === this.current.ids.length &&
      [...ids].sort().join() === [...this.current.ids].sort().join();
    if (!same || reload) await this.replaceSource(ids);
    if (!this.current) return;
    for (const l of layers) this.paint(l);
    this.restack(layers.map((l) => l.id));
  }

  private async replaceSource(ids: string[]): Promise<void> {
    this.abort?.abort();
    const old = this.current;
    if (ids.length === 0) {
      this.current = null;
      this.removeGeneration(old);
      this.onStatus({ kind: 'idle' });
      return;
    }
    const abort = (this.abort = new AbortController());
    this.onStatus({ kind: 'loading' });
    let tj;
    try {
      tj = await api.tileJson(ids, abort.signal);
    } catch (err) {
      if (!abort.signal.aborted) this.onStatus({ kind: 'error', message: (err as Error).message });
      return;
    }
    if (abort.signal.aborted) return;
    const source = `active-${++this.generation}`;
    this.map.addSource(source, { type: 'vector', tiles: tj.tiles, minzoom: 8, maxzoom: 22 });
    const styleIds = new Map<string, string[]>();
    for (const id of ids) {
      const specs = styleLayers(source, this.entries.get(id) as LayerEntry);
      for (const spec of specs) this.map.addLayer(spec, BELOW);
      styleIds.set(
        id,
        specs.map((s) => s.id),
      );
    }
    this.current = { source, ids, styleIds };
    // Remove the previous generation once the new one has drawn (or after 10 s at the latest).
    const done = () => {
      this.map.off('sourcedata', onData);
      this.removeGeneration(old);
      if (this.current?.source === source) this.onStatus({ kind: 'idle' });
    };
    const onData = (e: MapSourceDataEvent) => {
      if (e.sourceId === source && this.map.isSourceLoaded(source)) done();
    };
    this.map.on('sourcedata', onData);
    setTimeout(() => {
      if (this.map.getSource(source)) done();
    }, 10_000);
  }

  private removeGeneration(gen: { source: string; styleIds: Map<string, string[]> } | null): void {
    if (!gen || !this.map.getSource(gen.source)) return;
    for (const id of [...gen.styleIds.values()].flat()) if (this.map.getLayer(id)) this.map.removeLayer(id);
    this.map.removeSource(gen.source);
  }

  private paint(l: ActiveLayer): void {
    for (const id of this.current?.styleIds.get(l.id) ?? []) {
      const layer = this.map.getLayer(id);
      if (!layer) continue;
      this.map.setLayoutProperty(id, 'visibility', l.visible ? 'visible' : 'none');
      const base = id.endsWith(':fill') ? 0.35 : 1;
      const prop = layer.type === 'fill' ? 'fill-opacity' : layer.type === 'line' ? 'line-opacity' : 'circle-opacity';
      this.map.setPaintProperty(id, prop, base * l.opacity);
      if (layer.type === 'circle') this.map.setPaintProperty(id, 'circle-stroke-opacity', l.opacity);
    }
  }

  /** Top-most first: moving each from the bottom up to just below the labels stacks them in order. */
  private restack(order: string[]): void {
    for (const id of [...order].reverse()) {
      for (const styleId of this.current?.styleIds.get(id) ?? [])
        if (this.map.getLayer(styleId)) this.map.moveLayer(styleId, BELOW);
    }
  }
}

function styleLayers(source: string, e: LayerEntry): LayerSpecification[] {
  const color = e.color ?? '#2563eb';
  const base = `${source}:${e.id}`;
  const common = { source, 'source-layer': e.id, metadata: { layer: e.id } };
  if (e.geometryType === 'Polygon') {
    return [
      { id: `${base}:fill`, type: 'fill', ...common, paint: { 'fill-color': color, 'fill-opacity': 0.35 } },
      { id: `${base}:line`, type: 'line', ...common, paint: { 'line-color': color, 'line-width': 1 } },
    ];
  }
  if (e.geometryType === 'LineString') {
    return [
      {
        id: `${base}:line`,
        type: 'line',
        ...common,
        layout: { 'line-cap': 'round', 'line-join': 'round' },
        paint: { 'line-color': color, 'line-width': 2.5 },
      },
    ];
  }
  return [
    {
      id: `${base}:circle`,
      type: 'circle',
      ...common,
      paint: {
        'circle-color': color,
        'circle-radius': ['interpolate', ['linear'], ['zoom'], 11, 3, 16, 6],
        'circle-stroke-color': '#ffffff',
        'circle-stroke-width': 1,
      },
    },
  ];
}
