import type { Knex } from 'knex';

export interface HistoryEntry {
  id: number;
  at: string;
  actor: string;
  action: string;
  details: Record<string, unknown>;
  previousVersion: number | null;
  newVersion: number | null;
}

export interface NewHistoryEntry {
  layerId: number;
  actor: string;
  action: 'create' | 'update_metadata' | 'replace_features' | 'append_features';
  details: Record<string, unknown>;
  previousVersion: number | null;
  newVersion: number | null;
}

/** Writes one audit record; call inside the transaction that made the change. */
export async function recordHistory(trx: Knex, e: NewHistoryEntry): Promise<void> {
  await trx('layer_history').insert({
    layer_id: e.layerId,
    actor: e.actor,
    action: e.action,
    details: JSON.stringify(e.details),
    previous_version: e.previousVersion,
    new_version: e.newVersion,
  });
}

/** Newest first, keyed by id for paging. */
export async function layerHistory(
  knex: Knex,
  layerId: number,
  limit: number,
  before: number | null,
): Promise<HistoryEntry[]> {
  const { rows } = await knex.raw<{
    rows: {
      id: string;
      at: string;
      actor: string;
      action: string;
      details: Record<string, unknown>;
      previous_version: string | null;
      new_version: string | null;
    }[];
  }>(
    `select id, to_char(at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as at, actor, action, details, previous_version, new_version
       from layer_history where layer_id = ? and (?::bigint is null or id < ?::bigint) order by id desc limit ?`,
    [layerId, before, before, limit],
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
