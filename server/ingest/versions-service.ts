import type { Knex } from 'knex';
import { actorName, maySeeDrafts, requireToken, requireWriter, type Caller } from '../auth/access.js';
import type { CatalogService } from '../catalog/catalog-service.js';
import type { FieldDef, LayerRecord } from '../catalog/layer-types.js';
import type { ElementsService } from '../elements/elements-service.js';
import { AppError } from '../http/app-error.js';
import { recordHistory } from './history-sql.js';
import { lockLayerRow, tryLockUploads } from './ingest-sql.js';
import { diffPage, diffSummary, type DiffRow, type DiffSummary } from './version-diff-sql.js';
import { openDraft } from './draft-sql.js';
import {
  copyStorage,
  getVersion,
  listVersions,
  newStorage,
  recordVersion,
  removeVersionData,
  restoreStorage,
  switchStorage,
  UNPUBLISHED,
  type VersionAction,
  type VersionRow,
} from './versions-sql.js';

/** A version by number, or the layer's open draft. */
export type VersionRef = number | 'draft';

/** One version of a layer as the API shows it. */
export interface VersionJson {
  version: number;
  /** `published`: what every surface serves now; `superseded`: an earlier one, kept and restorable. */
  state: VersionRow['state'];
  action: VersionAction;
  restoredFrom: number | null;
  createdBy: string | null;
  createdAt: string;
  dataVersion: number;
  featureCount: number;
  bbox: [number, number, number, number] | null;
  fields: FieldDef[];
  /** Against the version before it: feature count and schema. */
  changes: {
    featureCount: number;
    fieldsAdded: string[];
    fieldsRemoved: string[];
    fieldsRetyped: string[];
  } | null;
  /** Its features were deleted by an administrator (the record stays): it can no longer be read or restored. */
  dataRemoved: { at: string; by: string | null } | null;
  /** When its produsen submitted it for review (drafts). */
  submittedAt: string | null;
  /** Walidata's decision: who and when, and the note of a rejection. */
  review: { by: string | null; at: string | null; note: string | null } | null;
}

/**
 * Layer versions (issue 15): every upload makes a new version in a storage of its own, the
 * previous one kept; any kept version can be read and made current again. Uploads call
 * `beginWrite` and `record` inside their transaction; the API lists, reads, restores and (an
 * administrator) removes old versions' data.
 */
export class VersionsService {
  constructor(
    private readonly knex: Knex,
    private readonly catalog: CatalogService,
    private readonly elements: ElementsService,
  ) {}

  /**
   * The storage a write of the layer goes into, already current: a fresh one for a replace, a
   * copy of the current one for an append. The current version's storage is never written.
   */
  async beginWrite(trx: Knex.Transaction, layerId: number, currentStorage: number, copy: boolean): Promise<number> {
    const storage = await newStorage(trx, layerId);
    if (copy) await copyStorage(trx, currentStorage, storage);
    await switchStorage(trx, layerId, storage);
    return storage;
  }

  /** Records the layer as it now is (storage and refreshed stats) as its published version. */
  record(trx: Knex.Transaction, layerId: number, action: VersionAction, actor: string): Promise<number> {
    return recordVersion(trx, layerId, { action, actor });
  }

  /** A page of a layer's versions, newest first, for anyone who may see the layer. */
  async list(
    caller: Caller,
    slug: string,
    limit: number,
    before: number | null,
  ): Promise<{ layer: LayerRecord; items: VersionJson[]; next: number | null }> {
    const layer = await this.catalog.getLayer(caller, slug);
    const drafts = maySeeDrafts(caller, layer.agencyCode);
    const rows = await listVersions(this.knex, layer.id, limit + 1, before, drafts);
    const page = rows.slice(0, limit);
    const items: VersionJson[] = [];
    for (const r of page) items.push(versionJson(r, await this.previous(layer, r)));
    return { layer, items, next: rows.length > limit ? (items.at(-1)?.version ?? null) : null };
  }

  /** One version, with its changes against the current one (a draft) or the one before. */
  async get(caller: Caller, slug: string, ref: VersionRef): Promise<{ layer: LayerRecord; item: VersionJson }> {
    const layer = await this.catalog.getLayer(caller, slug);
    const row = await this.find(caller, layer, ref);
    return { layer, item: versionJson(row, await this.previous(layer, row)) };
  }

