import type { LayerSpecification, SourceSpecification, StyleSpecification } from 'maplibre-gl';

/**
 * Puts a configured basemap style beneath our own layers: its sources and layers are renamed
 * with a `basemap:` prefix, its sprite kept, and its labels drawn with our glyphs (our glyph
 * server answers unknown font stacks with Noto Sans). The city fill turns transparent so the
 * basemap shows through; our boundaries and labels stay on top.
 */
export function withBasemap(ours: StyleSpecification, basemap: StyleSpecification): StyleSpecification {
  const rename = (id: string) => `basemap:${id}`;
  const sources: Record<string, SourceSpecification> = {};
  for (const [id, src] of Object.entries(basemap.sources)) sources[rename(id)] = src;
  const under = basemap.layers.map((l) => {
    const copy = { ...l, id: rename(l.id) } as LayerSpecification & { source?: string };
    if (typeof copy.source === 'string') copy.source = rename(copy.source);
    return copy;
  });
  const own = ours.layers
    .filter((l) => l.id !== 'background')
    .map((l) =>
      l.id === 'kota-fill'
        ? ({ ...l, paint: { 'fill-color': '#ffffff', 'fill-opacity': 0 } } as LayerSpecification)
        : l,
    );
  return {
    ...ours,
    ...(basemap.sprite !== undefined ? { sprite: basemap.sprite } : {}),
    sources: { ...sources, ...ours.sources },
    layers: [...under, ...own],
  };
}
