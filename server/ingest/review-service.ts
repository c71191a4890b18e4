import type { Knex } from 'knex';
import { actorName, mayReview, requireToken, requireWriter, type Caller } from '../auth/access.js';
import type { CatalogService } from '../catalog/catalog-service.js';
import type { FieldDef, LayerRecord } from '../catalog/layer-types.js';
import type { ElementsService } from '../elements/elements-service.js';
import { AppError } from '../http/app-error.js';
import type { WebhookEvent, WebhooksService } from '../notify/webhooks-service.js';

import { completeness } from '../quality/metadata-elements.js';
import { invalidCount, markDraft, markPublished, openDraft, openPublished, saveDraft } from './draft-sql.js';
import { recordHistory } from './history-sql.js';
import { lockLayerRow, tryLockUploads, type LockedLayer } from './ingest-sql.js';
import { copyStorage, getVersion, newStorage, restoreStorage, type VersionAction } from './versions-sql.js';
import { busy, versionJson, type VersionJson, type VersionRef, type VersionsService } from './versions-service.js';

export interface ReviewOptions {
  /** A produsen's (editor's) upload waits for walidata's approval. */
  required: boolean;
  /** Agencies whose produsen publish without review. */
  trustedAgencies: string[];
  /** The metadata completeness (0–100, as /api/quality scores it) approval needs. */
  minCompleteness: number;
}

const EVENTS: Record<'submit_version' | 'reject_version' | 'approve_version', WebhookEvent> = {
  submit_version: 'version.submitted',
  reject_version: 'version.rejected',
  approve_version: 'version.approved',
};

/** A draft being written by an upload: its new storage and the open draft it replaces. */
export interface DraftWrite {
  storage: number;
  /** Invalid geometries an append carries over from what it copied (a replace's are all checked: 0). */
  invalidBase: number;
  replaces: { version: number; storageId: number | null; keepBase: boolean } | null;
  /** The schema the upload adds to: the open draft's on an append to it, else the layer's. */
  baseFields: FieldDef[];
}

/**
 * Satu Data's producer → walidata → publication (issue 15). With review on (the default), a
 * produsen's upload becomes the layer's draft, which every public surface ignores; the produsen
 * submits it, walidata approves it (the same storage switch as a restore, after the city's
 * checks) or rejects it with a note. Admins, the command line and trusted agencies publish
 * directly.
 */
export class ReviewService {
  constructor(
    private readonly knex: Knex,
    private readonly catalog: CatalogService,
    private readonly versions: VersionsService,
    private readonly elements: ElementsService,
    private readonly webhooks: WebhooksService,
    private readonly options: ReviewOptions,
  ) {}

  /** Whether this caller's upload to a layer of this agency waits for review. */
  needsReview(caller: Caller, agencyCode: string): boolean {
    if (!this.options.required || caller.kind !== 'token' || caller.role !== 'editor') return false;
    return !this.options.trustedAgencies.includes(agencyCode);
  }

  /**
   * Inside an upload's transaction: a fresh storage for the draft (a copy of the open draft, or
   * of the published version, for an append). 409 while a submitted draft waits for review.
   */
  async beginDraft(trx: Knex.Transaction, layer: LockedLayer, slug: string, copy: boolean): Promise<DraftWrite> {
    const open = await openDraft(trx, layer.id);
    if (open?.state === 'submitted')
      throw new AppError(
        409,
        'draft_submitted',
        `Version ${open.version} of "${slug}" waits for walidata's review; upload again once it is approved or rejected. Nothing was written.`,
        { layer: slug, version: open.version },
      );
    const storage = await newStorage(trx, layer.id);
    if (copy) await copyStorage(trx, open?.storage_id ?? layer.storage_id, storage);
    return {
      storage,
      invalidBase: copy ? await invalidCount(trx, layer.id, open?.version ?? null) : 0,
      replaces: open ? { version: open.version, storageId: open.storage_id, keepBase: copy } : null,
      baseFields: copy && open ? open.fields : layer.fields,
    };
  }

  /** Records the written storage as the layer's draft; returns its version number and feature count. */
  async saveDraft(
    trx: Knex.Transaction,
    layerId: number,
    d: DraftWrite,
    action: VersionAction,
    actor: string,
    fields: FieldDef[],
  ): Promise<{ version: number; featureCount: number }> {
    const version = await saveDraft(trx, layerId, {
      storageId: d.storage,
      action,
      actor,
      fields,
      replaces: d.replaces,
      invalidBase: d.invalidBase,
    });
    return { version, featureCount: (await getVersion(trx, layerId, version))?.feature_count ?? 0 };
  }

  /** The produsen hands its draft (or a rejected one, corrected) to walidata. */
  async submit(caller: Caller, slug: string, ref: VersionRef): Promise<VersionJson> {
    const visible = await this.catalog.getLayer(caller, slug);
    requireWriter(caller, visible.agencyCode);
    return this.decide(caller, visible, ref, ['draft', 'rejected'], 'submit_version', async (trx, version) => {
      await markDraft(trx, visible.id, version, 'submitted', null);
      return {};
    });
  }

  /** Walidata rejects a submitted draft with a note saying what to fix; the public never saw it. */
  async reject(caller: Caller, slug: string, ref: VersionRef, note: string): Promise<VersionJson> {
    const visible = await this.reviewable(caller, slug);
    return this.decide(caller, visible, ref, ['submitted'], 'reject_version', async (trx, version) => {
      await markDraft(trx, visible.id, version, 'rejected', { by: actorName(caller), note });
      return { note };
    });
  }

