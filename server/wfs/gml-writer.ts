import type { FieldDef } from '../catalog/layer-types.js';
import { outPosition, type WfsCrs } from '../features/crs-names.js';
import { esc } from '../http/xml.js';
import { FEATURE_PREFIX, GEOMETRY_NAME } from './wfs-names.js';

type Position = number[];
interface Geometry {
  type: string;
  coordinates: unknown;
}
export interface FeatureJson {
  id: number;
  geometry: Geometry | null;
  properties: Record<string, unknown> | null;
}

/** What one feature type's members are written with. */
export interface MemberShape {
  typeName: string;
  /** The layer's fields to write, in order, each with its element name. */
  fields: { field: FieldDef; element: string }[];
  withGeometry: boolean;
  crs: WfsCrs;
}

/**
 * One wfs:member per feature, GML 3.2 (OGC 07-036) in the layer's application schema. Every
 * geometry is written as its multi form (MultiPoint, MultiCurve, MultiSurface), as the schema
 * declares, since a layer holds single and multi geometries alike; a property without a value is
 * left out (minOccurs 0).
 */
export function gmlMembers(features: FeatureJson[], shape: MemberShape): string {
  const parts: string[] = [];
  for (const f of features) {
    const id = `${shape.typeName}.${f.id}`;
    let xml = `<wfs:member><${FEATURE_PREFIX}:${shape.typeName} gml:id="${id}">`;
    const props = f.properties ?? {};
    for (const { field, element } of shape.fields) {
      const v = props[field.name];
      if (v === null || v === undefined) continue;
      xml += `<${FEATURE_PREFIX}:${element}>${esc(valueText(v))}</${FEATURE_PREFIX}:${element}>`;
    }
    if (shape.withGeometry && f.geometry) {
      xml += `<${FEATURE_PREFIX}:${GEOMETRY_NAME}>${gmlGeometry(f.geometry, `${id}.g`, shape.crs)}</${FEATURE_PREFIX}:${GEOMETRY_NAME}>`;
    }
    parts.push(`${xml}</${FEATURE_PREFIX}:${shape.typeName}></wfs:member>`);
  }
  return parts.join('');
}

function valueText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

/** A GeoJSON geometry as a GML 3.2 multi geometry in the asked CRS and axis order. */
export function gmlGeometry(g: Geometry, id: string, crs: WfsCrs): string {
  const srs = `srsName="${esc(crs.name)}"`;
  const list = (ps: Position[]) => {
    let s = '';
    for (const p of ps) {
      const [a, b] = outPosition(crs, p[0] ?? 0, p[1] ?? 0);
      s += s === '' ? `${a} ${b}` : ` ${a} ${b}`;
    }
    return `<gml:posList srsDimension="2">${s}</gml:posList>`;
  };
  const polygon = (rings: Position[][], pid: string) => {
    const [outer = [], ...inner] = rings;
    let s = `<gml:Polygon gml:id="${pid}"><gml:exterior><gml:LinearRing>${list(outer)}</gml:LinearRing></gml:exterior>`;
    for (const ring of inner) s += `<gml:interior><gml:LinearRing>${list(ring)}</gml:LinearRing></gml:interior>`;
    return `${s}</gml:Polygon>`;
  };
  const point = (p: Position, pid: string) => {
    const [a, b] = outPosition(crs, p[0] ?? 0, p[1] ?? 0);
    return `<gml:Point gml:id="${pid}"><gml:pos>${a} ${b}</gml:pos></gml:Point>`;
  };
  const line = (ps: Position[], pid: string) => `<gml:LineString gml:id="${pid}">${list(ps)}</gml:LineString>`;
  switch (g.type) {
    case 'Point':
    case 'MultiPoint': {
      const pts = g.type === 'Point' ? [g.coordinates as Position] : (g.coordinates as Position[]);
      const members = pts.map((p, i) => `<gml:pointMember>${point(p, `${id}.${i + 1}`)}</gml:pointMember>`);
      return `<gml:MultiPoint gml:id="${id}" ${srs}>${members.join('')}</gml:MultiPoint>`;
    }
    case 'LineString':
    case 'MultiLineString': {
      const lines = g.type === 'LineString' ? [g.coordinates as Position[]] : (g.coordinates as Position[][]);
      const members = lines.map((l, i) => `<gml:curveMember>${line(l, `${id}.${i + 1}`)}</gml:curveMember>`);
      return `<gml:MultiCurve gml:id="${id}" ${srs}>${members.join('')}</gml:MultiCurve>`;
    }
    case 'Polygon':
    case 'MultiPolygon': {
      const polys = g.type === 'Polygon' ? [g.coordinates as Position[][]] : (g.coordinates as Position[][][]);
      const members = polys.map((p, i) => `<gml:surfaceMember>${polygon(p, `${id}.${i + 1}`)}</gml:surfaceMember>`);
      return `<gml:MultiSurface gml:id="${id}" ${srs}>${members.join('')}</gml:MultiSurface>`;
    }
    default:
      return '';
  }
}

/** The GML property type an application schema declares for a layer's geometry. */
export function gmlPropertyType(geometryType: string): string {
  if (geometryType === 'Point') return 'gml:MultiPointPropertyType';
  if (geometryType === 'LineString') return 'gml:MultiCurvePropertyType';
  return 'gml:MultiSurfacePropertyType';
}
