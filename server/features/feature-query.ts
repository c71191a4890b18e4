import type { FieldDef, LayerRecord } from '../catalog/layer-types.js';
import { badRequest } from '../http/app-error.js';
import { isJsonNumber, parseBbox, parseOgcBbox, type Bbox } from '../http/coordinates.js';
import { CqlError, isCalendarDate, isTimestamp, utcDay, type Expr, type Literal } from './cql2-ast.js';
import { parseCql2Json } from './cql2-json.js';
import { parseCql2 } from './cql2-parser.js';
import { cql2ToSql, type SqlFilter } from './cql2-sql.js';

/**
 * The one feature query every protocol runs (/api, /ogc, /wfs, /arcgis/rest): validated
 * at the edge by buildFeatureQuery, executed by FeaturesService. Geometries are EPSG:4326 lon/lat.
 */
export interface FeatureQuery {
  layer: LayerRecord;
  /** Features that truly intersect this box (ST_Intersects), not only their bounding boxes. */
  bbox: Bbox | null;
  /** Kemendagri code of a kecamatan/kelurahan the features must intersect. */
  district: string | null;
  /** Cut geometries to the district's boundary instead of only filtering. */
  clip: boolean;
  /** CQL2 filter, equality parameters and datetime, ANDed into one tree. */
  filter: Expr | null;
  /** That tree as SQL over `features f`, compiled once here (names and types checked). */
  where: SqlFilter | null;
  /** Property names to keep (checked against the registry); null keeps all. */
  properties: string[] | null;
  /** Sort keys; empty means by feature id, the order the keyset cursor follows. */
  sortby: SortKey[];
  limit: number;
  /** Keyset cursor: features with id greater than this (only with the id order). */
  after: number;
  /** Rows to skip (OWSLib-style paging); 0 with the cursor. */
  offset: number;
  /** Write GML 3.2 members instead of GeoJSON Features (WFS); null: GeoJSON. */
  gml: GmlEncoding | null;
  /** Write GeoServices (Esri JSON) features instead (ArcGIS REST); null: not. */
  esri: EsriEncoding | null;
}

/**
 * Features written for the GeoServices REST API (ArcGIS clients) by the database: attributes
 * under the layer's Esri field names with ArcGIS's value conventions (dates as epoch
 * milliseconds of their UTC day, booleans as 1/0), the feature id as the object id field, and
 * the geometry as Esri JSON (rings clockwise) or as a GeoJSON Feature's. Names reach SQL only as
 * bound values.
 */
export interface EsriEncoding {
  /** Esri JSON `{attributes, geometry}` or GeoJSON Features with the same properties. */
  format: 'esri' | 'geojson';
  /** The attributes written, in order: registry property, Esri field name, field type. */
  fields: [string, string, FieldDef['type']][];
  /** The object id field's name (the feature id). */
  oidField: string;
  /** null: no geometry. 3857 reads the stored Web Mercator copy (no per-request reprojection). */
  srid: 4326 | 3857 | null;
  /** Decimal places of coordinates. */
  decimals: number;
}

/**
 * Features written as WFS 2.0 members in GML 3.2 by the database instead of GeoJSON (the WFS
 * adapter fills it from the layer's application schema). Names here are the registry's, mapped
 * to XML names by the adapter; they reach SQL only as bound values.
 */
export interface GmlEncoding {
  /** The element each feature is wrapped in: `wfs:member` (WFS 2.0) or `gml:featureMember` (WFS 1.1.0). */
  member: 'wfs:member' | 'gml:featureMember';
  /** The feature type's NCName (also the gml:id prefix) and its namespace prefix. */
  typeName: string;
  prefix: string;
  /** Property → element name, in the schema's order. */
  elements: [string, string][];
  geometryElement: string | null;
  /** The multi geometry every feature is written as. */
  multi: 'MultiPoint' | 'MultiCurve' | 'MultiSurface';
  srid: 4326 | 3857;
  latFirst: boolean;
  /** srsName as ST_AsGML writes it: `urn:ogc:def:crs:EPSG::4326` latitude first, else `EPSG:<srid>`. */
  srsName: string;
}

export interface SortKey {
  property: string;
  descending: boolean;
}

/** The protocol-neutral parameters an adapter collects from its request, still as text. */
export interface FeatureQueryInput {
  bbox?: string | undefined;
  /** 'ogc' also takes 6-number boxes (heights ignored). */
  bboxStyle?: 'api' | 'ogc';
  district?: string | undefined;
  clip?: boolean;
  filter?: string | undefined;
  filterLang?: string | undefined;
  /** A filter another encoding already parsed (WFS: OGC Filter Encoding); ANDed with the rest. */
  filterExpr?: Expr | undefined;
  /** Property = value pairs (OGC queryables as query parameters). */
  equals?: [string, string][];
  datetime?: string | undefined;
  properties?: string | undefined;
  sortby?: string | undefined;
  limit?: number | undefined;
  after?: number | undefined;
  offset?: number | undefined;
  gml?: GmlEncoding | undefined;
  esri?: EsriEncoding | undefined;
}

