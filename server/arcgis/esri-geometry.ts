import { checkGeometry, CqlError, geometryEnvelope, type Expr, type GeometryLiteral } from '../features/cql2-ast.js';
import { AppError, badRequest } from '../http/app-error.js';
import { parseSpatialReference, toLonLat, type Srid } from './spatial-reference.js';

/**
 * The spatial filter of a query: `geometry` (an envelope `xmin,ymin,xmax,ymax`, a point `x,y`, or
 * Esri JSON envelope/point/multipoint/polyline/polygon) in `inSR` (or its own spatialReference),
 * tested against each feature by `spatialRel`. The geometry becomes a lon/lat GeoJSON literal of
 * the CQL2 tree, so the one feature query compiles it with bound values.
 */
export interface SpatialInput {
  geometry?: string | undefined;
  geometryType?: string | undefined;
  inSR?: string | undefined;
  spatialRel?: string | undefined;
}

type Pos = [number, number];
type Kind = 'Envelope' | 'Point' | 'Multipoint' | 'Polyline' | 'Polygon';
const KINDS: Kind[] = ['Envelope', 'Point', 'Multipoint', 'Polyline', 'Polygon'];

const fail = (message: string, parameter = 'geometry'): AppError =>
  badRequest('invalid_parameter', `${parameter}: ${message}`, { parameter });

function kindOf(geometryType: string | undefined): Kind | null {
  if (geometryType === undefined || geometryType === '') return null;
  const kind = KINDS.find((k) => `esrigeometry${k.toLowerCase()}` === geometryType.toLowerCase());
  if (!kind)
    throw fail(
      `"${geometryType.slice(0, 60)}" is not a geometry type: use esriGeometryEnvelope, esriGeometryPoint, esriGeometryMultipoint, esriGeometryPolyline or esriGeometryPolygon.`,
      'geometryType',
    );
  return kind;
}

/** The spatial filter as a tree node, or null without a geometry. */
export function spatialFilter(input: SpatialInput, defaultSr: Srid): Expr | null {
  const text = input.geometry?.trim() ?? '';
  if (text === '') return null;
  const declared = kindOf(input.geometryType);
  const inSr = parseSpatialReference(input.inSR, 'inSR', defaultSr);
  const literal = text.startsWith('{') ? fromJson(text, declared, inSr) : fromList(text, declared, inSr);
  try {
    checkGeometry(literal, 0);
  } catch (err) {
    if (err instanceof CqlError) throw fail(`${err.message.replace(/ \(at character \d+\)$/, '')}.`);
    throw err;
  }
  return relate(literal, input.spatialRel);
}

function relate(literal: GeometryLiteral, spatialRel: string | undefined): Expr {
  const rel =
    (spatialRel ?? '')
      .trim()
      .replace(/^esriSpatialRel/i, '')
      .toLowerCase() || 'intersects';
  const feature = { property: 'geometry' };
  const query = { geometry: literal };
  switch (rel) {
    case 'intersects':
      return { kind: 'spatial', op: 's_intersects', args: [feature, query] };
    // "Returns a feature if its shape is wholly contained within the search geometry."
    case 'contains':
      return { kind: 'spatial', op: 's_contains', args: [query, feature] };
    // "Returns a feature if its shape wholly contains the search geometry."
    case 'within':
      return { kind: 'spatial', op: 's_within', args: [query, feature] };
    case 'crosses':
      return { kind: 'spatial', op: 's_crosses', args: [feature, query] };
    case 'touches':
      return { kind: 'spatial', op: 's_touches', args: [feature, query] };
    case 'overlaps':
      return { kind: 'spatial', op: 's_overlaps', args: [feature, query] };
    case 'envelopeintersects':
    case 'indexintersects':
      // A checked literal always has positions.
      return { kind: 'envelopeIntersects', bbox: geometryEnvelope(literal) ?? [0, 0, 0, 0] };
    case 'relation':
      throw new AppError(400, 'parameter_not_supported', 'spatialRel esriSpatialRelRelation is not supported.', {
        parameter: 'spatialRel',
      });
    default:
      throw fail(
        `"${(spatialRel ?? '').slice(0, 60)}" is not a spatial relation: use esriSpatialRelIntersects, esriSpatialRelContains, esriSpatialRelWithin, esriSpatialRelEnvelopeIntersects, esriSpatialRelCrosses, esriSpatialRelTouches or esriSpatialRelOverlaps.`,
        'spatialRel',
      );
  }
}

const clamp = (v: number, limit: number) => Math.max(-limit, Math.min(limit, v));

/** An envelope as a lon/lat box: a box past the world's edge is held at it (Web Mercator maps zoomed far out). */
function box(xmin: number, ymin: number, xmax: number, ymax: number, sr: Srid): GeometryLiteral {
  if (![xmin, ymin, xmax, ymax].every(Number.isFinite)) throw fail('an envelope is four finite numbers.');
  if (xmin > xmax || ymin > ymax) throw fail('the envelope minimum exceeds its maximum.');
  const [x0, y0] = sr === 3857 ? toLonLat(xmin, ymin) : [xmin, ymin];
  const [x1, y1] = sr === 3857 ? toLonLat(xmax, ymax) : [xmax, ymax];
  return { type: 'BBox', bbox: [clamp(x0, 180), clamp(y0, 90), clamp(x1, 180), clamp(y1, 90)] };
}

