import GJV from 'geojson-validation';
import type { FieldDef, GeometryType } from '../catalog/layer-types.js';
import { toEwkbHex } from './ewkb.js';
import type { ProblemList } from './problems.js';

type FieldType = FieldDef['type'];
type BBox = [number, number, number, number];

/** What checking one upload needs; `fields` grows as new properties appear. */
export interface CheckContext {
  geometryType: GeometryType;
  /** Property name → type. Types from the layer's schema are fixed; types first seen in this upload may widen integer → number. */
  fields: Map<string, { type: FieldType; fixed: boolean; firstSeen: number | null; seen: boolean }>;
  maxProperties: number;
  maxValueChars: number;
  /** Features must touch this box (the city's extent with a margin) or they are rejected as far outside. */
  area: BBox;
  problems: ProblemList;
  /** Features whose positions had a third or fourth number (Z/M): stored in 2D, reported as a warning. */
  droppedZ: number;
}

/**
 * A checked feature as it is staged: properties as JSON text, geometry as EWKB hex, and a Morton
 * (Z-order) key of its centre within the city's area, so features can be written in spatial order.
 */
export interface CheckedFeature {
  index: number;
  properties: string;
  ewkb: string;
  sortKey: number;
}

const ACCEPTED: Record<GeometryType, string[]> = {
  Point: ['Point', 'MultiPoint'],
  LineString: ['LineString', 'MultiLineString'],
  Polygon: ['Polygon', 'MultiPolygon'],
};
/** What a property (field) name may be, in uploads and in a layer's declared schema alike. */
export const PROPERTY_NAME = /^[\p{L}\p{N}_][\p{L}\p{N}_ .-]{0,62}$/u;
const DATE = /^\d{4}-\d{2}-\d{2}(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$/;

/** Checks one feature; returns what to stage, or null after recording its problems. */
export function checkFeature(raw: unknown, index: number, ctx: CheckContext): CheckedFeature | null {
  const before = ctx.problems.total;
  const add = (code: string, message: string, field: string | null = null) =>
    ctx.problems.add({ feature: index, field, code, message });
  // Checked before the validator, which recurses into coordinates and would overflow the stack.
  const coordinates = (raw as { geometry?: { coordinates?: unknown } } | null)?.geometry?.coordinates;
  if (coordinates !== undefined && nestedDeeperThan(coordinates, MAX_COORDINATE_DEPTH)) {
    add(
      'invalid_coordinates',
      `Coordinates are nested deeper than any GeoJSON geometry (a MultiPolygon nests ${MAX_COORDINATE_DEPTH} arrays).`,
      'geometry',
    );
    return null;
  }
  const id = (raw as { id?: unknown } | null)?.id;
  if (id !== undefined && id !== null && typeof id !== 'string' && !(typeof id === 'number' && Number.isFinite(id))) {
    add('invalid_feature', 'A feature "id" must be a string or a number (RFC 7946 §3.2).', 'id');
    return null;
  }
  const props = (raw as { properties?: unknown } | null)?.properties;
  if (props !== undefined && props !== null && (typeof props !== 'object' || Array.isArray(props))) {
    add(
      'invalid_properties',
      `"properties" is ${Array.isArray(props) ? 'an array' : `a ${typeof props}`}; it must be an object of name/value pairs, or null.`,
      'properties',
    );
    return null;
  }
  const trace = GJV.isFeature(raw, true);
  if (trace.length > 0) {
    for (const m of trace.slice(0, 3)) add(structureCode(m), `Not a valid GeoJSON Feature: ${m}.`, structureField(m));
    return null;
  }
  const f = raw as {
    geometry: { type: string; coordinates: unknown } | null;
    properties: Record<string, unknown> | null;
  };
  let sortKey = 0;
  if (f.geometry === null) {
    add('missing_geometry', 'The feature has no geometry; every feature of a layer needs one.', 'geometry');
  } else if (!ACCEPTED[ctx.geometryType].includes(f.geometry.type)) {
    add(
      'geometry_type_mismatch',
      `The layer holds ${ctx.geometryType} features; this one is a ${f.geometry.type}.`,
      'geometry',
    );
  } else {
    sortKey = checkPlacement(f.geometry.coordinates, ctx, add);
  }
  const properties = checkProperties(f.properties ?? {}, index, ctx, add);
  if (ctx.problems.total > before || f.geometry === null) return null;
  return { index, properties, ewkb: toEwkbHex(f.geometry.type, f.geometry.coordinates), sortKey };
}

/** GeoJSON positions nest at most 4 arrays deep (MultiPolygon) plus the position itself. */
const MAX_COORDINATE_DEPTH = 5;

/** Whether arrays nest deeper than `limit` anywhere in `value`, walked without recursion. */
function nestedDeeperThan(value: unknown, limit: number): boolean {
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop() as [unknown, number];
    if (!Array.isArray(v)) continue;
    if (depth > limit) return true;
    for (const child of v) if (Array.isArray(child)) stack.push([child, depth + 1]);
  }
  return false;
}