/** Page size policy of one protocol: /api refuses a too-large limit, OGC clamps it as the standard asks. */
export interface LimitPolicy {
  defaultLimit: number;
  maxLimit: number;
  overMax: 'reject' | 'clamp';
}

/** The property name of the feature id in sortby. */
export const ID_PROPERTY = 'id';

export function buildFeatureQuery(layer: LayerRecord, input: FeatureQueryInput, policy: LimitPolicy): FeatureQuery {
  let limit = input.limit ?? policy.defaultLimit;
  if (limit > policy.maxLimit) {
    if (policy.overMax === 'reject') {
      throw badRequest('limit_too_large', `limit may be at most ${policy.maxLimit}; follow the "next" link for more.`, {
        parameter: 'limit',
        value: limit,
        max: policy.maxLimit,
      });
    }
    limit = policy.maxLimit;
  }
  if (input.clip && !input.district)
    throw badRequest('invalid_parameter', 'clip=true needs a district to clip to.', { parameter: 'clip' });
  const sortby = input.sortby === undefined ? [] : parseSortby(layer, input.sortby);
  const offset = input.offset ?? 0;
  if ((input.after ?? 0) > 0 && (offset > 0 || sortby.length > 0)) {
    throw badRequest(
      'invalid_parameter',
      'after (the id cursor of next links) cannot be combined with offset or sortby; page those with offset.',
      { parameter: 'after' },
    );
  }
  const clauses = [
    input.filter === undefined ? null : parseFilter(input.filter, input.filterLang),
    input.filterExpr ?? null,
    ...(input.equals ?? []).map(([name, text]) => equalsExpr(layer.fields, name, text)),
    input.datetime === undefined ? null : datetimeExpr(layer, input.datetime),
  ].filter((e): e is Expr => e !== null);
  const filter =
    clauses.length === 0 ? null : clauses.length === 1 ? (clauses[0] as Expr) : { kind: 'and' as const, args: clauses };
  return {
    layer,
    bbox:
      input.bbox === undefined ? null : input.bboxStyle === 'ogc' ? parseOgcBbox(input.bbox) : parseBbox(input.bbox),
    district: input.district ?? null,
    clip: input.clip ?? false,
    filter,
    where: filter ? compileFilter(filter, layer) : null,
    properties: input.properties === undefined ? null : checkProperties(layer, input.properties),
    sortby,
    limit,
    after: input.after ?? 0,
    offset,
    gml: input.gml ?? null,
    esri: input.esri ?? null,
  };
}

/** Property names come from the request but are only ever compared against the registry's field list. */
function checkProperties(layer: LayerRecord, list: string): string[] {
  const names = list
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  const known = layer.fields.map((f) => f.name);
  const unknown = names.filter((n) => !known.includes(n));
  if (unknown.length > 0) {
    throw badRequest(
      'unknown_property',
      `Layer "${layer.slug}" has no propert${unknown.length > 1 ? 'ies' : 'y'} ${unknown.map((u) => `"${u}"`).join(', ')}. Available: ${known.join(', ')}.`,
      { parameter: 'properties', unknown, available: known },
    );
  }
  return names;
}

/** `sortby=nama,-luas_km2` (OGC API Records / Features Part 5): "+" or nothing ascending, "-" descending. */
function parseSortby(layer: LayerRecord, text: string): SortKey[] {
  const known = [ID_PROPERTY, ...layer.fields.map((f) => f.name)];
  const keys = text.split(',').map((part) => {
    // A "+" in a query string arrives as a space.
    const t = part.trim();
    const descending = t.startsWith('-');
    const name = t.replace(/^[+-]/, '').replace(/:(A|D)$/i, '');
    if (!known.includes(name)) {
      throw badRequest(
        'unknown_property',
        `sortby: layer "${layer.slug}" has no property "${name}". Sortable: ${known.join(', ')}.`,
        { parameter: 'sortby', value: text, available: known },
      );
    }
    return { property: name, descending: descending || /:D$/i.test(t) };
  });
  if (keys.length > 5)
    throw badRequest('invalid_parameter', 'sortby takes at most 5 keys.', { parameter: 'sortby', value: text });
  return keys;
}

