/**
 * The coordinate runs of a multi geometry's WKB: each point list (a point, a line, a ring) as
 * where its x, y doubles start in the buffer and how many points it has, grouped by member
 * (polygons group their rings). Binary formats copy the runs as they are, without building
 * arrays; `stride` is the bytes per point (16 for x, y; more when Z or M values follow).
 */
export interface WkbRuns {
  /** 4 MultiPoint, 5 MultiLineString, 6 MultiPolygon. */
  type: 4 | 5 | 6;
  little: boolean;
  stride: number;
  /** Per member, its runs: [byte offset of the first x, point count]. */
  members: [number, number][][];
}

/** Reads the WKB PostGIS writes for ST_AsBinary(ST_Multi(g), 'NDR') (ISO codes for Z and M). */
export function wkbRuns(bytes: Uint8Array): WkbRuns {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 0;
  const header = () => {
    const little = view.getUint8(at) === 1;
    const code = view.getUint32(at + 1, little);
    at += 5;
    const flavour = Math.floor(code / 1000);
    return { type: code % 1000, little, stride: 8 * (flavour === 0 ? 2 : flavour === 3 ? 4 : 3) };
  };
  const count = (little: boolean) => {
    const n = view.getUint32(at, little);
    at += 4;
    return n;
  };
  const outer = header();
  if (outer.type !== 4 && outer.type !== 5 && outer.type !== 6)
    throw new Error(`WKB type ${outer.type} is not a multi geometry`);
  let stride = 16;
  const members = Array.from({ length: count(outer.little) }, () => {
    const h = header();
    stride = h.stride;
    if (h.type === 1) {
      const run: [number, number] = [at, 1];
      at += h.stride;
      return [run];
    }
    const run = (): [number, number] => {
      const n = count(h.little);
      const r: [number, number] = [at, n];
      at += n * h.stride;
      return r;
    };
    if (h.type === 2) return [run()];
    if (h.type === 3) return Array.from({ length: count(h.little) }, run);
    throw new Error(`WKB member type ${h.type} in a multi geometry`);
  });
  return { type: outer.type, little: outer.little, stride, members };
}
