import type { FieldDef } from '../catalog/layer-types.js';
import {
  checkGeometry,
  CqlError,
  isCalendarDate,
  type Comparison,
  type Expr,
  type GeometryLiteral,
  type Literal,
  type SpatialOp,
} from './cql2-ast.js';
import { badRequest } from '../http/app-error.js';
import { isJsonNumber } from '../http/coordinates.js';
import { parseXml, type XmlElement } from '../http/xml.js';
import { inPosition, parseCrs, type WfsCrs } from './crs-names.js';

/**
 * What a filter is read against: a layer's features (WFS) or catalogue records (CSW). Property
 * names reach the tree only through `property`, literals are typed by `typeOf`, and spatial
 * operators always test `geometry`, the tree's geometry property.
 */
export interface FilterTarget {
  /** The property a ValueReference/PropertyName names (prefix and path as the client wrote them), or null. */
  property(ref: string): string | null;
  typeOf(property: string): FieldDef['type'] | undefined;
  /** Whether a reference names the geometry. */
  isGeometry(ref: string): boolean;
  /** Where a client finds the names, for messages ("see DescribeFeatureType"). */
  help: string;
  /** The CRS of a geometry without srsName (WFS 2.0: EPSG:4326 by URN, latitude first). */
  defaultCrs?: string;
  /** ResourceId / FeatureId / GmlObjectId values as a tree; without it those are refused. */
  ids?(values: string[]): Expr;
}

/** The geometry property name spatial predicates in the tree refer to. */
export const FILTER_GEOMETRY = 'geometry';

const COMPARE: Record<string, Comparison> = {
  PropertyIsEqualTo: '=',
  PropertyIsNotEqualTo: '<>',
  PropertyIsLessThan: '<',
  PropertyIsLessThanOrEqualTo: '<=',
  PropertyIsGreaterThan: '>',
  PropertyIsGreaterThanOrEqualTo: '>=',
};
const SPATIAL: Record<string, SpatialOp> = {
  Intersects: 's_intersects',
  Disjoint: 's_disjoint',
  Within: 's_within',
  Contains: 's_contains',
  Equals: 's_equals',
  Touches: 's_touches',
  Overlaps: 's_overlaps',
  Crosses: 's_crosses',
};
/** The operators capabilities announce: exactly what this reader turns into SQL. */
export const FES_COMPARISONS = [
  ...Object.keys(COMPARE),
  'PropertyIsLike',
  'PropertyIsNull',
  'PropertyIsNil',
  'PropertyIsBetween',
];
export const FES_SPATIAL = ['BBOX', ...Object.keys(SPATIAL)];

const fail = (message: string): Error => badRequest('invalid_filter', `FILTER: ${message}`, { parameter: 'FILTER' });
export const filterFail = fail;

/**
 * An OGC Filter Encoding 2.0 document (fes:Filter; the 1.1 names PropertyName, FeatureId and
 * GmlObjectId too) as the CQL2 tree. Names are the target's (a layer's element names, a
 * catalogue's queryables); literals are typed by their property, as query parameters are;
 * geometries are read in their srsName (default: EPSG:4326 latitude first) and turned to lon/lat.
 */
export function parseFesFilter(filter: string | XmlElement, target: FilterTarget): Expr {
  const root = typeof filter === 'string' ? parseXml(filter) : filter;
  if (!root) throw fail('not well-formed XML (or nested deeper than 64 elements).');
  if (root.name !== 'Filter') throw fail(`the root element must be Filter, not ${root.name}.`);
  const ids = root.children.filter((c) => ['ResourceId', 'FeatureId', 'GmlObjectId'].includes(c.name));
  if (ids.length > 0) {
    if (ids.length !== root.children.length) throw fail('ResourceId cannot be mixed with other operators.');
    if (!target.ids) throw fail('ResourceId is not supported here.');
    return target.ids(ids.map((c) => c.attrs.rid ?? c.attrs.fid ?? c.attrs.id ?? ''));
  }
  if (root.children.length !== 1) throw fail('a Filter holds exactly one operator.');
  return new FesReader(target).expr(root.children[0] as XmlElement);
}

class FesReader {
  constructor(private readonly target: FilterTarget) {}

  expr(e: XmlElement): Expr {
    const n = e.name;
    if (n === 'And' || n === 'Or') {
      if (e.children.length < 1) throw fail(`${n} needs operators inside.`);
      const args = e.children.map((c) => this.expr(c));
      return args.length === 1 ? (args[0] as Expr) : { kind: n === 'And' ? 'and' : 'or', args };
    }
    if (n === 'Not') {
      if (e.children.length !== 1) throw fail('Not holds exactly one operator.');
      return { kind: 'not', arg: this.expr(e.children[0] as XmlElement) };
    }
    const op = COMPARE[n];
    if (op) return this.compare(e, op);
    if (n === 'PropertyIsLike') return this.like(e);
    if (n === 'PropertyIsNull' || n === 'PropertyIsNil')
      return { kind: 'isNull', property: this.property(e), negate: false };
    if (n === 'PropertyIsBetween') return this.between(e);
    if (n === 'BBOX') return this.bbox(e);
    const sop = SPATIAL[n];
    if (sop) return this.spatial(e, sop);
    throw fail(
      `operator ${n} is not supported. Supported: And, Or, Not, ${[...FES_COMPARISONS, ...FES_SPATIAL].join(', ')}, ResourceId.`,
    );
  }

