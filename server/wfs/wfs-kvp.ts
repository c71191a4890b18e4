import { AppError, badRequest } from '../http/app-error.js';
import { isJsonNumber } from '../http/coordinates.js';
import { inPosition, parseCrs } from '../features/crs-names.js';

/** TYPENAMES (or the 1.1 TYPENAME): one name; a list or parenthesised queries are refused. */
export function oneTypeName(kvp: Map<string, string>): string {
  const v = (kvp.get('TYPENAMES') ?? kvp.get('TYPENAME'))?.trim();
  if (!v) {
    throw new AppError(400, 'missing_parameter', 'TYPENAMES is required: a feature type from GetCapabilities.', {
      parameter: 'TYPENAMES',
    });
  }
  const names = typeNameList(v);
  if (names.length !== 1)
    throw badRequest('invalid_parameter', 'GetFeature takes one feature type per request (no joins).', {
      parameter: 'TYPENAMES',
      value: v,
    });
  return names[0] as string;
}

export function typeNameList(text: string): string[] {
  return text
    .replace(/[()]/g, ',')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** A whole number parameter (COUNT, STARTINDEX), capped at what a database integer holds. */
export function wholeNumber(kvp: Map<string, string>, name: string, min: number): number | undefined {
  const v = kvp.get(name)?.trim();
  if (v === undefined || v === '') return undefined;
  if (!/^\d{1,15}$/.test(v) || Number(v) < min)
    throw badRequest('invalid_parameter', `${name} must be a whole number of at least ${min}.`, {
      parameter: name,
      value: v,
    });
  return Math.min(Number(v), 2_147_483_647);
}

/**
 * BBOX=a,b,c,d[,crs] in the CRS named (default EPSG:4326 by URN: latitude first) as the
 * lon/lat text the feature query reads; range checks stay there.
 */
export function bboxAsLonLat(text: string): string {
  const parts = text.split(',').map((p) => p.trim().replace(/([eE]) (?=\d)/, '$1+'));
  const crsName = parts.length === 5 ? parts.pop() : undefined;
  if (parts.length !== 4 || !parts.every(isJsonNumber)) {
    throw badRequest(
      'invalid_bbox',
      'BBOX must be four numbers and an optional CRS: minLat,minLon,maxLat,maxLon by default (urn:ogc:def:crs:EPSG::4326), or minLon,minLat,maxLon,maxLat,EPSG:4326.',
      { parameter: 'BBOX', value: text },
    );
  }
  const crs = parseCrs(crsName, 'BBOX');
  const [a, b, c, d] = parts.map(Number) as [number, number, number, number];
  const lower = inPosition(crs, a, b);
  const upper = inPosition(crs, c, d);
  return [...lower, ...upper].join(',');
}

/** SORTBY=name [ASC|DESC|A|D],… as element names with a direction. */
export function sortKeys(text: string): { element: string; descending: boolean }[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((part) => {
      const m = /^(.+?)(?:[ +](ASC|DESC|A|D))?$/i.exec(part);
      if (!m) throw badRequest('invalid_parameter', `SORTBY "${part}" cannot be read.`, { parameter: 'SORTBY' });
      return { element: (m[1] as string).trim(), descending: /^D/i.test(m[2] ?? '') };
    });
}

export type OutputFormat = 'gml32' | 'gml311' | 'geojson';

/**
 * OUTPUTFORMAT in the spellings clients use: GML 3.2 (the WFS 2.0 default) or GeoJSON; under WFS
 * 1.1.0, GML 3.1.1 (its default) or GeoJSON.
 */
export function outputFormat(text: string | undefined, version: '2.0.0' | '1.1.0' = '2.0.0'): OutputFormat {
  if (version === '1.1.0') {
    const t = (text ?? '').toLowerCase().replace(/\s+/g, '');
    if (t === '' || ['gml3', 'text/xml;subtype=gml/3.1.1', 'text/xml;subtype="gml/3.1.1"', 'text/xml'].includes(t))
      return 'gml311';
    if (['application/json', 'application/geo+json', 'json', 'geojson'].includes(t)) return 'geojson';
    throw badRequest(
      'invalid_parameter',
      `OUTPUTFORMAT "${text}" is not offered by WFS 1.1.0 here: use text/xml; subtype=gml/3.1.1 or application/json.`,
      { parameter: 'OUTPUTFORMAT', value: text },
    );
  }
  if (text === undefined || text.trim() === '') return 'gml32';
  // A "+" left unencoded in a query string arrives as a space.
  const t = text
    .toLowerCase()
    .replace(/gml xml/, 'gml+xml')
    .replace(/\s+/g, '');
  if (['application/gml+xml;version=3.2', 'application/gml+xml', 'gml32', 'gml3'].includes(t)) return 'gml32';
  if (/^text\/xml;subtype=("?)gml\/3\.2(\.1)?\1$/.test(t)) return 'gml32';
  if (['application/json', 'application/geo+json', 'json', 'geojson'].includes(t)) return 'geojson';
  throw badRequest(
    'invalid_parameter',
    `OUTPUTFORMAT "${text}" is not offered: use application/gml+xml; version=3.2 or application/json.`,
    { parameter: 'OUTPUTFORMAT', value: text },
  );
}
