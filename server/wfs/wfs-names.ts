import type { LayerRecord } from '../catalog/layer-types.js';
import type { Expr } from '../features/cql2-ast.js';
import { filterFail, type FilterTarget } from '../features/fes-filter.js';

/** The namespace of our feature types, and the prefix capabilities and documents give it. */
export const FEATURE_NS = 'urn:x-satupeta:kota-tangerang';
export const FEATURE_PREFIX = 'satupeta';
export const WFS_NS = 'http://www.opengis.net/wfs/2.0';
export const GML_NS = 'http://www.opengis.net/gml/3.2';
export const FES_NS = 'http://www.opengis.net/fes/2.0';
export const OWS_NS = 'http://www.opengis.net/ows/1.1';
export const XLINK_NS = 'http://www.w3.org/1999/xlink';
export const XSI_NS = 'http://www.w3.org/2001/XMLSchema-instance';
export const GML32_TYPE = 'application/gml+xml; version=3.2';
/** WFS 1.1.0 (OGC 04-094) and what it speaks: GML 3.1.1, Filter Encoding 1.1, OWS 1.0. */
export const WFS11_NS = 'http://www.opengis.net/wfs';
export const GML311_NS = 'http://www.opengis.net/gml';
export const OGC_NS = 'http://www.opengis.net/ogc';
export const OWS10_NS = 'http://www.opengis.net/ows';
export const GML311_TYPE = 'text/xml; subtype=gml/3.1.1';
export type WfsVersion = '2.0.0' | '1.1.0';

/** The geometry's element name in our feature types (a field with that name is renamed instead). */
export const GEOMETRY_NAME = 'geometry';

const NAME_START = /^[\p{L}_]/u;
const NAME_CHARS = /^[\p{L}\p{N}_.-]+$/u;

/** XML NCName for a layer slug: slugs may start with a digit, NCNames may not. */
export function typeLocalName(slug: string): string {
  return NAME_START.test(slug) ? slug : `_${slug}`;
}

/** The layer slug a type name refers to: the prefix (any, or none) and our leading "_" removed. */
export function slugOfTypeName(name: string): string {
  const local = name.includes(':') ? name.slice(name.lastIndexOf(':') + 1) : name;
  return local.startsWith('_') ? local.slice(1) : local;
}

/**
 * Element names of a layer's properties: the property name where it is an NCName, else with
 * spaces (and other characters XML names cannot hold) as "_" and a "_" in front of a leading
 * digit, "." or "-"; a clash (with another property or the geometry) gets "_2", "_3"…. The same
 * layer always gets the same names: DescribeFeatureType, GetFeature and filters agree.
 */
export function propertyElementNames(layer: Pick<LayerRecord, 'fields'>): Map<string, string> {
  const used = new Set([GEOMETRY_NAME]);
  const names = new Map<string, string>();
  for (const field of layer.fields) {
    let base = [...field.name].map((ch) => (NAME_CHARS.test(ch) ? ch : '_')).join('');
    if (!NAME_START.test(base)) base = `_${base}`;
    let name = base;
    for (let n = 2; used.has(name.toLowerCase()); n += 1) name = `${base}_${n}`;
    used.add(name.toLowerCase());
    names.set(field.name, name);
  }
  return names;
}

/** The property an element name (from a filter, PROPERTYNAME or SORTBY) stands for, or null. */
export function propertyOfElement(layer: Pick<LayerRecord, 'fields'>, element: string): string | null {
  const local = element.replace(/^.*[:/]/, '');
  for (const [property, name] of propertyElementNames(layer)) if (name === local) return property;
  return null;
}

/** A layer as what Filter Encoding reads against: its element names, field types and ids. */
export function layerFilterTarget(layer: LayerRecord): FilterTarget {
  return {
    property: (ref) => propertyOfElement(layer, ref),
    typeOf: (property) => layer.fields.find((f) => f.name === property)?.type,
    isGeometry: (ref) => ref.replace(/^.*[:/]/, '') === GEOMETRY_NAME,
    help: `see DescribeFeatureType of ${typeLocalName(layer.slug)}`,
    ids: (values) => resourceIds(values, layer),
  };
}

/** Ids as WFS writes them (`type.fid`) or bare numbers; an id of another type matches nothing. */
export function resourceIds(values: string[], layer: LayerRecord): Expr {
  const ids: number[] = [];
  for (const v of values) {
    const dot = v.lastIndexOf('.');
    const type = dot >= 0 ? v.slice(0, dot) : null;
    const num = dot >= 0 ? v.slice(dot + 1) : v;
    if (!/^\d{1,9}$/.test(num)) throw filterFail(`"${v}" is not a feature id (type.number, e.g. ${layer.slug}.1).`);
    if (type === null || slugOfTypeName(type) === layer.slug) ids.push(Number(num));
  }
  return { kind: 'ids', ids };
}
