import type { Knex } from 'knex';

/**
 * The temporal extent of each layer's data: the first and last day of its first date property,
 * refreshed with its stats, as ISO text (YYYY-MM-DD) so an odd stored value can never fail a
 * cast. Null for a layer without a date property or without dated features:
 * OGC collections advertise a temporal extent only where the data has time.
 */
export const name = '006-time-extent';

export async function up(knex: Knex): Promise<void> {
  await knex.raw('alter table layers add column time_min text, add column time_max text');
  await knex.raw(`
    with t as (
      select l.id, (select e ->> 'name' from jsonb_array_elements(l.fields) e where e ->> 'type' = 'date' limit 1) as field
        from layers l)
    update layers l
       set time_min = s.lo, time_max = s.hi
      from (select t.id, min(left(f.properties ->> t.field, 10) collate "C") as lo, max(left(f.properties ->> t.field, 10) collate "C") as hi
              from t join features f on f.layer_id = t.id
             where t.field is not null and (f.properties ->> t.field) ~ '^\\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])'
             group by t.id) s
     where l.id = s.id`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('alter table layers drop column time_min, drop column time_max');
}