  private valueRef(e: XmlElement): XmlElement | undefined {
    return e.children.find((c) => c.name === 'ValueReference' || c.name === 'PropertyName');
  }

  private property(e: XmlElement): string {
    const ref = this.valueRef(e);
    if (!ref) throw fail(`${e.name} needs a ValueReference.`);
    const prop = this.target.property(ref.text);
    if (prop === null) {
      throw fail(
        `"${ref.text}" is not a property here (${this.target.help})${this.target.isGeometry(ref.text) ? '; the geometry works only in spatial operators' : ''}.`,
      );
    }
    return prop;
  }

  private literal(e: XmlElement | undefined, property: string, where: string): Literal {
    if (!e || e.name !== 'Literal') throw fail(`${where} needs a Literal.`);
    if (e.children.length > 0) throw fail(`${where}: a Literal of ${property} holds text, not elements.`);
    const text = e.text;
    switch (this.target.typeOf(property)) {
      case 'integer':
      case 'number':
        if (!isJsonNumber(text) || !Number.isFinite(Number(text)))
          throw fail(`${property} is a number property: "${text}" is not a number it can hold.`);
        return Number(text) + 0;
      case 'boolean':
        if (!['true', 'false', '1', '0'].includes(text)) throw fail(`${property} is a true/false property.`);
        return text === 'true' || text === '1';
      case 'date': {
        const day = text.slice(0, 10);
        if (!isCalendarDate(day)) throw fail(`${property} is a date property: give YYYY-MM-DD, not "${text}".`);
        return { date: day };
      }
      default:
        return text;
    }
  }

  private compare(e: XmlElement, op: Comparison): Expr {
    if (e.attrs.matchCase === 'false')
      throw fail(`${e.name} with matchCase="false" is not supported; compare with the exact case.`);
    const property = this.property(e);
    const lit = e.children.find((c) => c !== this.valueRef(e));
    return { kind: 'compare', op, property, value: this.literal(lit, property, e.name) };
  }

  private like(e: XmlElement): Expr {
    if (e.attrs.matchCase === 'false') throw fail('PropertyIsLike with matchCase="false" is not supported.');
    const property = this.property(e);
    const lit = e.children.find((c) => c.name === 'Literal');
    if (!lit) throw fail('PropertyIsLike needs a Literal.');
    const wild = e.attrs.wildCard ?? '*';
    const single = e.attrs.singleChar ?? '.';
    const escape = e.attrs.escapeChar ?? e.attrs.escape ?? '\\';
    if ([wild, single, escape].some((c) => [...c].length !== 1))
      throw fail('wildCard, singleChar and escapeChar must be one character each.');
    let pattern = '';
    const chars = [...lit.text];
    for (let i = 0; i < chars.length; i += 1) {
      const ch = chars[i] as string;
      if (ch === escape && i + 1 < chars.length) {
        pattern += sqlLiteralChar(chars[(i += 1)] as string);
      } else if (ch === wild) pattern += '%';
      else if (ch === single) pattern += '_';
      else pattern += sqlLiteralChar(ch);
    }
    return { kind: 'like', property, pattern, negate: false };
  }

  private between(e: XmlElement): Expr {
    const property = this.property(e);
    const bound = (name: string): number => {
      const b = e.children.find((c) => c.name === name);
      const v = this.literal(b?.children[0], property, name);
      if (typeof v !== 'number') throw fail(`PropertyIsBetween needs a numeric property; ${property} is not.`);
      return v;
    };
    return { kind: 'between', property, low: bound('LowerBoundary'), high: bound('UpperBoundary'), negate: false };
  }

  private bbox(e: XmlElement): Expr {
    const env = e.children.find((c) => c !== this.valueRef(e));
    if (!env || env.name !== 'Envelope') throw fail('BBOX needs a gml:Envelope.');
    return {
      kind: 'spatial',
      op: 's_intersects',
      args: [{ property: FILTER_GEOMETRY }, { geometry: this.geometry(env) }],
    };
  }

  private spatial(e: XmlElement, op: SpatialOp): Expr {
    const g = e.children.find((c) => c !== this.valueRef(e));
    if (!g) throw fail(`${e.name} needs a GML geometry.`);
    return { kind: 'spatial', op, args: [{ property: FILTER_GEOMETRY }, { geometry: this.geometry(g) }] };
  }

