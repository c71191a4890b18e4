import { z } from 'zod';
import { badRequest } from './app-error.js';

/**
 * Any number JSON allows (RFC 8259): desktop clients send 17–18 significant digits
 * (QGIS: 106.59666666666666401), exponent notation and -0. At most 40 characters.
 */
const NUMBER = /^-?(0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?$/;

export function isJsonNumber(text: string): boolean {
  return text.length <= 40 && NUMBER.test(text);
}

/** A lon or lat query value in decimal degrees, EPSG:4326, range-checked. */
export function coordinate(axis: 'lon' | 'lat') {
  const limit = axis === 'lon' ? 180 : 90;
  return z
    .string()
    .refine(isJsonNumber, 'must be a decimal number of degrees, e.g. 106.63')
    .transform(Number)
    .refine((n) => Math.abs(n) <= limit, `must be between -${limit} and ${limit}`);
}

export type Bbox = [number, number, number, number];

/** "minLon,minLat,maxLon,maxLat" in EPSG:4326. Each failure has its own stable code. */
export function parseBbox(text: string): Bbox {
  // An unencoded "+" of an exponent (1.2E+2) arrives as a space.
  const parts = text.split(',').map((p) => p.trim().replace(/([eE]) (?=\d)/, '$1+'));
  if (parts.length !== 4 || !parts.every(isJsonNumber)) {
    throw badRequest(
      'invalid_bbox',
      'bbox must be four decimal numbers: minLon,minLat,maxLon,maxLat (EPSG:4326), e.g. 106.60,-6.22,106.70,-6.15.',
      { parameter: 'bbox', value: text },
    );
  }
  const [minLon, minLat, maxLon, maxLat] = parts.map((p) => Number(p) + 0) as Bbox;
  if ([minLon, maxLon].some((x) => Math.abs(x) > 180) || [minLat, maxLat].some((y) => Math.abs(y) > 90)) {
    throw badRequest(
      'coordinates_out_of_range',
      'bbox longitudes must lie within -180..180 and latitudes within -90..90. Did you swap lon and lat?',
      { parameter: 'bbox', value: text },
    );
  }
  if (minLon > maxLon || minLat > maxLat) {
    throw badRequest('invalid_bbox', 'bbox minimum must not exceed its maximum: minLon,minLat,maxLon,maxLat.', {
      parameter: 'bbox',
      value: text,
    });
  }
  return [minLon, minLat, maxLon, maxLat];
}

/** OGC bbox: 4 numbers (2D) or 6 (with heights, which are ignored), lon/lat CRS84. */
export function parseOgcBbox(text: string): Bbox {
  const parts = text.split(',');
  if (parts.length === 6) return parseBbox([parts[0], parts[1], parts[3], parts[4]].join(','));
  return parseBbox(text);
}
