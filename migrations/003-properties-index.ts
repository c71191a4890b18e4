import type { Knex } from 'knex';

/**
 * Attribute filters (OGC equality parameters, CQL2 `=` on text) are written as jsonb
 * containment, which this GIN index serves; spatial filters use the (layer_id, geom) GiST index.
 */
export const name = '003-properties-index';

export async function up(knex: Knex): Promise<void> {
  await knex.raw('create index features_properties_idx on features using gin (properties jsonb_path_ops)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index features_properties_idx');
}