function parseFilter(text: string, lang = 'cql2-text'): Expr {
  if (lang !== 'cql2-text' && lang !== 'cql2-json') {
    throw badRequest('invalid_parameter', 'filter-lang must be cql2-text or cql2-json.', {
      parameter: 'filter-lang',
      value: lang,
    });
  }
  try {
    return lang === 'cql2-json' ? parseCql2Json(text) : parseCql2(text);
  } catch (err) {
    if (err instanceof CqlError) throw filterError(err);
    throw err;
  }
}

/** A filter as SQL against the layer's queryables: a name or type mismatch is the client's 400 here, not at run time. */
function compileFilter(filter: Expr, layer: LayerRecord): SqlFilter {
  try {
    return cql2ToSql(filter, layer.fields);
  } catch (err) {
    if (err instanceof CqlError) throw filterError(err);
    throw err;
  }
}

export function filterError(err: CqlError): Error {
  return badRequest('invalid_filter', `filter: ${err.message}.`, { parameter: 'filter', position: err.position + 1 });
}

/** `name=value` from a query string, typed by the field: text stays text ("007" is not 7). */
function equalsExpr(fields: FieldDef[], name: string, text: string): Expr {
  const field = fields.find((f) => f.name === name);
  if (!field) throw badRequest('unknown_parameter', `Unknown query parameter "${name}".`, { parameter: name });
  let value: Literal = text;
  if (field.type === 'integer' || field.type === 'number') {
    if (!isJsonNumber(text))
      throw badRequest('invalid_parameter', `${name} is a number property: give a number, e.g. ${name}=12.5.`, {
        parameter: name,
        value: text,
      });
    value = Number(text) + 0;
  } else if (field.type === 'boolean') {
    if (text !== 'true' && text !== 'false')
      throw badRequest('invalid_parameter', `${name} is a true/false property.`, { parameter: name, value: text });
    value = text === 'true';
  } else if (field.type === 'date') {
    if (!isCalendarDate(text))
      throw badRequest('invalid_parameter', `${name} is a date property: give YYYY-MM-DD.`, {
        parameter: name,
        value: text,
      });
    value = { date: text };
  }
  return { kind: 'compare', op: '=', property: name, value };
}

/**
 * datetime (RFC 3339 instant, or interval start/end with ".." or nothing for an open end) against
 * the layer's time: its first date property, compared by UTC day. A layer without one has no
 * feature with a time, so no feature matches (OGC API Features /req/core/fc-time-response).
 */
function datetimeExpr(layer: LayerRecord, text: string): Expr {
  const parts = text.split('/');
  const open = (p: string) => p === '..' || p === '';
  const days = parts.map((p) => (open(p) ? null : instantDay(p)));
  if (
    parts.length > 2 ||
    days.some((d, i) => d === null && !open(parts[i] ?? '')) ||
    (parts.length === 1 && open(text))
  ) {
    throw badRequest(
      'invalid_parameter',
      'datetime must be an RFC 3339 date or date-time, or an interval start/end with ".." for an open end, e.g. 2024-01-01/2024-06-30.',
      { parameter: 'datetime', value: text },
    );
  }
  const [start = null, end = start] = parts.length === 1 ? [days[0] ?? null] : days;
  if (start !== null && end !== null && start > end) {
    throw badRequest('invalid_parameter', 'datetime interval ends before it starts.', {
      parameter: 'datetime',
      value: text,
    });
  }
  const field = timeField(layer);
  if (!field) return { kind: 'bool', value: false };
  const args: Expr[] = [{ kind: 'isNull', property: field.name, negate: true }];
  if (start !== null) args.push({ kind: 'compare', op: '>=', property: field.name, value: { date: start } });
  if (end !== null) args.push({ kind: 'compare', op: '<=', property: field.name, value: { date: end } });
  return { kind: 'and', args };
}

/**
 * The UTC day of an RFC 3339 date or date-time. Also takes what GDAL 3.6 sends for a date
 * (`2024-02-01T`) and date-times without seconds or zone (read as UTC).
 */
function instantDay(text: string): string | null {
  const m = /^(\d{4}-\d{2}-\d{2})(?:[Tt](\d{2}(?::\d{2}(?::\d{2}(?:\.\d{1,9})?)?)?)?)?([Zz]|[+-]\d{2}:\d{2})?$/.exec(
    text,
  );
  if (!m || !isCalendarDate(m[1] as string)) return null;
  if (!m[2]) return m[1] as string;
  const [hh = '00', mm = '00', ss = '00'] = m[2].split(':');
  const stamp = `${m[1]}T${hh}:${mm}:${ss.slice(0, 2)}${(m[3] ?? 'Z').toUpperCase()}`;
  return isTimestamp(stamp) ? utcDay({ timestamp: stamp }) : null;
}

/** The layer's time property, if any: the one datetime and the temporal extent refer to. */
export function timeField(layer: LayerRecord): FieldDef | undefined {
  return layer.fields.find((f) => f.type === 'date');
}
