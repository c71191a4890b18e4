/** A row of /api/layer-index. */
export interface LayerEntry {
  id: string;
  title: string;
  agency: string;
  theme: string;
  geometryType: 'Point' | 'LineString' | 'Polygon';
  featureCount: number;
  /** [minLon, minLat, maxLon, maxLat] */
  bbox: [number, number, number, number] | null;
  color: string | null;
  keywords: string[];
  /** Not publik: visible only with a token. */
  restricted: boolean;
}

export interface Named {
  code: string;
  name: string;
  shortName?: string;
}
