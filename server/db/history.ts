import type { Knex } from 'knex';

/** One audit record of a layer or a data element. */
export interface HistoryEntry {
  id: number;
  at: string;
  actor: string;
  action: string;
  details: Record<string, unknown>;
  previousVersion: number | null;
  newVersion: number | null;
}

const TABLES = { layer_history: 'layer_id', element_history: 'element_id' } as const;

/** Audit records of one layer or element, newest first, keyed by id for paging. */
export async function readHistory(
  knex: Knex,
  table: keyof typeof TABLES,
  ownerId: number,
  limit: number,
  before: number | null,
  hiddenActions: readonly string[] = [],
): Promise<HistoryEntry[]> {
  const { rows } = await knex.raw<{
    rows: {
      id: string;
      at: string;
      actor: string;
      action: string;
      details: Record<string, unknown>;
      previous_version: string | number | null;
      new_version: string | number | null;
    }[];
  }>(
    `select id, to_char(at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as at, actor, action, details, previous_version, new_version
       from ${table} where ${TABLES[table]} = ? and (?::bigint is null or id < ?::bigint)
        and not (action = any(?::text[])) order by id desc limit ?`,
    [ownerId, before, before, [...hiddenActions], limit],
  );
  return rows.map((r) => ({
    id: Number(r.id),
    at: r.at,
    actor: r.actor,
    action: r.action,
    details: r.details,
    previousVersion: r.previous_version === null ? null : Number(r.previous_version),
    newVersion: r.new_version === null ? null : Number(r.new_version),
  }));
}
