import type { StyleSpecification } from 'maplibre-gl';
import { describe, expect, it } from 'vitest';
import { baseStyle } from './base-style.js';
import { withBasemap } from './basemap.js';

describe('a configured basemap', () => {
  const external: StyleSpecification = {
    version: 8,
    sprite: 'https://tiles.example/sprite',
    glyphs: 'https://tiles.example/fonts/{fontstack}/{range}.pbf',
    sources: { osm: { type: 'vector', url: 'https://tiles.example/osm.json' } },
    layers: [
      { id: 'background', type: 'background', paint: { 'background-color': '#eee' } },
      { id: 'roads', type: 'line', source: 'osm', 'source-layer': 'roads' },
    ],
  };

  it('goes beneath our layers with renamed ids and sources, keeping our glyphs', () => {
    const merged = withBasemap(baseStyle('http://localhost:3000'), external);
    expect(merged.layers.slice(0, 2).map((l) => l.id)).toEqual(['basemap:background', 'basemap:roads']);
    expect((merged.layers[1] as { source: string }).source).toBe('basemap:osm');
    expect(merged.sources['basemap:osm']).toBeDefined();
    expect(merged.sources.districts).toBeDefined();
    expect(merged.glyphs).toBe('http://localhost:3000/glyphs/{fontstack}/{range}.pbf');
    expect(merged.sprite).toBe('https://tiles.example/sprite');
    expect(merged.layers.map((l) => l.id)).toContain('kota-line');
    const fill = merged.layers.find((l) => l.id === 'kota-fill') as { paint: Record<string, unknown> };
    expect(fill.paint['fill-opacity']).toBe(0);
  });
});
