import type { Knex } from 'knex';

/**
 * The publik catalogue records (CSW) as one table: layers, and data elements as `elemen-<id>`
 * with their name as title, their definition and words as description, and no extent (their
 * records carry the city's Kemendagri code, not a box).
 */
export const PUBLIK_RECORDS = `(
  select slug, title, description, agency_code, theme_code, extent from layers where classification = 'publik'
  union all
  select 'elemen-' || slug, name,
         concat_ws(' ', definition, unit, array_to_string(keywords, ' '), array_to_string(caveats, ' ')),
         agency_code, theme_code, null::geometry
    from elements where classification = 'publik'
) r`;

/** Ids of the publik records a condition selects, in byte order (or `orderBy`). */
export async function publikRecordIds(
  knex: Knex,
  where = 'true',
  bindings: (string | number)[] = [],
  orderBy = 'slug collate "C"',
): Promise<string[]> {
  const { rows } = await knex.raw<{ rows: { slug: string }[] }>(
    `select slug from ${PUBLIK_RECORDS} where ${where} order by ${orderBy}`,
    bindings,
  );
  return rows.map((r) => r.slug);
}
