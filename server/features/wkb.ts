/** Coordinates of a multi geometry, nested as GeoJSON nests them: points, lines (point lists) or polygons (ring lists). */
export type Rings = number[][] | number[][][] | number[][][][];

/**
 * Reads the WKB PostGIS writes for ST_AsBinary(ST_Multi(g), 'NDR'): a MultiPoint, MultiLineString
 * or MultiPolygon (ISO codes, Z or M values skipped), as nested coordinate arrays (x, y).
 */
export function readWkb(bytes: Uint8Array): Rings {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 0;
  const header = (): { type: number; dims: number; little: boolean } => {
    const little = view.getUint8(at) === 1;
    const code = view.getUint32(at + 1, little);
    at += 5;
    const base = code % 1000;
    const flavour = Math.floor(code / 1000);
    return { type: base, dims: flavour === 0 ? 2 : flavour === 3 ? 4 : 3, little };
  };
  const point = (dims: number, little: boolean): number[] => {
    const p = [view.getFloat64(at, little), view.getFloat64(at + 8, little)];
    at += 8 * dims;
    return p;
  };
  const points = (dims: number, little: boolean): number[][] => {
    const n = view.getUint32(at, little);
    at += 4;
    return Array.from({ length: n }, () => point(dims, little));
  };
  const rings = (dims: number, little: boolean): number[][][] => {
    const n = view.getUint32(at, little);
    at += 4;
    return Array.from({ length: n }, () => points(dims, little));
  };
  const outer = header();
  const count = view.getUint32(at, outer.little);
  at += 4;
  const members = Array.from({ length: count }, () => {
    const h = header();
    if (h.type === 1) return point(h.dims, h.little);
    if (h.type === 2) return points(h.dims, h.little);
    if (h.type === 3) return rings(h.dims, h.little);
    throw new Error(`WKB member type ${h.type} in a multi geometry`);
  });
  if (outer.type === 4) return members as number[][];
  if (outer.type === 5) return members as number[][][];
  if (outer.type === 6) return members as number[][][][];
  throw new Error(`WKB type ${outer.type} is not a multi geometry`);
}
