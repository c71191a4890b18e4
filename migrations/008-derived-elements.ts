import type { Knex } from 'knex';

/**
 * Elements computed from layers (Satu Data meets Satu Peta): `derivation` says how (count of
 * features, length of lines, area or share of area of polygons, density per km² or per 1,000
 * inhabitants), `element_sources` which layers feed which period and at which data version the
 * values were last computed, so a change to a layer's features recomputes them.
 */
export const name = '008-derived-elements';

export async function up(knex: Knex): Promise<void> {
  await knex.raw('alter table elements add column derivation jsonb');
  await knex.raw(`
    create table element_sources (
      element_id integer not null references elements(id) on delete cascade,
      layer_id integer not null references layers(id) on delete cascade,
      period text not null,
      data_version integer,
      primary key (element_id, layer_id)
    )`);
  await knex.raw('create index element_sources_layer_idx on element_sources (layer_id)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table element_sources');
  await knex.raw('alter table elements drop column derivation');
}
