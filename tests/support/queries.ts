import type { Knex } from 'knex';

/** The alphabetically first layer of a classification: a stable pick from the seeded catalog. */
export async function firstSlug(knex: Knex, classification: 'publik' | 'terbatas'): Promise<string> {
  const row = await knex<{ slug: string; classification: string }>('layers')
    .where({ classification })
    .orderBy('slug')
    .first('slug');
  const slug = row?.slug;
  if (!slug) throw new Error(`no ${classification} layer in the fixtures`);
  return slug;
}

export async function layerRow(
  knex: Knex,
  where: { slug: string } | { id: number },
): Promise<{ id: number; data_version: number }> {
  const row = await knex<{ id: number; data_version: number; slug: string }>('layers')
    .where(where)
    .first('id', 'data_version');
  if (!row) throw new Error(`no layer ${JSON.stringify(where)}`);
  return row;
}
