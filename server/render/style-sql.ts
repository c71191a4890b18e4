import type { Knex } from 'knex';

/** Most values a classification reads: evenly spaced over the sorted values, min and max kept. */
const CLASSIFY_SAMPLE = 10_000;

/**
 * The numeric values of one property of a layer version (its storage), ascending, thinned to CLASSIFY_SAMPLE evenly
 * spaced ones when there are more (quantiles and natural breaks of a sample that keeps the order
 * statistics; Jenks on a million values would take minutes). The property name is a bound value.
 */
export async function numericValues(knex: Knex, storageId: number, property: string): Promise<number[]> {
  const { rows } = await knex.raw<{ rows: { v: number }[] }>(
    `select (properties ->> ?)::float8 as v from features
      where layer_id = ? and jsonb_typeof(properties -> ?) = 'number'
      order by 1`,
    [property, storageId, property],
  );
  if (rows.length <= CLASSIFY_SAMPLE) return rows.map((r) => r.v);
  const step = (rows.length - 1) / (CLASSIFY_SAMPLE - 1);
  return Array.from({ length: CLASSIFY_SAMPLE }, (_, i) => (rows[Math.round(i * step)] as { v: number }).v);
}

/** The most frequent values of one property (not null), most frequent first, then by value. */
export async function frequentValues(
  knex: Knex,
  storageId: number,
  property: string,
  limit: number,
): Promise<(string | number | boolean)[]> {
  const { rows } = await knex.raw<{ rows: { v: string | number | boolean }[] }>(
    `select properties -> ? as v, count(*) as n from features
      where layer_id = ? and jsonb_typeof(properties -> ?) in ('string', 'number', 'boolean')
      group by 1 order by 2 desc, 1 limit ?`,
    [property, storageId, property, limit],
  );
  return rows.map((r) => r.v);
}
