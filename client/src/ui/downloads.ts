import type { Feature } from 'geojson';
import { api } from '../api.js';

/** Saves a layer's features (optionally only inside a district) as GeoJSON or CSV (geometry as WKT). */
export async function downloadLayer(id: string, format: 'geojson' | 'csv', district: string | null): Promise<void> {
  const features = await api.allFeatures(id, district);
  const name = `${id}${district ? `-${district}` : ''}.${format}`;
  const body = format === 'geojson' ? JSON.stringify({ type: 'FeatureCollection', features }) : toCsv(features);
  const url = URL.createObjectURL(
    new Blob([body], { type: format === 'geojson' ? 'application/geo+json' : 'text/csv' }),
  );
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** A property value as text: empty for none, JSON for objects and arrays. */
export function valueText(v: unknown): string {
  if (v === null || v === undefined) return '';
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : JSON.stringify(v);
}

export function toCsv(features: Feature[]): string {
  const keys = [...new Set(features.flatMap((f) => Object.keys(f.properties ?? {})))];
  const cell = (v: unknown) => {
    const s = valueText(v);
    return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const lines = [['id', ...keys, 'wkt'].join(',')];
  for (const f of features)
    lines.push([cell(f.id), ...keys.map((k) => cell(f.properties?.[k])), cell(toWkt(f.geometry))].join(','));
  return `${lines.join('\n')}\n`;
}

function toWkt(g: Feature['geometry']): string {
  const pt = (c: number[]) => `${c[0]} ${c[1]}`;
  const ring = (r: number[][]) => `(${r.map(pt).join(', ')})`;
  switch (g.type) {
    case 'Point':
      return `POINT (${pt(g.coordinates)})`;
    case 'LineString':
      return `LINESTRING ${ring(g.coordinates)}`;
    case 'Polygon':
      return `POLYGON (${g.coordinates.map(ring).join(', ')})`;
    case 'MultiPoint':
      return `MULTIPOINT (${g.coordinates.map((c) => `(${pt(c)})`).join(', ')})`;
    case 'MultiLineString':
      return `MULTILINESTRING (${g.coordinates.map(ring).join(', ')})`;
    case 'MultiPolygon':
      return `MULTIPOLYGON (${g.coordinates.map((p) => `(${p.map(ring).join(', ')})`).join(', ')})`;
    default:
      return '';
  }
}
