import proj4 from 'proj4';
import { unreadable } from './problems.js';

/** Reprojects one [x, y] position to EPSG:4326 lon/lat; null means the data already is. */
export type ToWgs84 = ((x: number, y: number) => [number, number]) | null;

/**
 * Coordinate reference systems producers in Kota Tangerang use, by EPSG code, for uploads whose
 * Shapefile lacks a .prj (parameter `crs`). DGN95 is WGS 84-compatible (towgs84 all zero).
 */
export const KNOWN_CRS: Record<string, { name: string; proj: string }> = {
  'EPSG:4326': { name: 'WGS 84', proj: '+proj=longlat +datum=WGS84 +no_defs' },
  'EPSG:4755': { name: 'DGN95', proj: '+proj=longlat +ellps=WGS84 +towgs84=0,0,0,0,0,0,0 +no_defs' },
  'EPSG:32748': { name: 'WGS 84 / UTM zone 48S', proj: '+proj=utm +zone=48 +south +datum=WGS84 +units=m +no_defs' },
  'EPSG:23878': {
    name: 'DGN95 / UTM zone 48S',
    proj: '+proj=utm +zone=48 +south +ellps=WGS84 +towgs84=0,0,0,0,0,0,0 +units=m +no_defs',
  },
  'EPSG:23834': {
    name: 'DGN95 / Indonesia TM-3 zone 48.2',
    proj: '+proj=tmerc +lat_0=0 +lon_0=106.5 +k=0.9999 +x_0=200000 +y_0=1500000 +ellps=WGS84 +towgs84=0,0,0,0,0,0,0 +units=m +no_defs',
  },
  'EPSG:3857': {
    name: 'WGS 84 / Pseudo-Mercator',
    proj: '+proj=merc +a=6378137 +b=6378137 +lat_ts=0 +lon_0=0 +x_0=0 +y_0=0 +k=1 +units=m +nadgrids=@null +no_defs',
  },
};

const WGS84 = KNOWN_CRS['EPSG:4326']?.proj ?? '';

/** `crs` parameter: EPSG:n or n, among KNOWN_CRS. */
export function crsFromCode(code: string): ToWgs84 {
  const key = /^\d+$/.test(code) ? `EPSG:${code}` : code.toUpperCase();
  const known = KNOWN_CRS[key];
  if (!known) {
    throw unreadable(
      'unsupported_crs',
      `CRS "${code}" is not one we know; use one of ${Object.keys(KNOWN_CRS).join(', ')}, or include the Shapefile's .prj.`,
      { parameter: 'crs', value: code },
    );
  }
  return converter(known.proj);
}

/** The contents of a Shapefile's .prj (WKT, ESRI or OGC flavour). */
export function crsFromPrj(wkt: string): ToWgs84 {
  const text = wkt.trim();
  if (!text)
    throw unreadable('invalid_prj', 'The .prj file is empty; it should hold the WKT of the coordinate system.');
  try {
    return converter(text);
  } catch (err) {
    throw unreadable(
      'unsupported_crs',
      `The .prj could not be understood (${(err as Error).message}). Give the CRS as a parameter instead, e.g. crs=EPSG:32748.`,
      { prj: text.slice(0, 200) },
    );
  }
}

function converter(definition: string): ToWgs84 {
  const c = proj4(definition, WGS84);
  const probe = c.forward([106.63, -6.18]);
  if (/^(GEOGCS|GEOGCRS)/i.test(definition) || definition.includes('+proj=longlat')) {
    if (Math.abs((probe[0] ?? 0) - 106.63) < 1e-7 && Math.abs((probe[1] ?? 0) + 6.18) < 1e-7) return null;
  }
  return (x, y) => {
    const out = c.forward([x, y]);
    return [out[0] ?? NaN, out[1] ?? NaN];
  };
}

/** Reprojects a GeoJSON geometry's coordinates in place. */
export function reproject(coordinates: unknown, to: (x: number, y: number) => [number, number]): void {
  const a = coordinates as unknown[];
  if (typeof a[0] === 'number') {
    const [x, y] = to(a[0], a[1] as number);
    a[0] = x;
    a[1] = y;
    a.length = 2;
    return;
  }
  for (const child of a) reproject(child, to);
}