  /**
   * What a version is compared with: the published one for an unpublished version; else the
   * latest version before it that was ever published (never a draft, whose number may be lower).
   */
  private async previous(layer: LayerRecord, row: VersionRow, knex: Knex = this.knex): Promise<VersionRow | null> {
    const { rows } = await knex.raw<{ rows: { version: number | null }[] }>(
      UNPUBLISHED.includes(row.state)
        ? `select max(version) as version from layer_versions where layer_id = ? and state = 'published' and ? > 0`
        : `select max(version) as version from layer_versions
            where layer_id = ? and version < ? and state in ('published', 'superseded')`,
      [layer.id, row.version],
    );
    const version = rows[0]?.version ?? null;
    return version === null ? null : getVersion(knex, layer.id, version);
  }

  /**
   * The layer as it was at a version: the record every feature surface reads, pointed at that
   * version's storage, with its count, extent and schema. The current version is the layer itself.
   */
  async layerAt(caller: Caller, slug: string, ref: VersionRef): Promise<LayerRecord> {
    const layer = await this.catalog.getLayer(caller, slug);
    const row = await this.find(caller, layer, ref);
    if (row.state === 'published') return layer;
    if (row.storage_id === null) throw dataRemoved(slug, row.version);
    const bbox = bboxOf(row);
    return {
      ...layer,
      storageId: row.storage_id,
      dataVersion: row.data_version,
      featureCount: row.feature_count,
      fields: row.fields,
      bbox,
      timeExtent:
        row.stats.timeMin !== null && row.stats.timeMax !== null ? [row.stats.timeMin, row.stats.timeMax] : null,
    };
  }

  /**
   * Feature-level differences from one version to another (either may be the later), paged by
   * feature id: the summary counts every feature, the page lists up to `limit` that differ.
   */
  async diff(
    caller: Caller,
    slug: string,
    from: VersionRef,
    to: VersionRef,
    after: number,
    limit: number,
  ): Promise<{ layer: LayerRecord; summary: DiffSummary; rows: DiffRow[]; next: number | null }> {
    const layer = await this.catalog.getLayer(caller, slug);
    const [a, b] = [await this.find(caller, layer, from), await this.find(caller, layer, to)];
    if (a.storage_id === null) throw dataRemoved(slug, a.version);
    if (b.storage_id === null) throw dataRemoved(slug, b.version);
    const summary = await diffSummary(this.knex, a.storage_id, b.storage_id);
    const page = await diffPage(this.knex, a.storage_id, b.storage_id, after, limit + 1);
    const rows = page.slice(0, limit);
    return { layer, summary, rows, next: page.length > limit ? (rows.at(-1)?.fid ?? null) : null };
  }

  /**
   * Makes a kept version current again, as a new version that shares its storage: no feature is
   * copied, every cache key moves on, data elements computed from the layer follow.
   */
  async restore(caller: Caller, slug: string, version: number): Promise<VersionJson> {
    const visible = await this.catalog.getLayer(caller, slug);
    requireWriter(caller, visible.agencyCode);
    return this.knex.transaction(async (trx) => {
      if (!(await tryLockUploads(trx, visible.id))) throw busy(slug);
      const layer = await lockLayerRow(trx, visible.id);
      if (!layer) throw new Error('layer vanished inside its restore');
      const row = await this.find(caller, visible, version, trx);
      if (row.state === 'published')
        throw new AppError(409, 'version_is_current', `Version ${version} of "${slug}" is already the current one.`, {
          layer: slug,
          version,
        });
      if (row.storage_id === null) throw dataRemoved(slug, version);
      if (UNPUBLISHED.includes(row.state))
        throw new AppError(
          409,
          'version_not_published',
          `Version ${version} of "${slug}" is a ${row.state} draft: it is published by walidata's approval, not restored.`,
          { layer: slug, version, state: row.state },
        );
      await restoreStorage(trx, layer.id, row);
      await this.elements.refreshDerivedFor(trx, [layer.id]);
      const actor = actorName(caller);
      const n = await recordVersion(trx, layer.id, { action: 'restore', actor, restoredFrom: version });
      const made = await getVersion(trx, layer.id, n);
      if (!made) throw new Error('restored version vanished');
      await recordHistory(trx, {
        layerId: layer.id,
        actor,
        action: 'restore_version',
        details: { version: n, restoredFrom: version, featureCount: made.feature_count },
        previousVersion: layer.data_version,
        newVersion: made.data_version,
      });
      return versionJson(made, await this.previous(visible, made, trx));
    });
  }

