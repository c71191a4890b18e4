import type { Knex } from 'knex';
import { readHistory, type HistoryEntry } from '../db/history.js';

export type { HistoryEntry };

export interface NewElementHistory {
  elementId: number;
  actor: string;
  action: 'create' | 'load_values';
  details: Record<string, unknown>;
  previousVersion: number | null;
  newVersion: number | null;
}

/** Writes audit records; call inside the transaction that made the change. */
export async function recordElementHistory(trx: Knex, entries: NewElementHistory[]): Promise<void> {
  if (entries.length === 0) return;
  await trx('element_history').insert(
    entries.map((e) => ({
      element_id: e.elementId,
      actor: e.actor,
      action: e.action,
      details: JSON.stringify(e.details),
      previous_version: e.previousVersion,
      new_version: e.newVersion,
    })),
  );
}

/** An element's audit records, newest first, keyed by id for paging. */
export function elementHistory(
  knex: Knex,
  elementId: number,
  limit: number,
  before: number | null,
): Promise<HistoryEntry[]> {
  return readHistory(knex, 'element_history', elementId, limit, before);
}
