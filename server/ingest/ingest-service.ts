import fs from 'node:fs/promises';
import path from 'node:path';
import { spoolPrefix } from './spool-sweep.js';
import type { Knex } from 'knex';
import { actorName, maySeeDrafts, requireWriter, type Caller } from '../auth/access.js';
import type { CatalogService } from '../catalog/catalog-service.js';
import type { FieldDef, GeometryType, LayerRecord } from '../catalog/layer-types.js';
import type { Backend } from '../db/database.js';
import type { DistrictsService } from '../districts/districts-service.js';
import type { ElementsService } from '../elements/elements-service.js';
import type { FeaturesService } from '../features/features-service.js';
import { AppError } from '../http/app-error.js';
import { checkFeature, type CheckContext } from './feature-check.js';
import { readFeatureCollection, readNdjson, type FeatureBatch } from './geojson-source.js';
import { layerHistory, recordHistory, type HistoryEntry } from './history-sql.js';
import {
  MAX_LISTED,
  invalidStaged,
  layerAfterUpload,
  lockLayerRow,
  repairStaged,
  setLayerFields,
  tryLockUploads,
  writeStaged,
  type LockedLayer,
} from './ingest-sql.js';
import { ProblemList } from './problems.js';
import { readZippedShapefile } from './shapefile-source.js';
import { Staging } from './staging.js';
import type { VersionsService } from './versions-service.js';
import type { ReviewService } from './review-service.js';

export type UploadFormat = 'geojson' | 'ndjson' | 'shapefile';
export type UploadMode = 'replace' | 'append';

export interface Upload {
  file: string;
  format: UploadFormat;
  mode: UploadMode;
  /** CRS of a Shapefile without .prj. */
  crs?: string | undefined;
  encoding?: string | undefined;
  /** Repair invalid geometries with ST_MakeValid instead of rejecting them. */
  repair: boolean;
  /** Original file name, for the audit record. */
  name?: string | undefined;
}

export interface UploadLimits {
  maxBytes: number;
  maxFeatures: number;
  maxProperties: number;
  maxValueChars: number;
  tempDir: string;
}

export interface UploadResult {
  layer: string;
  /** `published`: every surface serves it now; `draft`: it waits for submission and walidata's approval. */
  state: 'published' | 'draft';
  mode: UploadMode;
  format: UploadFormat;
  received: number;
  inserted: number;
  deleted: number;
  repaired: number;
  featureCount: number;
  /** The layer version the upload made (GET /api/layers/{id}/versions); the one before stays restorable. */
  version: number;
  previousVersion: number;
  dataVersion: number;
  fields: FieldDef[];
  /** Accepted, but worth knowing: features outside the city, features whose Z/M values were dropped (stored in 2D). */
  warnings: { outsideCity: number; droppedZ: number };
  /** Where the time went: reading and checking the file, GEOS validity, writing features, refreshing stats. */
  seconds: { read: number; validity: number; write: number; stats: number; total: number };
}

const MAX_PROBLEMS = MAX_LISTED;
/** Features whose box misses the city's extent grown by this much (degrees, about 11 km) are rejected as misplaced. */
const AREA_MARGIN = 0.1;

/**
 * The upload pipeline, one transaction per upload: read the file as a stream, check every
 * feature, stage the good ones, check geometry validity in PostGIS, then swap or add them, refresh
 * the layer's stats and write the audit record. Any problem rolls everything back.
 */
export class IngestService {
  constructor(
    private readonly knex: Knex,
    private readonly backend: Backend,
    private readonly catalog: CatalogService,
    private readonly features: FeaturesService,
    private readonly districts: DistrictsService,
    private readonly elements: ElementsService,
    private readonly versions: VersionsService,
    private readonly review: ReviewService,
    private readonly limits: UploadLimits,
  ) {}

  /** 404 for a layer the caller may not see, 401/403 for one it may not change. */
  async authorize(caller: Caller, slug: string): Promise<LayerRecord> {
    const layer = await this.catalog.getLayer(caller, slug);
    requireWriter(caller, layer.agencyCode);
    return layer;
  }

  /** A layer's audit records, newest first (paged by id), for anyone who may see the layer. */
  async history(
    caller: Caller,
    slug: string,
    limit: number,
    before: number | null,
  ): Promise<{ layer: LayerRecord; items: HistoryEntry[] }> {
    const layer = await this.catalog.getLayer(caller, slug);
    const drafts = maySeeDrafts(caller, layer.agencyCode);
    return { layer, items: await layerHistory(this.knex, layer.id, limit, before, drafts) };
  }

