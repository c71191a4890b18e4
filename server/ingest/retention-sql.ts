import type { Knex } from 'knex';

/**
 * What retention (issue 15) may remove. Drafts (draft or rejected: never submitted for review or
 * sent back) untouched for `draftDays` are stale; a superseded version's data may go once it is
 * outside the layer's newest `keep` versions and was published more than `keepDays` ago (its
 * approval, else its creation). Submitted drafts wait for walidata and are never stale.
 */

export interface RetentionCandidate {
  layer_id: number;
  slug: string;
  version: number;
  state: string;
  at: Date;
  feature_count: number;
}

export async function staleDrafts(knex: Knex, draftDays: number): Promise<RetentionCandidate[]> {
  const { rows } = await knex.raw<{ rows: RetentionCandidate[] }>(
    `select v.layer_id, l.slug, v.version, v.state, greatest(v.created_at, v.reviewed_at) as at, v.feature_count
       from layer_versions v join layers l on l.id = v.layer_id
      where v.state in ('draft', 'rejected') and greatest(v.created_at, v.reviewed_at) < now() - make_interval(days => ?)
      order by l.slug, v.version`,
    [draftDays],
  );
  return rows;
}

export async function expiredVersions(knex: Knex, keep: number, keepDays: number): Promise<RetentionCandidate[]> {
  const { rows } = await knex.raw<{ rows: RetentionCandidate[] }>(
    `select v.layer_id, l.slug, v.version, v.state, coalesce(v.reviewed_at, v.created_at) as at, v.feature_count
       from layer_versions v join layers l on l.id = v.layer_id
      where v.state = 'superseded' and v.storage_id is not null
        and v.version <= (select max(w.version) from layer_versions w where w.layer_id = v.layer_id) - ?
        and coalesce(v.reviewed_at, v.created_at) < now() - make_interval(days => ?)
      order by l.slug, v.version`,
    [keep, keepDays],
  );
  return rows;
}

/**
 * A stale draft, discarded: its storage (a draft's own, never shared) and features deleted, its
 * record kept as `discarded`. False when it changed meanwhile (a new upload, a submit).
 */
export async function discardDraft(trx: Knex.Transaction, layerId: number, version: number): Promise<boolean> {
  const {
    rows: [v],
  } = await trx.raw<{ rows: { storage_id: number | null }[] }>(
    `select storage_id from layer_versions where layer_id = ? and version = ? and state in ('draft', 'rejected') for update`,
    [layerId, version],
  );
  if (!v) return false;
  await trx.raw(
    `update layer_versions set state = 'discarded', storage_id = null, data_removed_at = now(), data_removed_by = 'retention'
      where layer_id = ? and version = ?`,
    [layerId, version],
  );
  if (v.storage_id !== null) {
    await trx.raw('delete from features where layer_id = ?', [v.storage_id]);
    await trx.raw('delete from layer_storages where id = ?', [v.storage_id]);
  }
  return true;
}
