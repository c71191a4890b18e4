import type { LayerRecord } from '../catalog/layer-types.js';

interface FeatureJson {
  id: number;
  geometry: { type: string; coordinates: unknown } | null;
  properties: Record<string, unknown> | null;
}

/** A value as an RFC 4180 field: quoted when it holds a comma, quote or line break. */
function field(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * Text that a spreadsheet would run as a formula (=, +, -, @, tab or CR first) gets a leading
 * apostrophe, as OWASP advises for CSV files opened in Excel; numbers are written as numbers.
 */
function cell(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  const text = typeof v === 'string' ? v : JSON.stringify(v);
  return field(/^[=+\-@\t\r]/.test(text) ? `'${text}` : text);
}

const pos = (p: unknown) => (p as number[]).slice(0, 2).join(' ');
const ring = (r: unknown) => `(${(r as unknown[]).map(pos).join(', ')})`;
const poly = (p: unknown) => `(${(p as unknown[]).map(ring).join(', ')})`;

/** A GeoJSON geometry as WKT (OGC 06-103r4), longitude first. */
export function wkt(g: FeatureJson['geometry']): string {
  if (!g) return '';
  const c = g.coordinates;
  switch (g.type) {
    case 'Point':
      return `POINT (${pos(c)})`;
    case 'MultiPoint':
      return `MULTIPOINT (${(c as unknown[]).map((p) => `(${pos(p)})`).join(', ')})`;
    case 'LineString':
      return `LINESTRING ${ring(c)}`;
    case 'MultiLineString':
      return `MULTILINESTRING (${(c as unknown[]).map(ring).join(', ')})`;
    case 'Polygon':
      return `POLYGON ${poly(c)}`;
    case 'MultiPolygon':
      return `MULTIPOLYGON (${(c as unknown[]).map(poly).join(', ')})`;
    default:
      return '';
  }
}

/** The header line: fid (the feature id; a property may be called id), the fields in registry order, then wkt. */
export function csvHeader(layer: LayerRecord): string {
  return `${['fid', ...layer.fields.map((f) => f.name), 'wkt'].map(field).join(',')}\r\n`;
}

/** Feature JSON texts (comma-joined, as the feature query writes them) as CSV lines. */
export function csvRows(featuresText: string, layer: LayerRecord): string {
  const features = JSON.parse(`[${featuresText}]`) as FeatureJson[];
  let out = '';
  for (const f of features) {
    const props = f.properties ?? {};
    out += `${[String(f.id), ...layer.fields.map((d) => cell(props[d.name])), field(wkt(f.geometry))].join(',')}\r\n`;
  }
  return out;
}
