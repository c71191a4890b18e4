import type { GeometryType } from '../catalog/layer-types.js';

/**
 * How an element is computed from layers, per district (against the real boundaries):
 * - count: features, each counted once, in the district of its point on surface;
 * - length_km: length of lines inside the district (geodesic, km);
 * - area_km2: area of polygons inside the district (geodesic, km²);
 * - area_share: that area as a percentage of the district's area;
 * - density_km2: count per km² of the district;
 * - per_1000: count per 1,000 inhabitants, from a population element's value for the same
 *   district in the same period (or the latest before it).
 */
export const MEASURES = ['count', 'length_km', 'area_km2', 'area_share', 'density_km2', 'per_1000'] as const;
export type Measure = (typeof MEASURES)[number];

export interface Derivation {
  measure: Measure;
  /** Slug of the population element, for per_1000. */
  population?: string | undefined;
}

/** The geometry a measure needs from its layers; null = any. */
export function geometryFor(measure: Measure): GeometryType | null {
  if (measure === 'length_km') return 'LineString';
  if (measure === 'area_km2' || measure === 'area_share') return 'Polygon';
  return null;
}

export function unitFor(measure: Measure): string {
  return {
    count: 'unit',
    length_km: 'km',
    area_km2: 'km²',
    area_share: 'persen',
    density_km2: 'per km²',
    per_1000: 'per 1.000 penduduk',
  }[measure];
}

export function measureTypeFor(measure: Measure): 'count' | 'quantity' | 'percentage' | 'ratio' {
  return (
    {
      count: 'count',
      length_km: 'quantity',
      area_km2: 'quantity',
      area_share: 'percentage',
      density_km2: 'ratio',
      per_1000: 'ratio',
    } as const
  )[measure];
}