/** A UTF-16 surrogate without its partner: text PostgreSQL cannot store in jsonb. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Text PostgreSQL cannot store in jsonb: NUL, and a lone surrogate. */
function unstorable(text: string): boolean {
  return text.includes(String.fromCharCode(0)) || LONE_SURROGATE.test(text);
}

function structureCode(message: string): string {
  if (/first and last positions must be equivalent/.test(message)) return 'unclosed_ring';
  if (/Position must only contain numbers|Position must be at least two elements|must be an array/.test(message))
    return 'invalid_coordinates';
  if (/at least (four|two) (positions|elements)|at least two or more/.test(message)) return 'too_few_points';
  return 'invalid_feature';
}

function structureField(message: string): string | null {
  if (/properties/.test(message)) return 'properties';
  if (/Position|positions|coordinates|geometry/i.test(message)) return 'geometry';
  return null;
}

/** Ranges, swapped axes, projected coordinates and distance from the city, from the feature's box; answers its sort key. */
function checkPlacement(
  coordinates: unknown,
  ctx: CheckContext,
  add: (code: string, message: string, field?: string) => void,
): number {
  const box: BBox = [Infinity, Infinity, -Infinity, -Infinity];
  if (extend(coordinates, box)) ctx.droppedZ += 1;
  const [minX, minY, maxX, maxY] = box;
  if (minX < -180 || maxX > 180 || minY < -90 || maxY > 90) {
    if (minX >= -90 && maxX <= 90 && minY >= -180 && maxY <= 180 && intersects([minY, minX, maxY, maxX], ctx.area)) {
      add(
        'coordinates_swapped',
        'Coordinates look like latitude, longitude; GeoJSON positions are [longitude, latitude] (e.g. [106.64, -6.18]).',
        'geometry',
      );
    } else if (Math.abs(minX) > 1000 || Math.abs(minY) > 1000) {
      add(
        'coordinates_out_of_range',
        `Coordinates like [${minX}, ${minY}] look projected (metres, e.g. UTM 48S); GeoJSON must be longitude/latitude in EPSG:4326. Reproject, or upload a zipped Shapefile with its .prj.`,
        'geometry',
      );
    } else {
      add(
        'coordinates_out_of_range',
        `Coordinates must be longitude -180…180 and latitude -90…90; this feature spans [${minX}, ${minY}, ${maxX}, ${maxY}].`,
        'geometry',
      );
    }
    return 0;
  }
  if (!intersects(box, ctx.area)) {
    add(
      'outside_area',
      `The feature lies far outside Kota Tangerang (its box is [${box.map((v) => +v.toFixed(5)).join(', ')}]); check its coordinates and CRS.`,
      'geometry',
    );
    return 0;
  }
  const [ax0, ay0, ax1, ay1] = ctx.area;
  const cell = (v: number, lo: number, hi: number) =>
    Math.max(0, Math.min(65535, Math.floor(((v - lo) / (hi - lo)) * 65536)));
  return morton(cell((minX + maxX) / 2, ax0, ax1), cell((minY + maxY) / 2, ay0, ay1));
}

/** Interleaves two 16-bit cells into a 32-bit Z-order key. */
function morton(x: number, y: number): number {
  let key = 0;
  for (let bit = 15; bit >= 0; bit--) key = key * 4 + ((y >> bit) & 1) * 2 + ((x >> bit) & 1);
  return key;
}

