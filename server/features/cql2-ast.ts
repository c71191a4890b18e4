/**
 * The CQL2 syntax tree (OGC 21-065) that both encodings (text and JSON) parse into and the SQL
 * translator reads. Geometry literals are lon/lat CRS84, as GeoJSON.
 */
export type TemporalLiteral = { date: string } | { timestamp: string };
export type Literal = string | number | boolean | TemporalLiteral;

export type GeometryLiteral =
  | {
      type: 'Point' | 'LineString' | 'Polygon' | 'MultiPoint' | 'MultiLineString' | 'MultiPolygon';
      coordinates: unknown;
    }
  | { type: 'GeometryCollection'; geometries: GeometryLiteral[] }
  | { type: 'BBox'; bbox: [number, number, number, number] };

export const COMPARISONS = ['=', '<>', '<', '<=', '>', '>='] as const;
export type Comparison = (typeof COMPARISONS)[number];

/** Spatial functions of CQL2 "spatial-functions", each mapped to its PostGIS twin. */
export const SPATIAL_FUNCTIONS = {
  s_intersects: 'ST_Intersects',
  s_disjoint: 'ST_Disjoint',
  s_within: 'ST_Within',
  s_contains: 'ST_Contains',
  s_equals: 'ST_Equals',
  s_touches: 'ST_Touches',
  s_overlaps: 'ST_Overlaps',
  s_crosses: 'ST_Crosses',
} as const;
export type SpatialOp = keyof typeof SPATIAL_FUNCTIONS;

/** One side of a spatial predicate: the feature geometry (a property name) or a literal. */
export type SpatialArg = { property: string } | { geometry: GeometryLiteral };

export type Expr =
  | { kind: 'and' | 'or'; args: Expr[] }
  | { kind: 'not'; arg: Expr }
  | { kind: 'bool'; value: boolean }
  | { kind: 'compare'; op: Comparison; property: string; value: Literal }
  | { kind: 'like'; property: string; pattern: string; negate: boolean }
  | { kind: 'in'; property: string; values: Literal[]; negate: boolean }
  | { kind: 'between'; property: string; low: number; high: number; negate: boolean }
  | { kind: 'isNull'; property: string; negate: boolean }
  | { kind: 'spatial'; op: SpatialOp; args: [SpatialArg, SpatialArg] }
  /** Feature ids (WFS/FES ResourceId); no CQL2 text form. */
  | { kind: 'ids'; ids: number[] }
  /** The feature id compared with a number (GeoServices `OBJECTID > 100`); no CQL2 text form. */
  | { kind: 'fid'; op: Comparison; value: number }
  /**
   * The feature's bounding box intersects this lon/lat box (GeoServices
   * esriSpatialRelEnvelopeIntersects: envelope against envelope, no exact test); no CQL2 text form.
   */
  | { kind: 'envelopeIntersects'; bbox: [number, number, number, number] };

export class CqlError extends Error {
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(`${message} (at character ${position + 1})`);
  }
}

/** `a > b` read from the other side: `b < a`. */
export function flipComparison(op: Comparison): Comparison {
  return ({ '=': '=', '<>': '<>', '<': '>', '<=': '>=', '>': '<', '>=': '<=' } as const)[op];
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/i;

/** A real calendar date: 2024-02-30 is refused, not rolled over. */
export function isCalendarDate(text: string): boolean {
  if (!DATE.test(text)) return false;
  const d = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === text;
}

export function isTimestamp(text: string): boolean {
  return TIMESTAMP.test(text) && isCalendarDate(text.slice(0, 10)) && !Number.isNaN(Date.parse(text));
}

/** The UTC calendar day of a temporal literal, the unit our date properties compare in. */
export function utcDay(t: TemporalLiteral): string {
  return 'date' in t ? t.date : new Date(t.timestamp).toISOString().slice(0, 10);
}

/** Checks a geometry literal's shape so the database never sees an unreadable one. */
export function checkGeometry(g: GeometryLiteral, position: number): GeometryLiteral {
  const fail = (why: string): never => {
    throw new CqlError(`${g.type}: ${why}`, position);
  };
  const pos = (p: unknown) => {
    if (
      !Array.isArray(p) ||
      p.length < 2 ||
      p.length > 3 ||
      !p.every((n) => typeof n === 'number' && Number.isFinite(n))
    )
      fail('a position is two or three numbers');
    const [lon, lat] = p as number[];
    inRange(lon ?? 0, lat ?? 0);
  };
  // Filters are in CRS84 (the only filter-crs offered): longitude then latitude.
  const inRange = (lon: number, lat: number) => {
    if (Math.abs(lon) > 180 || Math.abs(lat) > 90)
      fail(`[${lon}, ${lat}] is outside longitude -180…180 / latitude -90…90 (CRS84)`);
  };
  const line = (l: unknown, min: number) => {
    if (!Array.isArray(l) || l.length < min) fail(`needs at least ${min} positions`);
    (l as unknown[]).forEach(pos);
  };
  const ring = (r: unknown) => {
    line(r, 4);
    const a = JSON.stringify((r as unknown[])[0]);
    const b = JSON.stringify((r as unknown[])[(r as unknown[]).length - 1]);
    if (a !== b) fail('a ring must end where it starts');
  };
  const list = (l: unknown, each: (x: unknown) => void) => {
    if (!Array.isArray(l) || l.length === 0) fail('needs at least one member');
    (l as unknown[]).forEach(each);
  };
  switch (g.type) {
    case 'BBox':
      if (!g.bbox.every((n) => Number.isFinite(n))) fail('four finite numbers');
      inRange(g.bbox[0], g.bbox[1]);
      inRange(g.bbox[2], g.bbox[3]);
      if (g.bbox[0] > g.bbox[2] || g.bbox[1] > g.bbox[3]) fail('minimum exceeds maximum');
      break;
    case 'Point':
      pos(g.coordinates);
      break;
    case 'LineString':
      line(g.coordinates, 2);
      break;
    case 'Polygon':
      list(g.coordinates, ring);
      break;
    case 'MultiPoint':
      list(g.coordinates, pos);
      break;
    case 'MultiLineString':
      list(g.coordinates, (l) => line(l, 2));
      break;
    case 'MultiPolygon':
      list(g.coordinates, (p) => list(p, ring));
      break;
    case 'GeometryCollection':
      g.geometries.forEach((m) => checkGeometry(m, position));
      break;
  }
  return g;
}

/** The lon/lat envelope of a geometry literal; null for one without positions. */
export function geometryEnvelope(g: GeometryLiteral): [number, number, number, number] | null {
  if (g.type === 'BBox') return g.bbox;
  const xs: number[] = [];
  const ys: number[] = [];
  const walk = (c: unknown): void => {
    if (Array.isArray(c) && typeof c[0] === 'number') {
      xs.push(c[0]);
      ys.push(c[1] as number);
    } else if (Array.isArray(c)) c.forEach(walk);
  };
  if (g.type === 'GeometryCollection') g.geometries.forEach((m) => walk('coordinates' in m ? m.coordinates : null));
  else walk(g.coordinates);
  return xs.length ? [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)] : null;
}