  /**
   * Walidata publishes a submitted draft after the city's checks (422 approval_refused with the
   * reasons otherwise): the layer switches to the draft's storage, every surface with it.
   */
  async approve(caller: Caller, slug: string, ref: VersionRef): Promise<VersionJson> {
    const visible = await this.reviewable(caller, slug);
    return this.decide(caller, visible, ref, ['submitted'], 'approve_version', async (trx, version, layer) => {
      const row = await getVersion(trx, visible.id, version);
      if (!row) throw new Error('draft vanished inside its approval');
      const published = (await openPublished(trx, visible.id)) ?? null;
      // An append draft is a copy of the version published when it was made plus the new rows:
      // approving it after the layer moved on (an admin's upload, a restore) would drop those changes.
      if (row.action === 'append' && row.based_on !== published)
        throw new AppError(
          409,
          'draft_outdated',
          `Version ${version} of "${slug}" adds to version ${row.based_on ?? '?'}, but version ${published ?? '?'} is published now; upload the additions again onto it. Nothing was changed.`,
          { layer: slug, version, basedOn: row.based_on, published },
        );
      const reasons = this.refusals(visible, row);
      if (reasons.length)
        throw new AppError(
          422,
          'approval_refused',
          `Version ${version} of "${slug}" cannot be published yet: ${reasons.map((r) => r.message).join(' ')}`,
          { layer: slug, version, reasons },
        );
      await restoreStorage(trx, visible.id, row);
      await markPublished(trx, visible.id, version, actorName(caller));
      await this.elements.refreshDerivedFor(trx, [visible.id]);
      return { featureCount: row.feature_count, previousDataVersion: layer.data_version };
    });
  }

  /** The city's publication checks, each with a code and what to do. */
  private refusals(layer: LayerRecord, row: { feature_count: number; stats: { outsideCityCount: number | null } }) {
    const reasons: { code: string; message: string; details?: unknown }[] = [];
    const meta = completeness(layer);
    if (meta.score < this.options.minCompleteness)
      reasons.push({
        code: 'metadata_incomplete',
        message: `Metadata is ${meta.score}% complete, below the ${this.options.minCompleteness}% publication needs: fill in ${meta.missing.join(', ')}.`,
        details: { score: meta.score, missing: meta.missing },
      });
    if (row.feature_count === 0) reasons.push({ code: 'empty_layer', message: 'The draft has no features.' });
    const outside = row.stats.outsideCityCount ?? 0;
    if (outside > 0)
      reasons.push({
        code: 'features_outside_city',
        message: `${outside} feature(s) lie outside Kota Tangerang: check their coordinates or the CRS.`,
        details: { count: outside },
      });
    return reasons;
  }

  private async reviewable(caller: Caller, slug: string): Promise<LayerRecord> {
    const who = requireToken(caller);
    const layer = await this.catalog.getLayer(caller, slug);
    if (!mayReview(caller, layer.agencyCode))
      throw new AppError(
        403,
        'forbidden',
        `Only walidata (or an admin) may review drafts; this token is ${who.role}.`,
        {
          role: who.role,
          agency: layer.agencyCode,
        },
      );
    return layer;
  }

  /**
   * One review step in one transaction: lock, check the state, act, audit, queue its webhook
   * notices; once committed, send them and answer the version.
   */
  private async decide(
    caller: Caller,
    visible: LayerRecord,
    ref: VersionRef,
    from: string[],
    action: 'submit_version' | 'reject_version' | 'approve_version',
    act: (trx: Knex.Transaction, version: number, layer: LockedLayer) => Promise<Record<string, unknown>>,
  ): Promise<VersionJson> {
    const answer = await this.knex.transaction(async (trx) => {
      if (!(await tryLockUploads(trx, visible.id))) throw busy(visible.slug);
      const layer = await lockLayerRow(trx, visible.id);
      if (!layer) throw new Error('layer vanished inside its review');
      const row = await this.versions.find(caller, visible, ref, trx);
      if (!from.includes(row.state))
        throw new AppError(
          409,
          'version_not_submitted',
          `Version ${row.version} of "${visible.slug}" is ${row.state}; this step needs it ${from.join(' or ')}.`,
          { layer: visible.slug, version: row.version, state: row.state },
        );
      const details = await act(trx, row.version, layer);
      const after = await lockLayerRow(trx, visible.id);
      await recordHistory(trx, {
        layerId: visible.id,
        actor: actorName(caller),
        action,
        details: { version: row.version, ...details },
        previousVersion: action === 'approve_version' ? layer.data_version : null,
        newVersion: action === 'approve_version' ? (after?.data_version ?? null) : null,
      });
      const now = await getVersion(trx, visible.id, row.version);
      if (!now) throw new Error('version vanished inside its review');
      await this.webhooks.queue(trx, EVENTS[action], {
        layer: { id: visible.slug, title: visible.title, agency: visible.agencyCode },
        version: {
          number: now.version,
          state: now.state,
          action: now.action,
          featureCount: now.feature_count,
          createdBy: now.created_by,
        },
        actor: actorName(caller),
        ...(typeof details.note === 'string' ? { note: details.note } : {}),
      });
      return versionJson(now, null);
    });
    this.webhooks.flush();
    return answer;
  }
}