/** Grows the box over every position; answers whether any position had more than two numbers. */
function extend(c: unknown, box: BBox): boolean {
  const a = c as unknown[];
  if (typeof a[0] === 'number') {
    const x = a[0];
    const y = a[1] as number;
    if (x < box[0]) box[0] = x;
    if (y < box[1]) box[1] = y;
    if (x > box[2]) box[2] = x;
    if (y > box[3]) box[3] = y;
    return a.length > 2;
  }
  let extra = false;
  for (const child of a) if (extend(child, box)) extra = true;
  return extra;
}

function intersects(a: BBox, b: BBox): boolean {
  return a[0] <= b[2] && a[2] >= b[0] && a[1] <= b[3] && a[3] >= b[1];
}

/** Names, value kinds and lengths, and one type per property across the upload and the layer's schema. */
function checkProperties(
  props: Record<string, unknown>,
  index: number,
  ctx: CheckContext,
  add: (code: string, message: string, field?: string) => void,
): string {
  const names = Object.keys(props);
  const before = ctx.problems.total;
  if (names.length > ctx.maxProperties) {
    add(
      'too_many_properties',
      `The feature has ${names.length} properties; at most ${ctx.maxProperties} are accepted.`,
      'properties',
    );
    return '';
  }
  for (const name of names) {
    const value = props[name];
    if (!PROPERTY_NAME.test(name)) {
      add(
        'invalid_property_name',
        `Property name "${name.slice(0, 80)}" is not accepted: use 1–63 letters, digits, "_", ".", "-" or spaces, starting with a letter, digit or "_".`,
        name.slice(0, 80),
      );
      continue;
    }
    const known = ctx.fields.get(name);
    if (known) known.seen = true;
    if (value === null) continue;
    const type = valueType(value);
    if (type === null) {
      add(
        'invalid_property_value',
        `Property "${name}" holds ${Array.isArray(value) ? 'an array' : 'an object'}; values must be text, numbers, true/false or null.`,
        name,
      );
      continue;
    }
    if (typeof value === 'number' && !Number.isFinite(value)) {
      add(
        'invalid_property_value',
        `Property "${name}" is a number too large to store (${JSON.stringify(String(value))}); numbers must be below 1.8e308.`,
        name,
      );
      continue;
    }
    if (typeof value === 'string' && unstorable(value)) {
      add(
        'invalid_property_value',
        `Property "${name}" contains a NUL character or a broken UTF-16 surrogate; remove it (NUL padding from a DBF export, or text cut in the middle of an emoji).`,
        name,
      );
      continue;
    }
    if (typeof value === 'string' && value.length > ctx.maxValueChars) {
      add(
        'value_too_long',
        `Property "${name}" is ${value.length} characters long; at most ${ctx.maxValueChars} are accepted.`,
        name,
      );
      continue;
    }
    if (!known) {
      ctx.fields.set(name, { type, fixed: false, firstSeen: index, seen: true });
    } else if (!fits(type, value, known.type)) {
      if (!known.fixed && known.type === 'integer' && type === 'number') known.type = 'number';
      else {
        const where = known.fixed ? "the layer's schema" : `feature ${known.firstSeen ?? 0}`;
        add(
          'property_type_mismatch',
          `Property "${name}" is ${known.type} in ${where} but ${type} here (${JSON.stringify(value).slice(0, 40)}).`,
          name,
        );
      }
    }
  }
  // A rejected feature is never staged; its values (possibly deeply nested) are not serialised.
  return ctx.problems.total > before ? '' : JSON.stringify(props);
}

function valueType(v: unknown): FieldType | null {
  switch (typeof v) {
    case 'string':
      return 'string';
    case 'boolean':
      return 'boolean';
    case 'number':
      return Number.isSafeInteger(v) ? 'integer' : 'number';
    default:
      return null;
  }
}

function fits(type: FieldType, value: unknown, expected: FieldType): boolean {
  if (type === expected) return true;
  if (expected === 'number' && type === 'integer') return true;
  if (expected === 'date' && type === 'string') return DATE.test(value as string);
  return false;
}
