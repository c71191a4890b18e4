import { inPosition, outPosition, type WfsCrs } from '../features/crs-names.js';
import { badRequest } from '../http/app-error.js';

/**
 * The spatial references offered: WGS 84 lon/lat (4326, how features are stored) and Web
 * Mercator (3857, its Esri WKIDs 102100 and 102113, and the old 900913 and 3785). Given as a WKID
 * number or as JSON `{"wkid": …}` / `{"latestWkid": …}` (either one offered is enough).
 */
export type Srid = 4326 | 3857;

const MERCATOR = new Set([3857, 102100, 102113, 900913, 3785]);
const WEB_MERCATOR: WfsCrs = { epsg: 3857, latFirst: false, name: 'EPSG:3857' };

function sridOf(n: unknown): Srid | null {
  if (typeof n !== 'number' && typeof n !== 'string') return null;
  const v = Number(n);
  if (v === 4326) return 4326;
  return MERCATOR.has(v) ? 3857 : null;
}

/** A spatial reference parameter (inSR, outSR, a geometry's spatialReference); undefined or '' is the fallback. */
export function parseSpatialReference(value: unknown, parameter: string, fallback: Srid): Srid {
  if (value === undefined || value === null || value === '') return fallback;
  let v: unknown = value;
  if (typeof v === 'string' && v.trim().startsWith('{')) {
    try {
      v = JSON.parse(v) as unknown;
    } catch {
      throw refuse(parameter, value);
    }
  }
  if (typeof v === 'object' && v !== null) {
    const o = v as { wkid?: unknown; latestWkid?: unknown };
    const srid = sridOf(o.wkid) ?? sridOf(o.latestWkid);
    if (srid === null) throw refuse(parameter, typeof value === 'string' ? value : JSON.stringify(value));
    return srid;
  }
  if (typeof v === 'string' && !/^\s*\d{1,9}\s*$/.test(v)) throw refuse(parameter, v);
  const srid = sridOf(typeof v === 'string' ? v.trim() : v);
  if (srid === null) throw refuse(parameter, String(v));
  return srid;
}

function refuse(parameter: string, value: unknown): Error {
  return badRequest(
    'unknown_crs',
    `${parameter} ${String(value).slice(0, 100)} is not offered: use 4326 (WGS 84 longitude/latitude) or 102100/3857 (Web Mercator), as a WKID or {"wkid": …}.`,
    { parameter, value: String(value).slice(0, 200) },
  );
}

/** The spatialReference object of answers: the Esri WKID with the EPSG code as latestWkid. */
export function spatialReferenceJson(srid: Srid): { wkid: number; latestWkid: number } {
  return srid === 3857 ? { wkid: 102100, latestWkid: 3857 } : { wkid: 4326, latestWkid: 4326 };
}

/** Web Mercator metres as lon/lat. */
export function toLonLat(x: number, y: number): [number, number] {
  return inPosition(WEB_MERCATOR, x, y);
}

/** Lon/lat as Web Mercator metres to the centimetre (latitudes beyond ±85.05° held at the projection's edge). */
export function toMercator(lon: number, lat: number): [number, number] {
  return outPosition(WEB_MERCATOR, lon, lat);
}

/** An Esri envelope of a lon/lat box in the asked spatial reference. */
export function envelopeJson(bbox: [number, number, number, number], srid: Srid): Record<string, unknown> {
  const [xmin, ymin] = srid === 3857 ? toMercator(bbox[0], bbox[1]) : [bbox[0], bbox[1]];
  const [xmax, ymax] = srid === 3857 ? toMercator(bbox[2], bbox[3]) : [bbox[2], bbox[3]];
  return { xmin, ymin, xmax, ymax, spatialReference: spatialReferenceJson(srid) };
}
