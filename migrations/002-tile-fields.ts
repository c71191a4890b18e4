import type { Knex } from 'knex';

/** Which properties a layer's vector tiles carry: null = all; a list keeps wide layers' tiles small. */
export const name = '002-tile-fields';

export async function up(knex: Knex): Promise<void> {
  await knex.raw('alter table layers add column tile_fields jsonb');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('alter table layers drop column tile_fields');
}
