import type { FieldDef, LayerRecord } from '../catalog/layer-types.js';
import { MAX_ZOOM } from './tile-coords.js';
import { versionToken } from './tiles-service.js';

const FIELD_TYPES: Record<FieldDef['type'], string> = {
  string: 'String',
  integer: 'Number',
  number: 'Number',
  boolean: 'Boolean',
  date: 'String',
};
/** Kota Tangerang, for a composite whose layers are all empty. */
const CITY_BOUNDS: [number, number, number, number] = [106.551454, -6.256101, 106.748623, -6.097069];

/**
 * TileJSON 3.0.0 for a composite of layers; tile URLs carry the current data versions, or for
 * one layer at a kept version or its draft, that `version` (never cached, so no token).
 */
export function tileJson(layers: LayerRecord[], base: string, version?: string): Record<string, unknown> {
  const list = layers.map((l) => l.slug).join(',');
  const boxes = layers.map((l) => l.bbox).filter((b): b is [number, number, number, number] => b !== null);
  const bounds: [number, number, number, number] =
    boxes.length === 0
      ? CITY_BOUNDS
      : [
          Math.min(...boxes.map((b) => b[0])),
          Math.min(...boxes.map((b) => b[1])),
          Math.max(...boxes.map((b) => b[2])),
          Math.max(...boxes.map((b) => b[3])),
        ];
  const minzoom = Math.min(...layers.map((l) => l.minZoom));
  const maxzoom = Math.min(MAX_ZOOM, Math.max(...layers.map((l) => l.maxZoom)));
  const producers = [...new Set(layers.map((l) => l.agencyName))];
  return {
    tilejson: '3.0.0',
    name: layers.map((l) => l.title).join(' + '),
    description:
      layers.length === 1 ? layers[0]?.description : `Gabungan ${layers.length} lapisan Satu Peta Kota Tangerang`,
    version: '1.0.0',
    attribution: `${producers.join(', ')} · Satu Data Satu Peta Kota Tangerang${layers.some((l) => l.isSample) ? ' · data sampel' : ''}`,
    scheme: 'xyz',
    tiles: [`${base}/tiles/${list}/{z}/{x}/{y}.mvt?${version ? `version=${version}` : `v=${versionToken(layers)}`}`],
    minzoom,
    maxzoom,
    bounds,
    center: [(bounds[0] + bounds[2]) / 2, (bounds[1] + bounds[3]) / 2, Math.max(minzoom, 12)],
    vector_layers: layers.map((l) => ({
      id: l.slug,
      description: l.title,
      minzoom: l.minZoom,
      maxzoom: Math.min(MAX_ZOOM, l.maxZoom),
      fields: Object.fromEntries(
        l.fields.filter((f) => l.tileFields?.includes(f.name) ?? true).map((f) => [f.name, FIELD_TYPES[f.type]]),
      ),
    })),
  };
}
