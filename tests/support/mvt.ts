import { VectorTile } from '@mapbox/vector-tile';
import Pbf from 'pbf';

export interface DecodedFeature {
  id: number | undefined;
  type: number;
  properties: Record<string, unknown>;
  rings: [number, number][][];
}
export type DecodedTile = Map<string, DecodedFeature[]>;

/** Decodes an MVT into layers (in wire order) and plain features with tile-unit geometry. */
export function decodeTile(bytes: Uint8Array): DecodedTile {
  const tile = new VectorTile(new Pbf(bytes));
  const out: DecodedTile = new Map();
  for (const [name, layer] of Object.entries(tile.layers)) {
    const features: DecodedFeature[] = [];
    for (let i = 0; i < layer.length; i++) {
      const f = layer.feature(i);
      features.push({
        id: f.id,
        type: f.type,
        properties: { ...f.properties },
        rings: f.loadGeometry().map((ring) => ring.map((p): [number, number] => [p.x, p.y])),
      });
    }
    out.set(name, features);
  }
  return out;
}

/** XYZ tile of a lon/lat at zoom z. */
export function tileOf(lon: number, lat: number, z: number): { z: number; x: number; y: number } {
  const n = 2 ** z;
  const r = (lat * Math.PI) / 180;
  return {
    z,
    x: Math.floor(((lon + 180) / 360) * n),
    y: Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * n),
  };
}
