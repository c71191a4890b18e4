import type { Classification } from '../catalog/layer-types.js';

/** Administrative levels a value can be about (Kemendagri codes: 36.71, 36.71.04, 36.71.04.1004). */
export type Level = 'kota' | 'kecamatan' | 'kelurahan';
export const LEVELS: Level[] = ['kota', 'kecamatan', 'kelurahan'];
/** What kind of number a value is ("jenis ukuran"); `quantity` covers physical sizes (km², km). */
export type MeasureType = 'count' | 'quantity' | 'ratio' | 'percentage' | 'currency' | 'index' | 'category';
export const MEASURE_TYPES: MeasureType[] = [
  'count',
  'quantity',
  'ratio',
  'percentage',
  'currency',
  'index',
  'category',
];
/** Frekuensi penerbitan (Satu Data Indonesia / BPS metadata kegiatan). */
export type Frequency = 'tahunan' | 'semesteran' | 'bulanan' | 'tidak_tentu';
export const FREQUENCIES: Frequency[] = ['tahunan', 'semesteran', 'bulanan', 'tidak_tentu'];
/** Why a value is missing: never stored as 0. */
export type MissingReason = 'tidak_dilaporkan' | 'tidak_dikumpulkan' | 'rahasia' | 'tidak_berlaku';
/** Status of a value as BPS publishes it: provisional (sementara) or final (tetap). */
export type ValueStatus = 'sementara' | 'tetap';

/** What a producer (or the fixtures) supplies for a data element. */
export interface ElementInput {
  slug: string;
  name: string;
  definition: string;
  unit: string;
  measureType: MeasureType;
  frequency: Frequency;
  agencyCode: string;
  themeCode: string;
  /** Walidata: the data custodian under Satu Data Indonesia. */
  custodian: string | null;
  source: string | null;
  classification: Classification;
  license: string | null;
  keywords: string[];
  notes: string | null;
  caveats: string[];
  isSample: boolean;
}

/** An element as the registry holds it, with what its values say about it. */
export interface ElementRecord extends ElementInput {
  id: number;
  agencyName: string;
  themeName: string;
  /** Levels that have values, coarse to fine. */
  levels: Level[];
  firstPeriod: string | null;
  lastPeriod: string | null;
  valueCount: number;
  dataVersion: number;
  /** When its values last changed (ISO 8601). */
  modifiedAt: string;
  /** When the element was registered (ISO 8601). */
  createdAt: string;
}

export interface ValueInput {
  level: Level;
  /** 'YYYY', 'YYYY-MM', 'YYYY-YYYY' or '' (no reference date given by the source). */
  period: string;
  districtCode: string;
  value: number | null;
  missingReason: MissingReason | null;
  status: ValueStatus;
  footnote: string | null;
}
