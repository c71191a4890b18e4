import type { Knex } from 'knex';

export interface OpenDraftRow {
  slug: string;
  state: 'draft' | 'submitted' | 'rejected';
  version: number;
  submitted_at: Date | null;
}

/** The open drafts of every layer, by layer slug: what walidata has waiting, per state. */
export async function openDrafts(knex: Knex): Promise<Map<string, OpenDraftRow>> {
  const { rows } = await knex.raw<{ rows: OpenDraftRow[] }>(
    `select l.slug, v.state, v.version, v.submitted_at from layer_versions v join layers l on l.id = v.layer_id
      where v.state in ('draft', 'submitted', 'rejected')`,
  );
  return new Map(rows.map((r) => [r.slug, r]));
}

/** Audit records of the last `days` days per agency and action (uploads, drafts, reviews, restores). */
export async function recentActions(
  knex: Knex,
  days: number,
): Promise<{ agency: string; action: string; n: number }[]> {
  const { rows } = await knex.raw<{ rows: { agency: string; action: string; n: number }[] }>(
    `select l.agency_code as agency, h.action, count(*)::int as n
       from layer_history h join layers l on l.id = h.layer_id
      where h.at > now() - make_interval(days => ?)
      group by 1, 2 order by 1, 2`,
    [days],
  );
  return rows;
}