  /**
   * One upload in one transaction: lock the layer, read and check the file into staging, check
   * geometry validity, write the features, refresh the layer's stats, record the audit entry.
   */
  async upload(caller: Caller, slug: string, u: Upload): Promise<UploadResult> {
    const visible = await this.authorize(caller, slug);
    const area = await this.cityArea();
    const workDir = await fs.mkdtemp(path.join(this.limits.tempDir, spoolPrefix('ingest')));
    try {
      return await this.knex.transaction(async (trx) => {
        const layer = await this.lock(trx, visible.id, slug);
        const clock = stopwatch();
        const { received, ctx, problems } = await this.stage(trx, u, workDir, layer, area);
        const read = clock();
        const repaired = await this.checkValidity(trx, layer.geometry_type, u.repair, problems);
        problems.throwIfAny();
        const validity = clock();
        if (this.review.needsReview(caller, visible.agencyCode)) {
          // A produsen's upload is the layer's draft: written and checked alike, served to no one
          // who does not ask for it, published by walidata's approval.
          const draft = await this.review.beginDraft(trx, layer, slug, u.mode === 'append');
          await writeStaged(trx, this.backend, draft.storage);
          const fields = mergeFields(draft.baseFields, ctx.fields, u.mode);
          const write = clock();
          const saved = await this.review.saveDraft(trx, layer.id, draft, u.mode, actorName(caller), fields);
          const stats = clock();
          await recordHistory(trx, {
            layerId: layer.id,
            actor: actorName(caller),
            action: 'draft_features',
            details: {
              mode: u.mode,
              format: u.format,
              file: u.name ?? null,
              received,
              repaired,
              version: saved.version,
              featureCount: saved.featureCount,
            },
            previousVersion: null,
            newVersion: null,
          });
          return {
            layer: slug,
            state: 'draft' as const,
            mode: u.mode,
            format: u.format,
            received,
            inserted: received,
            deleted: 0,
            repaired,
            featureCount: saved.featureCount,
            version: saved.version,
            previousVersion: layer.data_version,
            dataVersion: layer.data_version,
            fields,
            warnings: { outsideCity: 0, droppedZ: ctx.droppedZ },
            seconds: { read, validity, write, stats, total: read + validity + write + stats },
          };
        }
        // The upload is a new version in a storage of its own; the previous one stays, restorable.
        const storage = await this.versions.beginWrite(trx, layer.id, layer.storage_id, u.mode === 'append');
        await writeStaged(trx, this.backend, storage);
        const deleted = u.mode === 'replace' ? layer.feature_count : 0;
        const fields = mergeFields(layer.fields, ctx.fields, u.mode);
        await setLayerFields(trx, layer.id, fields);
        const write = clock();
        await this.features.refreshStats(trx, [layer.id], u.mode);
        // Data elements computed from this layer move on with it, in the same transaction.
        await this.elements.refreshDerivedFor(trx, [layer.id]);
        const stats = clock();
        const version = await this.versions.record(trx, layer.id, u.mode, actorName(caller));
        const after = await layerAfterUpload(trx, layer.id);
        if (!after) throw new Error('layer vanished inside its upload');
        const result: UploadResult = {
          layer: slug,
          state: 'published',
          mode: u.mode,
          format: u.format,
          received,
          inserted: received,
          deleted,
          repaired,
          featureCount: after.feature_count,
          version,
          previousVersion: layer.data_version,
          dataVersion: after.data_version,
          fields,
          warnings: { outsideCity: after.outside_city_count, droppedZ: ctx.droppedZ },
          seconds: { read, validity, write, stats, total: read + validity + write + stats },
        };
        await recordHistory(trx, {
          layerId: layer.id,
          actor: actorName(caller),
          action: u.mode === 'replace' ? 'replace_features' : 'append_features',
          details: {
            format: u.format,
            file: u.name ?? null,
            received,
            inserted: received,
            deleted,
            repaired,
            featureCountBefore: layer.feature_count,
            featureCount: after.feature_count,
            version,
          },
          previousVersion: layer.data_version,
          newVersion: after.data_version,
        });
        return result;
      });
    } finally {
      await fs.rm(workDir, { recursive: true, force: true });
    }
  }

  /** Takes the layer's upload lock (409 when another upload holds it) and its registry row. */
  private async lock(trx: Knex.Transaction, layerId: number, slug: string): Promise<LockedLayer> {
    if (!(await tryLockUploads(trx, layerId))) {
      throw new AppError(
        409,
        'upload_in_progress',
        `Another upload to "${slug}" is running; try again when it has finished. Nothing was written.`,
        { layer: slug },
      );
    }
    const layer = await lockLayerRow(trx, layerId);
    if (!layer) throw new Error('layer vanished inside its upload');
    return layer;
  }

