import type { Knex } from 'knex';

/** Geometry checks kept with each layer, refreshed with its stats: null until first checked. */
export const name = '004-geometry-checks';

export async function up(knex: Knex): Promise<void> {
  await knex.raw('alter table layers add column invalid_geometry_count integer, add column outside_city_count integer');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('alter table layers drop column invalid_geometry_count, drop column outside_city_count');
}
