import type { Knex } from 'knex';
import { readHistory, type HistoryEntry } from '../db/history.js';

export type { HistoryEntry };

export interface NewHistoryEntry {
  layerId: number;
  actor: string;
  action:
    | 'create'
    | 'update_metadata'
    | 'update_style'
    | 'replace_features'
    | 'append_features'
    | 'restore_version'
    | 'remove_version_data'
    | 'draft_features'
    | 'submit_version'
    | 'reject_version'
    | 'discard_draft'
    | 'approve_version';
  details: Record<string, unknown>;
  previousVersion: number | null;
  newVersion: number | null;
}

/** Audit records about unpublished versions: shown only to who may see drafts (their notes, files, counts). */
const DRAFT_ACTIONS = ['draft_features', 'submit_version', 'reject_version', 'discard_draft'] as const;

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
export function layerHistory(
  knex: Knex,
  layerId: number,
  limit: number,
  before: number | null,
  withDrafts: boolean,
): Promise<HistoryEntry[]> {
  return readHistory(knex, 'layer_history', layerId, limit, before, withDrafts ? [] : DRAFT_ACTIONS);
}
