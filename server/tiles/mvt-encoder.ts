import Pbf from 'pbf';

/**
 * Mapbox Vector Tile 2.1 writer for the embedded database, which has no ST_AsMVT. Input
 * geometry is already in tile units (extent 4096, y down), rounded to integers; polygon
 * exterior rings arrive with positive area in tile coordinates (clockwise on screen).
 */
export const EXTENT = 4096;

export type TilePoint = [number, number];

export interface TileFeature {
  id: number;
  /** GeoJSON geometry whose coordinates are tile units. */
  geometry: { type: string; coordinates: unknown };
  properties: Record<string, unknown>;
}

export interface TileLayer {
  name: string;
  features: TileFeature[];
}

const POINT = 1,
  LINESTRING = 2,
  POLYGON = 3;

interface Encoded {
  type: number;
  commands: number[];
}

/** Encodes layers in order; a layer with no drawable features is left out, as ST_AsMVT does. */
export function encodeTile(layers: TileLayer[]): Uint8Array {
  const pbf = new Pbf();
  for (const layer of layers) {
    const features = layer.features.map((f) => ({ f, g: encodeGeometry(f.geometry) })).filter((x) => x.g !== null);
    if (features.length === 0) continue;
    pbf.writeMessage(3, writeLayer, { name: layer.name, features: features as { f: TileFeature; g: Encoded }[] });
  }
  return pbf.finish();
}

interface LayerContext {
  name: string;
  features: { f: TileFeature; g: Encoded }[];
}

function writeLayer(ctx: LayerContext, pbf: Pbf): void {
  const keys = new Map<string, number>();
  const values = new Map<string, number>();
  const valueList: (string | number | boolean)[] = [];
  pbf.writeVarintField(15, 2);
  pbf.writeStringField(1, ctx.name);
  for (const { f, g } of ctx.features) {
    const tags: number[] = [];
    for (const [key, raw] of Object.entries(f.properties)) {
      if (raw === null || raw === undefined) continue;
      // Nested objects and arrays travel as JSON text, as ST_AsMVT writes them.
      const value: string | number | boolean =
        typeof raw === 'string' || typeof raw === 'number' || typeof raw === 'boolean' ? raw : JSON.stringify(raw);
      let k = keys.get(key);
      if (k === undefined) keys.set(key, (k = keys.size));
      const vKey = `${typeof value}:${String(value)}`;
      let v = values.get(vKey);
      if (v === undefined) {
        values.set(vKey, (v = valueList.length));
        valueList.push(value);
      }
      tags.push(k, v);
    }
    pbf.writeMessage(2, writeFeature, { id: f.id, tags, g });
  }
  for (const key of keys.keys()) pbf.writeStringField(3, key);
  for (const value of valueList) pbf.writeMessage(4, writeValue, value);
  pbf.writeVarintField(5, EXTENT);
}

function writeFeature(ctx: { id: number; tags: number[]; g: Encoded }, pbf: Pbf): void {
  pbf.writeVarintField(1, ctx.id);
  pbf.writePackedVarint(2, ctx.tags);
  pbf.writeVarintField(3, ctx.g.type);
  pbf.writePackedVarint(4, ctx.g.commands);
}

function writeValue(value: string | number | boolean, pbf: Pbf): void {
  if (typeof value === 'string') pbf.writeStringField(1, value);
  else if (typeof value === 'boolean') pbf.writeBooleanField(7, value);
  else if (typeof value === 'number') {
    if (!Number.isInteger(value) || !Number.isSafeInteger(value)) pbf.writeDoubleField(3, value);
    else if (value < 0) pbf.writeSVarintField(6, value);
    else pbf.writeVarintField(5, value);
  }
}

const command = (id: number, count: number) => (id & 0x7) | (count << 3);
const zigzag = (n: number) => (n << 1) ^ (n >> 31);

/** Geometry commands with repeated points removed; null when nothing drawable is left. */
export function encodeGeometry(geometry: { type: string; coordinates: unknown }): Encoded | null {
  const cursor: TilePoint = [0, 0];
  const out: number[] = [];
  const moveLine = (line: TilePoint[], close: boolean) => {
    out.push(command(1, 1), zigzag(line[0]![0] - cursor[0]), zigzag(line[0]![1] - cursor[1]));
    cursor[0] = line[0]![0];
    cursor[1] = line[0]![1];
    const rest = close ? line.slice(1, -1) : line.slice(1);
    out.push(command(2, rest.length));
    for (const [x, y] of rest) {
      out.push(zigzag(x - cursor[0]), zigzag(y - cursor[1]));
      cursor[0] = x;
      cursor[1] = y;
    }
    if (close) out.push(command(7, 1));
  };
  switch (geometry.type) {
    case 'Point':
    case 'MultiPoint': {
      const points =
        geometry.type === 'Point' ? [geometry.coordinates as TilePoint] : (geometry.coordinates as TilePoint[]);
      if (points.length === 0) return null;
      out.push(command(1, points.length));
      for (const [x, y] of points) {
        out.push(zigzag(x - cursor[0]), zigzag(y - cursor[1]));
        cursor[0] = x;
        cursor[1] = y;
      }
      return { type: POINT, commands: out };
    }
    case 'LineString':
    case 'MultiLineString': {
      const lines = (
        geometry.type === 'LineString' ? [geometry.coordinates as TilePoint[]] : (geometry.coordinates as TilePoint[][])
      )
        .map(dedupe)
        .filter((l) => l.length >= 2);
      for (const l of lines) moveLine(l, false);
      return lines.length ? { type: LINESTRING, commands: out } : null;
    }
    case 'Polygon':
    case 'MultiPolygon': {
      const polygons =
        geometry.type === 'Polygon'
          ? [geometry.coordinates as TilePoint[][]]
          : (geometry.coordinates as TilePoint[][][]);
      let rings = 0;
      for (const polygon of polygons) {
        const kept = polygon.map(dedupe).filter((r) => r.length >= 4 && ringArea(r) !== 0);
        // A polygon whose exterior collapsed is dropped with its holes.
        if (kept.length === 0 || polygon[0] === undefined || dedupe(polygon[0]).length < 4) continue;
        for (const r of kept) moveLine(r, true);
        rings += kept.length;
      }
      return rings ? { type: POLYGON, commands: out } : null;
    }
    default:
      return null;
  }
}

function dedupe(line: TilePoint[]): TilePoint[] {
  return line.filter((p, i) => i === 0 || p[0] !== line[i - 1]![0] || p[1] !== line[i - 1]![1]);
}

/** Surveyor's formula in tile coordinates; positive = exterior ring in MVT. */
export function ringArea(ring: TilePoint[]): number {
  let sum = 0;
  for (let i = 0; i < ring.length - 1; i++) sum += ring[i]![0] * ring[i + 1]![1] - ring[i + 1]![0] * ring[i]![1];
  return sum / 2;
}
