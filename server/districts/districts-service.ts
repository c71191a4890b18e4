import type { Knex } from 'knex';
import type { Caller } from '../auth/access.js';
import { notFound } from '../http/app-error.js';
import {
  cityExtent,
  districtExists,
  districtsAt,
  findDistrict,
  layersInDistrict,
  listDistricts,
  type District,
  type DistrictGeometry,
  type DistrictLevel,
} from './districts-sql.js';

export interface LookupResult {
  inside: boolean;
  /** lon/lat, EPSG:4326, as asked. */
  point: [number, number];
  kota: District | null;
  kecamatan: District | null;
  kelurahan: District | null;
  /** True when the point lies in an overlap sliver of two simplified polygons. */
  ambiguous: boolean;
  alternatives: District[];
  message: string;
}

export class DistrictsService {
  constructor(private readonly knex: Knex) {}

  list(filter: { level?: DistrictLevel | undefined; parent?: string | undefined }, geometry: DistrictGeometry) {
    return listDistricts(this.knex, filter, geometry);
  }

  /** The city's extent, [minLon, minLat, maxLon, maxLat] in EPSG:4326; null before the boundaries are loaded. */
  cityExtent(): Promise<[number, number, number, number] | null> {
    return cityExtent(this.knex);
  }

  /** Whether a kota, kecamatan or kelurahan has this Kemendagri code. */
  exists(code: string): Promise<boolean> {
    return districtExists(this.knex, code);
  }

  async get(code: string): Promise<{ district: District; geometry: string }> {
    const found = await findDistrict(this.knex, code);
    if (!found)
      throw notFound('district_not_found', `No kota, kecamatan or kelurahan with code "${code}". See /api/districts.`, {
        parameter: 'code',
        value: code,
      });
    return found;
  }

  async layers(caller: Caller, code: string) {
    const { district } = await this.get(code);
    const items = await layersInDistrict(this.knex, caller, district.code);
    return { district, items };
  }

  async lookup(lon: number, lat: number): Promise<LookupResult> {
    const hits = await districtsAt(this.knex, lon, lat);
    const kota = hits.find((d) => d.level === 'kota') ?? null;
    const kelurahan = hits.filter((d) => d.level === 'kelurahan');
    const first = kelurahan[0] ?? null;
    // The kecamatan is the chosen kelurahan's parent, so the pair is always consistent.
    const kecamatan =
      hits.find((d) => d.level === 'kecamatan' && (!first || d.code === first.parentCode)) ??
      hits.find((d) => d.level === 'kecamatan') ??
      null;
    const inside = kota !== null || first !== null;
    return {
      inside,
      point: [lon, lat],
      kota,
      kecamatan,
      kelurahan: first,
      ambiguous: kelurahan.length > 1,
      alternatives: kelurahan.slice(1),
      message: inside
        ? `Titik berada di Kelurahan ${first?.name ?? '?'}, Kecamatan ${kecamatan?.name ?? '?'}, Kota Tangerang.`
        : 'Titik berada di luar Kota Tangerang (outside Kota Tangerang).',
    };
  }
}