  /**
   * Deletes the features of a version that is not current, keeping its record (administrators
   * only, audited): the one way published data is ever removed.
   */
  async removeData(caller: Caller, slug: string, version: number): Promise<{ version: number; deleted: number }> {
    const who = requireToken(caller);
    const layer = await this.catalog.getLayer(caller, slug);
    if (who.role !== 'admin')
      throw new AppError(403, 'forbidden', "Only an administrator may remove a version's data.", { role: who.role });
    return this.knex.transaction(async (trx) => {
      if (!(await tryLockUploads(trx, layer.id))) throw busy(slug);
      const row = await this.find(caller, layer, version, trx);
      if (row.state === 'published')
        throw new AppError(
          409,
          'version_is_current',
          `Version ${version} of "${slug}" is the current one; restore another version first.`,
          { layer: slug, version },
        );
      if (row.storage_id === null) throw dataRemoved(slug, version);
      if (UNPUBLISHED.includes(row.state))
        throw new AppError(
          409,
          'version_not_published',
          `Version ${version} of "${slug}" is a ${row.state} draft: a new upload replaces it, walidata rejects it.`,
          { layer: slug, version, state: row.state },
        );
      const actor = actorName(caller);
      const deleted = await removeVersionData(trx, layer.id, version, actor);
      await recordHistory(trx, {
        layerId: layer.id,
        actor,
        action: 'remove_version_data',
        details: { version, deleted },
        previousVersion: null,
        newVersion: null,
      });
      return { version, deleted };
    });
  }

  /**
   * A version of a layer the caller sees, or 404: an unpublished one (a draft) exists only for
   * who writes, reviews or oversees the layer, exactly like a missing one for everyone else.
   */
  async find(caller: Caller, layer: LayerRecord, ref: VersionRef, knex: Knex = this.knex): Promise<VersionRow> {
    const version = ref === 'draft' ? ((await openDraft(knex, layer.id))?.version ?? null) : ref;
    const row = version === null ? null : await getVersion(knex, layer.id, version);
    if (!row || (UNPUBLISHED.includes(row.state) && !maySeeDrafts(caller, layer.agencyCode)))
      throw new AppError(
        404,
        'version_not_found',
        ref === 'draft' ? `Layer "${layer.slug}" has no open draft.` : `Layer "${layer.slug}" has no version ${ref}.`,
        { layer: layer.slug, version: ref, versions: `/api/layers/${layer.slug}/versions` },
      );
    return row;
  }
}

/** 409 while another upload, restore or review step holds the layer's upload lock. */
export function busy(slug: string): AppError {
  return new AppError(
    409,
    'upload_in_progress',
    `An upload or another version change of "${slug}" is running; try again when it has finished. Nothing was changed.`,
    { layer: slug },
  );
}

function dataRemoved(slug: string, version: number): AppError {
  return new AppError(
    410,
    'version_data_removed',
    `The features of version ${version} of "${slug}" were removed (by an administrator, or as a draft untouched too long); its record is all that is left.`,
    { layer: slug, version },
  );
}

function bboxOf(r: VersionRow): LayerRecord['bbox'] {
  return r.xmin === null || r.ymin === null || r.xmax === null || r.ymax === null
    ? null
    : [r.xmin, r.ymin, r.xmax, r.ymax];
}

export function versionJson(r: VersionRow, before: VersionRow | null): VersionJson {
  const types = new Map((before?.fields ?? []).map((f) => [f.name, f.type]));
  const now = new Map(r.fields.map((f) => [f.name, f.type]));
  return {
    version: r.version,
    state: r.state,
    action: r.action,
    restoredFrom: r.restored_from,
    createdBy: r.created_by,
    createdAt: r.created_at,
    dataVersion: r.data_version,
    featureCount: r.feature_count,
    bbox: bboxOf(r),
    fields: r.fields,
    changes: before
      ? {
          featureCount: r.feature_count - before.feature_count,
          fieldsAdded: [...now.keys()].filter((n) => !types.has(n)),
          fieldsRemoved: [...types.keys()].filter((n) => !now.has(n)),
          fieldsRetyped: [...now].filter(([n, t]) => types.has(n) && types.get(n) !== t).map(([n]) => n),
        }
      : null,
    dataRemoved: r.data_removed_at ? { at: r.data_removed_at, by: r.data_removed_by } : null,
    submittedAt: r.submitted_at,
    review: r.reviewed_by || r.review_note ? { by: r.reviewed_by, at: r.reviewed_at, note: r.review_note } : null,
  };
}