  private geometry(g: XmlElement, inherited?: WfsCrs): GeometryLiteral {
    const crs = g.attrs.srsName ? crsOf(g.attrs.srsName) : (inherited ?? crsOf(this.target.defaultCrs));
    const literal = gmlToGeoJson(g, crs);
    try {
      return checkGeometry(literal, 0);
    } catch (err) {
      if (err instanceof CqlError) throw fail(`${g.name}: ${err.message.replace(/ \(at character \d+\)$/, '')}.`);
      throw err;
    }
  }
}

function crsOf(name: string | undefined): WfsCrs {
  try {
    return parseCrs(name, 'srsName');
  } catch {
    throw fail(`srsName "${name ?? ''}" is not offered: use urn:ogc:def:crs:EPSG::4326, EPSG:4326 or EPSG:3857.`);
  }
}

/** A character of a LIKE pattern that stands for itself. */
function sqlLiteralChar(ch: string): string {
  return ch === '%' || ch === '_' || ch === '\\' ? `\\${ch}` : ch;
}

/** GML 3.2 (and the GML 2 coordinates form) geometries and envelopes as lon/lat GeoJSON. */
function gmlToGeoJson(g: XmlElement, crs: WfsCrs): GeometryLiteral {
  const child = (name: string) => g.children.find((c) => c.name === name);
  const members = (memberNames: string[]) =>
    g.children
      .filter((c) => memberNames.includes(c.name))
      .flatMap((m) => m.children)
      .map((m) => gmlToGeoJson(m, m.attrs.srsName ? crsOf(m.attrs.srsName) : crs));
  switch (g.name) {
    case 'Envelope': {
      const lower = positions(child('lowerCorner'), crs);
      const upper = positions(child('upperCorner'), crs);
      const [a, b] = [lower[0], upper[0]];
      if (lower.length !== 1 || upper.length !== 1 || !a || !b)
        throw fail('an Envelope needs one position in lowerCorner and in upperCorner.');
      return { type: 'BBox', bbox: [a[0], a[1], b[0], b[1]] as [number, number, number, number] };
    }
    case 'Point': {
      const p = positions(child('pos') ?? child('coordinates'), crs);
      if (p.length !== 1) throw fail('a Point needs one position.');
      return { type: 'Point', coordinates: p[0] };
    }
    case 'LineString':
      return { type: 'LineString', coordinates: positions(child('posList') ?? child('coordinates'), crs) };
    case 'LinearRing':
      return { type: 'LineString', coordinates: positions(child('posList') ?? child('coordinates'), crs) };
    case 'Polygon': {
      const rings = g.children
        .filter((c) => ['exterior', 'interior', 'outerBoundaryIs', 'innerBoundaryIs'].includes(c.name))
        .map((r) => {
          const ring = r.children[0];
          if (!ring || ring.name !== 'LinearRing') throw fail('a Polygon ring must be a LinearRing.');
          return gmlToGeoJson(ring, crs) as { coordinates: unknown };
        })
        .map((r) => r.coordinates);
      return { type: 'Polygon', coordinates: rings };
    }
    case 'MultiPoint':
      return { type: 'MultiPoint', coordinates: coords(members(['pointMember', 'pointMembers'])) };
    case 'MultiCurve':
    case 'MultiLineString':
      return { type: 'MultiLineString', coordinates: coords(members(['curveMember', 'lineStringMember'])) };
    case 'MultiSurface':
    case 'MultiPolygon':
      return { type: 'MultiPolygon', coordinates: coords(members(['surfaceMember', 'polygonMember'])) };
    default:
      throw fail(`geometry ${g.name} is not supported: use Envelope, Point, LineString, Polygon or their Multi forms.`);
  }
}

function coords(parts: GeometryLiteral[]): unknown[] {
  return parts.map((p) => ('coordinates' in p ? p.coordinates : null));
}

/** Positions from pos, posList (2D) or GML 2 coordinates ("x,y x,y"), as lon/lat. */
function positions(e: XmlElement | undefined, crs: WfsCrs): [number, number][] {
  if (!e) throw fail('a geometry is missing its coordinates.');
  const numbers =
    e.name === 'coordinates'
      ? e.text
          .trim()
          .split(/\s+/)
          .flatMap((t) => t.split(','))
      : e.text.trim().split(/\s+/);
  if (e.attrs.srsDimension && e.attrs.srsDimension !== '2') throw fail('only 2D coordinates are supported.');
  if (numbers.length % 2 !== 0 || numbers.some((t) => !isJsonNumber(t.replace(/^\+/, ''))))
    throw fail(`"${e.text.slice(0, 60)}" is not a list of coordinate pairs.`);
  const out: [number, number][] = [];
  for (let i = 0; i < numbers.length; i += 2) out.push(inPosition(crs, Number(numbers[i]), Number(numbers[i + 1])));
  return out;
}