  /** Reads the file feature by feature, checks each, and stages the good ones while no problem has been found. */
  private async stage(
    trx: Knex.Transaction,
    u: Upload,
    workDir: string,
    layer: LockedLayer,
    area: [number, number, number, number],
  ) {
    const problems = new ProblemList(MAX_PROBLEMS);
    const ctx: CheckContext = {
      geometryType: layer.geometry_type,
      fields: new Map(layer.fields.map((f) => [f.name, { type: f.type, fixed: true, firstSeen: null, seen: false }])),
      maxProperties: this.limits.maxProperties,
      maxValueChars: this.limits.maxValueChars,
      area,
      problems,
      droppedZ: 0,
    };
    const staging = await Staging.open(trx, this.backend);
    let received = 0;
    try {
      for await (const batch of this.source(u, workDir)) {
        for (const raw of batch) {
          const index = received++;
          if (index >= this.limits.maxFeatures) {
            throw new AppError(
              413,
              'too_many_features',
              `The upload has more than ${this.limits.maxFeatures} features, the most one upload may hold. Split it and append the parts. Nothing was written.`,
              { limit: this.limits.maxFeatures },
            );
          }
          const checked = checkFeature(raw, index, ctx);
          if (checked && problems.total === 0) await staging.add(checked);
        }
      }
      if (received === 0)
        throw new AppError(
          422,
          'empty_upload',
          'The upload holds no features; to empty a layer, say so by replacing it with at least one feature or ask an admin. Nothing was written.',
        );
      problems.throwIfAny();
      await staging.finish();
    } catch (err) {
      staging.abort();
      throw err;
    }
    return { received, ctx, problems };
  }

  private source(u: Upload, workDir: string): AsyncGenerator<FeatureBatch> {
    switch (u.format) {
      case 'geojson':
        return readFeatureCollection(u.file);
      case 'ndjson':
        return readNdjson(u.file);
      case 'shapefile':
        return readZippedShapefile(u.file, {
          workDir,
          maxUnpackedBytes: this.limits.maxBytes * 4,
          crs: u.crs,
          encoding: u.encoding,
        });
    }
  }

  /** GEOS validity of every staged geometry: listed as problems, or repaired when asked. Returns how many were repaired. */
  private async checkValidity(
    trx: Knex.Transaction,
    type: GeometryType,
    repair: boolean,
    problems: ProblemList,
  ): Promise<number> {
    if (repair) {
      const { repaired, firstEmpty } = await repairStaged(trx, type);
      if (firstEmpty !== null)
        problems.add({
          feature: firstEmpty,
          field: 'geometry',
          code: 'invalid_geometry',
          message: `Feature ${firstEmpty} has nothing left of its ${type} after repair.`,
        });
      return repaired;
    }
    const { listed, total } = await invalidStaged(trx);
    for (const r of listed) {
      problems.add({
        feature: r.idx,
        field: 'geometry',
        code: 'invalid_geometry',
        message: `Invalid geometry: ${r.reason}. Fix it, or upload with repair=true to let ST_MakeValid repair it.`,
      });
    }
    problems.addUnlisted('invalid_geometry', total - listed.length);
    return 0;
  }

  private cachedArea: Promise<[number, number, number, number]> | null = null;

  /** The city's extent with the margin: where features may be. */
  private cityArea(): Promise<[number, number, number, number]> {
    this.cachedArea ??= this.districts.cityExtent().then((e) => {
      if (!e) return [95, -11, 141, 6] as [number, number, number, number]; // no boundary loaded: Indonesia
      return [e[0] - AREA_MARGIN, e[1] - AREA_MARGIN, e[2] + AREA_MARGIN, e[3] + AREA_MARGIN] as [
        number,
        number,
        number,
        number,
      ];
    });
    return this.cachedArea;
  }
}

/** Each call answers the seconds since the previous one (or the start), to 0.01 s. */
function stopwatch(): () => number {
  let last = performance.now();
  return () => {
    const now = performance.now();
    const s = Math.round((now - last) / 10) / 100;
    last = now;
    return s;
  };
}

/** The layer's schema after an upload: replace keeps only fields the upload has; append keeps all. */
function mergeFields(existing: FieldDef[], seen: CheckContext['fields'], mode: UploadMode): FieldDef[] {
  const out: FieldDef[] = [];
  for (const f of existing) {
    const s = seen.get(f.name);
    if (mode === 'append' || s?.seen) out.push({ name: f.name, type: s?.type ?? f.type });
  }
  const names = new Set(out.map((f) => f.name));
  for (const [name, s] of seen) if (!s.fixed && !names.has(name)) out.push({ name, type: s.type });
  return out;
}
