import type { LayerSpecification, Map as MlMap, MapSourceDataEvent } from 'maplibre-gl';
import { api, type LayerLegend } from '../api.js';
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
  /** Each drawn style layer's own opacity (the layer's opacity slider multiplies it). */
  private readonly baseOpacity = new Map<string, number>();
  private readonly legends = new Map<string, LayerLegend>();

  constructor(
    private readonly map: MlMap,
    private readonly entries: Map<string, LayerEntry>,
    private readonly onStatus: (s: LayerStatus) => void,
    private readonly onLegends: () => void = () => undefined,
  ) {
    map.on('error', (e) => {
      const ev = e as unknown as { sourceId?: string; error?: { message?: string } };
      if (ev.sourceId?.startsWith('active-')) onStatus({ kind: 'error', message: ev.error?.message ?? 'tile error' });
    });
  }

  /** The legend of an active layer, as its stored style says (once its style has loaded). */
  legendOf(id: string): LayerLegend | undefined {
    return this.legends.get(id);
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
    if (!same || reload) await this.replaceSource(ids, reload);
    if (!this.current) return;
    for (const l of layers) this.paint(l);
    this.restack(layers.map((l) => l.id));
  }

  private async replaceSource(ids: string[], reload = false): Promise<void> {
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
    let style;
    try {
      [tj, style] = await Promise.all([
        api.tileJson(ids, abort.signal, reload),
        api.mapStyle(ids, abort.signal, reload),
      ]);
    } catch (err) {
      if (!abort.signal.aborted) this.onStatus({ kind: 'error', message: (err as Error).message });
      return;
    }
    if (abort.signal.aborted) return;
    const source = `active-${++this.generation}`;
    this.map.addSource(source, { type: 'vector', tiles: tj.tiles, minzoom: 8, maxzoom: 22 });
    const styleIds = new Map<string, string[]>();
    for (const legend of style.metadata['satupeta:legends']) this.legends.set(legend.layer, legend);
    this.onLegends();
    for (const id of ids) {
      const specs = style.layers
        .filter((l) => l.metadata?.layer === id)
        .map((l) => ({ ...l, id: `${source}:${l.id}`, source }) as LayerSpecification);
      for (const spec of specs) this.baseOpacity.set(spec.id, opacityOf(spec));
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
      const prop = OPACITY[layer.type];
      if (!prop) continue;
      this.map.setPaintProperty(id, prop, (this.baseOpacity.get(id) ?? 1) * l.opacity);
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

const OPACITY: Record<string, 'fill-opacity' | 'line-opacity' | 'circle-opacity' | 'text-opacity'> = {
  fill: 'fill-opacity',
  line: 'line-opacity',
  circle: 'circle-opacity',
  symbol: 'text-opacity',
};

/** A style layer's own opacity when it is a plain number (an expression is left at full strength). */
function opacityOf(spec: LayerSpecification): number {
  const prop = OPACITY[spec.type];
  const paint = ('paint' in spec ? spec.paint : undefined) as Record<string, unknown> | undefined;
  const v = prop ? paint?.[prop] : undefined;
  return typeof v === 'number' ? v : 1;
}
