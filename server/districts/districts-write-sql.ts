import type { Knex } from 'knex';

export interface DistrictInput {
  code: string;
  codeCompact: string;
  name: string;
  level: 'kota' | 'kecamatan' | 'kelurahan';
  parentCode: string | null;
  areaKm2: number;
  /** Outer ring, lon/lat EPSG:4326. */
  ring: [number, number][];
}

/** One statement: the parent references are checked once all rows are in. */
export async function insertDistricts(knex: Knex, districts: DistrictInput[]): Promise<void> {
  const rows = districts.map((d) => ({
    code: d.code,
    code_compact: d.codeCompact,
    name: d.name,
    level: d.level,
    parent_code: d.parentCode,
    area_km2: d.areaKm2,
    geometry: { type: 'Polygon', coordinates: [d.ring] },
  }));
  await knex.raw(
    `insert into districts (code, code_compact, name, level, parent_code, area_km2, geom)
     select t.code, t.code_compact, t.name, t.level, t.parent_code, t.area_km2,
            ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(t.geometry), 4326))
       from jsonb_to_recordset(?::jsonb) as t(code text, code_compact text, name text, level text,
            parent_code text, area_km2 double precision, geometry jsonb)`,
    [JSON.stringify(rows)],
  );
}
