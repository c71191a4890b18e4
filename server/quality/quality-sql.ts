import type { Knex } from 'knex';
import { whereLayerVisible, type Caller } from '../auth/access.js';

export interface GeometryCheckRow {
  slug: string;
  invalid_geometry_count: number | null;
  outside_city_count: number | null;
}

/** The stored geometry checks of every layer the caller may see, by slug (null until first checked). */
export async function geometryChecks(knex: Knex, caller: Caller): Promise<Map<string, GeometryCheckRow>> {
  const rows = (await whereLayerVisible(
    knex('layers as l').select('l.slug', 'l.invalid_geometry_count', 'l.outside_city_count'),
    caller,
  )) as GeometryCheckRow[];
  return new Map(rows.map((r) => [r.slug, r]));
}
