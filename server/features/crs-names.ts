import { badRequest } from '../http/app-error.js';

/** A CRS a WFS client may ask for, and the axis order its coordinates are written in. */
export interface WfsCrs {
  epsg: 4326 | 3857;
  /** Latitude first: EPSG:4326 named by URN or http URI (WFS 2.0, GML 3.2); not "EPSG:4326". */
  latFirst: boolean;
  /** The name written back into srsName attributes: the one the client used. */
  name: string;
}

export const DEFAULT_CRS = 'urn:ogc:def:crs:EPSG::4326';
export const OTHER_CRS = ['urn:ogc:def:crs:EPSG::3857'];

const FORMS: [RegExp, 4326 | 3857 | 'crs84', boolean][] = [
  [/^urn:(?:x-)?ogc:def:crs:EPSG:[\d.]*:(4326|3857|900913|3785)$/i, 4326, true],
  [/^https?:\/\/www\.opengis\.net\/def\/crs\/EPSG\/[\d.]+\/(4326|3857|900913|3785)$/i, 4326, true],
  [/^EPSG:(4326|3857|900913|3785)$/i, 4326, false],
  [/^https?:\/\/www\.opengis\.net\/gml\/srs\/epsg\.xml#(4326|3857|900913|3785)$/i, 4326, false],
  [/^urn:(?:x-)?ogc:def:crs:OGC:[\d.]*:CRS84$/i, 'crs84', false],
  [/^https?:\/\/www\.opengis\.net\/def\/crs\/OGC\/[\d.]+\/CRS84$/i, 'crs84', false],
];

/** Reads an srsName; undefined is the default (EPSG:4326 by URN, latitude first). */
export function parseCrs(text: string | undefined, parameter = 'SRSNAME'): WfsCrs {
  const name = text?.trim() || DEFAULT_CRS;
  for (const [re, kind, uriForm] of FORMS) {
    const m = re.exec(name);
    if (!m) continue;
    if (kind === 'crs84') return { epsg: 4326, latFirst: false, name };
    const epsg = m[1] === '4326' ? 4326 : 3857;
    // Web Mercator is east/north in every form; only geographic 4326 flips by URI form.
    return { epsg, latFirst: epsg === 4326 && uriForm, name };
  }
  throw badRequest(
    'invalid_parameter',
    `${parameter} "${name}" is not offered: use ${DEFAULT_CRS} (latitude first), EPSG:4326 (longitude first) or EPSG:3857.`,
    { parameter, value: name },
  );
}

const R = 6378137;
const MAX_LAT = 85.0511287798066;

/** A lon/lat position in the asked CRS and axis order. */
export function outPosition(crs: WfsCrs, lon: number, lat: number): [number, number] {
  if (crs.epsg === 3857) {
    const phi = (Math.max(-MAX_LAT, Math.min(MAX_LAT, lat)) * Math.PI) / 180;
    return [round((R * lon * Math.PI) / 180, 100), round(R * Math.log(Math.tan(Math.PI / 4 + phi / 2)), 100)];
  }
  return crs.latFirst ? [lat, lon] : [lon, lat];
}

/** A position of the asked CRS and axis order as lon/lat. */
export function inPosition(crs: WfsCrs, a: number, b: number): [number, number] {
  if (crs.epsg === 3857) {
    return [(a / R) * (180 / Math.PI), (2 * Math.atan(Math.exp(b / R)) - Math.PI / 2) * (180 / Math.PI)];
  }
  return crs.latFirst ? [b, a] : [a, b];
}

function round(v: number, scale: number): number {
  return Math.round(v * scale) / scale;
}