/** `xmin,ymin,xmax,ymax` or `x,y`. */
function fromList(text: string, declared: Kind | null, sr: Srid): GeometryLiteral {
  const parts = text.split(',').map((s) => s.trim());
  const numbers = parts.map(Number);
  if (parts.some((p) => p === '' || !Number.isFinite(Number(p))))
    throw fail('give an envelope as xmin,ymin,xmax,ymax, a point as x,y, or Esri JSON.');
  if (numbers.length === 4 && (declared === null || declared === 'Envelope'))
    return box(numbers[0] as number, numbers[1] as number, numbers[2] as number, numbers[3] as number, sr);
  if (numbers.length === 2 && (declared === null || declared === 'Point'))
    return { type: 'Point', coordinates: lonLat([numbers[0], numbers[1]], sr) };
  throw fail(`${numbers.length} numbers do not make ${declared ? `an esriGeometry${declared}` : 'a geometry'}.`);
}

/** One Esri position ([x, y], maybe with z and m) as lon/lat. */
function lonLat(p: unknown, sr: Srid): Pos {
  if (!Array.isArray(p) || p.length < 2 || !p.slice(0, 2).every((n) => typeof n === 'number' && Number.isFinite(n)))
    throw fail('a position is [x, y] with two finite numbers.');
  const [x, y] = p as [number, number];
  return sr === 3857 ? toLonLat(x, y) : [x, y];
}

function list(v: unknown, what: string): unknown[] {
  if (!Array.isArray(v) || v.length === 0) throw fail(`${what} must be a non-empty array.`);
  return v;
}

function fromJson(text: string, declared: Kind | null, inSr: Srid): GeometryLiteral {
  let o: Record<string, unknown>;
  try {
    const parsed = JSON.parse(text) as unknown;
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
    o = parsed as Record<string, unknown>;
  } catch {
    throw fail('not valid Esri JSON (an object such as {"xmin":…} or {"rings":[…]}).');
  }
  const sr = parseSpatialReference(o.spatialReference, 'geometry.spatialReference', inSr);
  const found: Kind | null =
    'xmin' in o
      ? 'Envelope'
      : 'rings' in o
        ? 'Polygon'
        : 'paths' in o
          ? 'Polyline'
          : 'points' in o
            ? 'Multipoint'
            : 'x' in o
              ? 'Point'
              : null;
  if (found === null) throw fail('Esri JSON with none of xmin, x, points, paths or rings.');
  if (declared !== null && declared !== found)
    throw fail(`the geometry is an esriGeometry${found} but geometryType says esriGeometry${declared}.`);
  const num = (k: string) => (typeof o[k] === 'number' ? o[k] : Number.NaN);
  switch (found) {
    case 'Envelope':
      return box(num('xmin'), num('ymin'), num('xmax'), num('ymax'), sr);
    case 'Point':
      return { type: 'Point', coordinates: lonLat([num('x'), num('y')], sr) };
    case 'Multipoint':
      return { type: 'MultiPoint', coordinates: list(o.points, 'points').map((p) => lonLat(p, sr)) };
    case 'Polyline':
      return {
        type: 'MultiLineString',
        coordinates: list(o.paths, 'paths').map((path) => list(path, 'a path').map((p) => lonLat(p, sr))),
      };
    case 'Polygon':
      return polygon(list(o.rings, 'rings').map((r) => ring(list(r, 'a ring').map((p) => lonLat(p, sr)))));
  }
}

/** A ring closed if its client left it open. */
function ring(points: Pos[]): Pos[] {
  const [first, last] = [points[0] as Pos, points[points.length - 1] as Pos];
  return first[0] === last[0] && first[1] === last[1] ? points : [...points, first];
}

/** Twice the signed area (lon/lat): negative for clockwise rings. Web Mercator keeps orientation. */
function signedArea(r: Pos[]): number {
  let a = 0;
  for (let i = 0; i + 1 < r.length; i += 1)
    a += (r[i] as Pos)[0] * (r[i + 1] as Pos)[1] - (r[i + 1] as Pos)[0] * (r[i] as Pos)[1];
  return a;
}

function inside(p: Pos, r: Pos[]): boolean {
  let hit = false;
  for (let i = 0, j = r.length - 1; i < r.length; j = i, i += 1) {
    const [xi, yi] = r[i] as Pos;
    const [xj, yj] = r[j] as Pos;
    if (yi > p[1] !== yj > p[1] && p[0] < ((xj - xi) * (p[1] - yi)) / (yj - yi) + xi) hit = !hit;
  }
  return hit;
}

/**
 * Esri rings as GeoJSON polygons: clockwise rings are exteriors and counter-clockwise ones holes
 * of the exterior around them (GeoServices spec). Rings all counter-clockwise (some clients write
 * them so) are all exteriors, as is a hole inside no exterior.
 */
function polygon(rings: Pos[][]): GeometryLiteral {
  const outer = rings.filter((r) => signedArea(r) <= 0);
  const exteriors = outer.length === 0 ? rings : outer;
  const polygons = exteriors.map((r) => [r]);
  for (const hole of rings.filter((r) => !exteriors.includes(r))) {
    const home = polygons.find((p) => inside(hole[0] as Pos, p[0] as Pos[]));
    if (home) home.push(hole);
    else polygons.push([hole]);
  }
  return polygons.length === 1
    ? { type: 'Polygon', coordinates: polygons[0] }
    : { type: 'MultiPolygon', coordinates: polygons };
}
