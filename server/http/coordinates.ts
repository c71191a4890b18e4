import { z } from 'zod';
import { badRequest } from './app-error.js';

const NUMBER = /^-?\d{1,3}(\.\d{1,15})?$/;

/** A lon or lat query value in decimal degrees, EPSG:4326, range-checked. */
export function coordinate(axis: 'lon' | 'lat') {
  const limit = axis === 'lon' ? 180 : 90;
  return z.string().regex(NUMBER, 'must be a decimal number of degrees, e.g. 106.63')
    .transform(Number).refine((n) => Math.abs(n) <= limit, `must be between -${limit} and ${limit}`);
}

export type Bbox = [number, number, number, number];

/** "minLon,minLat,maxLon,maxLat" in EPSG:4326. Each failure has its own stable code. */
export function parseBbox(text: string): Bbox {
  const parts = text.split(',');
  if (parts.length !== 4 || parts.some((p) => !NUMBER.test(p.trim()))) {
    throw badRequest('invalid_bbox', 'bbox must be four decimal numbers: minLon,minLat,maxLon,maxLat (EPSG:4326), e.g. 106.60,-6.22,106.70,-6.15.', { parameter: 'bbox', value: text });
  }
  const [minLon, minLat, maxLon, maxLat] = parts.map(Number) as Bbox;
  if ([minLon, maxLon].some((x) => Math.abs(x) > 180) || [minLat, maxLat].some((y) => Math.abs(y) > 90)) {
    throw badRequest('coordinates_out_of_range', 'bbox longitudes must lie within -180..180 and latitudes within -90..90. Did you swap lon and lat?', { parameter: 'bbox', value: text });
  }
  if (minLon > maxLon || minLat > maxLat) {
    throw badRequest('invalid_bbox', 'bbox minimum must not exceed its maximum: minLon,minLat,maxLon,maxLat.', { parameter: 'bbox', value: text });
  }
  return [minLon, minLat, maxLon, maxLat];
}
