export type GeometryType = 'Point' | 'LineString' | 'Polygon';
export type Classification = 'publik' | 'terbatas';

export interface FieldDef {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
}

/** What a producer (or the fixture generator) supplies for a layer; stats and versions are the database's. */
export interface LayerInput {
  slug: string;
  title: string;
  description: string;
  agencyCode: string;
  themeCode: string;
  geometryType: GeometryType;
  classification: Classification;
  fields: FieldDef[];
  style: Record<string, unknown>;
  minZoom: number;
  maxZoom: number;
  producer: string | null;
  /** Walidata: the data custodian under Satu Data Indonesia. */
  custodian: string | null;
  contactEmail: string | null;
  source: string | null;
  /** Map scale denominator, e.g. 5000 for 1:5.000. */
  scaleDenominator: number | null;
  updateFrequency: string | null;
  /** ISO date, YYYY-MM-DD. */
  lastUpdate: string | null;
  license: string | null;
  keywords: string[];
  lineage: string | null;
  referenceSystem: string | null;
  isSample: boolean;
  /** Properties carried in vector tiles; null = all fields. */
  tileFields: string[] | null;
}

/** A layer as the registry holds it: the input plus identity, stats and version. */
export interface LayerRecord extends LayerInput {
  id: number;
  /**
   * Where the features of the version this record describes are stored (`features.layer_id`):
   * the current version's storage unless a version was asked for. Every feature statement reads
   * this, never `id` (see migrations/014-layer-versions.ts).
   */
  storageId: number;
  agencyName: string;
  agencyShortName: string;
  themeName: string;
  /** [minLon, minLat, maxLon, maxLat] in EPSG:4326, null while the layer is empty. */
  bbox: [number, number, number, number] | null;
  featureCount: number;
  /** First and last day (YYYY-MM-DD) of the layer's first date property; null without dated data. */
  timeExtent: [string, string] | null;
  dataVersion: number;
  dataUpdatedAt: string;
  /** When the layer was registered (ISO 8601): DCAT issued, CKAN metadata_created. */
  createdAt: string;
}
