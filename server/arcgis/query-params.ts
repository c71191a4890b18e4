import { AppError, badRequest } from '../http/app-error.js';

/**
 * GeoServices request parameters: names are case-insensitive (GDAL writes `outfields`, ArcGIS JS
 * `outFields`), a POSTed form (what ArcGIS clients send for long queries) is read like the query
 * string and wins over it, and an empty value is the same as leaving the parameter out (clients
 * send `objectIds=&time=&geometry=`). Parameters this service does not know are ignored, as
 * ArcGIS Server ignores them; known ones it cannot honour yet are refused by name (below), so
 * none of them silently changes an answer.
 */
export type Params = Map<string, string>;

export function readParams(query: Record<string, unknown>, body: unknown): Params {
  const out: Params = new Map();
  const add = (source: Record<string, unknown>, override: boolean) => {
    const seen = new Set<string>();
    for (const [k, v] of Object.entries(source)) {
      const key = k.toLowerCase();
      if (typeof v !== 'string' || seen.has(key))
        throw badRequest('invalid_parameter', `Parameter ${k} must be given once.`, { parameter: k });
      seen.add(key);
      if (override || !out.has(key)) out.set(key, v);
    }
  };
  add(query, false);
  if (body && typeof body === 'object' && !Array.isArray(body)) add(body as Record<string, unknown>, true);
  return out;
}

/** A parameter's value, undefined when absent or empty. */
export function param(p: Params, name: string): string | undefined {
  const v = p.get(name.toLowerCase())?.trim();
  return v === undefined || v === '' ? undefined : v;
}

export function bool(p: Params, name: string, fallback: boolean): boolean {
  const v = param(p, name);
  if (v === undefined) return fallback;
  if (/^true$/i.test(v)) return true;
  if (/^false$/i.test(v)) return false;
  throw badRequest('invalid_parameter', `${name} must be true or false.`, { parameter: name, value: v.slice(0, 100) });
}

export function whole(p: Params, name: string, max = 2_000_000_000): number | undefined {
  const v = param(p, name);
  if (v === undefined) return undefined;
  if (!/^\d{1,10}$/.test(v) || Number(v) > max)
    throw badRequest('invalid_parameter', `${name} must be a whole number from 0 to ${max}.`, {
      parameter: name,
      value: v.slice(0, 100),
    });
  return Number(v);
}

export type Format = 'json' | 'pjson' | 'geojson';

/** `f`: json (also when left out), pjson (indented) or geojson where the resource offers it. */
export function format(p: Params, geojson: boolean): Format {
  const f = (param(p, 'f') ?? 'json').toLowerCase();
  if (f === 'json' || f === 'pjson' || (geojson && f === 'geojson')) return f;
  const offered = geojson ? 'json, pjson or geojson' : 'json or pjson';
  if (['html', 'pbf', 'kmz', 'geojson', 'amf'].includes(f))
    throw new AppError(400, 'parameter_not_supported', `f=${f} is not offered here: use f=${offered}.`, {
      parameter: 'f',
      value: f,
    });
  throw badRequest('invalid_parameter', `f must be ${offered}.`, { parameter: 'f', value: f.slice(0, 100) });
}

/** Known query parameters that would change the answer and are not supported yet; each with the value that is harmless. */
const UNSUPPORTED: [string, (v: string) => boolean][] = [
  ['outStatistics', () => false],
  ['groupByFieldsForStatistics', () => false],
  ['having', () => false],
  ['returnDistinctValues', (v) => /^false$/i.test(v)],
  ['quantizationParameters', () => false],
  ['time', () => false],
  ['distance', (v) => Number(v) === 0],
  ['text', () => false],
  ['relationParam', () => false],
  ['returnCentroid', (v) => /^false$/i.test(v)],
  ['returnUniqueIdsOnly', (v) => /^false$/i.test(v)],
  ['historicMoment', () => false],
  ['gdbVersion', () => false],
  ['callback', () => false],
];

export function refuseUnsupported(p: Params): void {
  for (const [name, harmless] of UNSUPPORTED) {
    const v = param(p, name);
    if (v !== undefined && !harmless(v))
      throw new AppError(
        400,
        'parameter_not_supported',
        `${name} is not supported by this server yet; leave it out. Supported: where, objectIds, geometry, geometryType, inSR, spatialRel, outFields, returnGeometry, outSR, orderByFields, resultOffset, resultRecordCount, returnCountOnly, returnIdsOnly, returnExtentOnly, geometryPrecision, f.`,
        { parameter: name },
      );
  }
}
