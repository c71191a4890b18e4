import type { Knex } from 'knex';
import type { Caller } from '../auth/access.js';
import type { CatalogService } from '../catalog/catalog-service.js';
import type { LayerRecord } from '../catalog/layer-types.js';
import type { DistrictsService } from '../districts/districts-service.js';
import { copyLines } from '../db/copy-out.js';
import { badRequest } from '../http/app-error.js';
import type { DownloadCache } from './download-cache.js';
import type { FeatureQuery } from './feature-query.js';
import { writeGeoPackage } from './gpkg-writer.js';
import { refreshLayerStats } from './feature-write-sql.js';
import {
  countFeatures,
  featureExtent,
  selectFeature,
  selectFeatureIds,
  selectFeaturePage,
  selectFeatureChunk,
  selectFeatureRows,
  featureTextQuery,
  textWidths,
  type FeatureRow,
} from './features-sql.js';
import { writeShapefileZip } from './shapefile-writer.js';

export type { FeatureRow };

/** Where a next or previous page starts: after a feature id (id order) or at an offset (any order). */
export type PageCursor = { after: number } | { offset: number };

export interface FeaturePage {
  layer: LayerRecord;
  /** Feature JSON texts joined by commas. */
  features: string;
  numberReturned: number;
  numberMatched: number;
  next: PageCursor | null;
  prev: PageCursor | null;
  limit: number;
}

/** Batches of feature rows in id order, read inside the caller's transaction. */
async function* rowsIn(
  trx: Knex.Transaction,
  q: FeatureQuery,
  chunk: number,
  clockwise = false,
): AsyncGenerator<FeatureRow[]> {
  let after = 0;
  for (;;) {
    const rows = await selectFeatureRows(trx, q, after, chunk, clockwise);
    if (rows.length > 0) yield rows;
    const last = rows.at(-1);
    if (rows.length < chunk || !last) break;
    after = last.fid;
  }
}

/** Runs feature queries for every protocol: one page, its exact count and its neighbours. */
export class FeaturesService {
  /**
   * numberMatched by layer, data version and filters: paging repeats the same count on every
   * page. The data version is in the key, so a count is never stale.
   */
  private readonly counts = new Map<string, number>();

  constructor(
    private readonly knex: Knex,
    private readonly catalog: CatalogService,
    private readonly districts: DistrictsService,
    private readonly files: DownloadCache | null = null,
    /** PostgreSQL streams whole downloads by COPY; the embedded database has no COPY stream. */
    private readonly copyOut = false,
  ) {}

  /**
   * The query's features as a GeoPackage file, built once per layer data version and filter and
   * kept (see DownloadCache); its path and size.
   */
  async geopackage(q: FeatureQuery): Promise<{ file: string; size: number }> {
    if (!this.files) throw new Error('no download cache configured');
    await this.checkDistrict(q);
    const key = `${q.layer.id}-v${q.layer.dataVersion}${q.district ? `-${q.district}${q.clip ? '-clip' : ''}` : ''}.gpkg`;
    return this.files.get(key, async (file) => {
      await writeGeoPackage(file, q.layer, this.downloadRows(q));
    });
  }

  /** A layer the caller may see, or layer_not_found. */
  layer(caller: Caller, slug: string): Promise<LayerRecord> {
    return this.catalog.getLayer(caller, slug);
  }

  async page(q: FeatureQuery): Promise<FeaturePage> {
    await this.checkDistrict(q);
    const byOffset = q.offset > 0 || q.sortby.length > 0;
    const [page, numberMatched] = await Promise.all([selectFeaturePage(this.knex, q), this.count(q)]);
    const more = page.found > q.limit;
    let next: PageCursor | null = null;
    let prev: PageCursor | null = null;
    if (byOffset) {
      if (more) next = { offset: q.offset + q.limit };
      if (q.offset > 0) prev = { offset: Math.max(0, q.offset - q.limit) };
    } else {
      if (more && page.lastFid !== null) next = { after: page.lastFid };
      if (page.prevAfter !== null) prev = { after: page.prevAfter };
    }
    return {
      layer: q.layer,
      features: page.features,
      numberReturned: Math.min(page.found, q.limit),
      numberMatched,
      next,
      prev,
      limit: q.limit,
    };
  }

  /**
   * Every feature the query selects, as comma-joined GeoJSON text in chunks of `chunk` (id
   * cursor), read in one repeatable-read snapshot so an upload meanwhile never mixes versions into
   * one download; with the count from the same snapshot first. Memory holds one chunk.
   */
  async *download(q: FeatureQuery, chunk = 10_000): AsyncGenerator<{ numberMatched: number } | string> {
    await this.checkDistrict(q);
    const trx = await this.knex.transaction(undefined, { isolationLevel: 'repeatable read', readOnly: true });
    let pending: ReturnType<typeof selectFeatureChunk> | null = null;
    try {
      yield { numberMatched: await countFeatures(trx, q) };
      // The next chunk is asked for before this one is handed on, so the database builds it
      // while the server writes this one to the client.
      let next = selectFeatureChunk(trx, q, 0, chunk);
      pending = next;
      for (;;) {
        const page = await next;
        pending = null;
        const more = page.n === chunk && page.lastFid !== null;
        if (more) pending = next = selectFeatureChunk(trx, q, page.lastFid as number, chunk);
        if (page.features !== '') yield page.features;
        if (!more) break;
      }
      await trx.commit();
    } finally {
      // A client that went away leaves one chunk in flight: let it settle before the rollback.
      await pending?.catch(() => undefined);
      if (!trx.isCompleted()) await trx.rollback();
    }
  }

  /**
   * Every feature the query selects as one comma-joined text of GeoJSON Features, in pieces that
   * join up (a piece may end inside a feature), after the count, from one snapshot. On PostgreSQL
   * the database streams it by COPY, a socket's worth at a time; elsewhere in chunks of features.
   */
  async *geojsonText(q: FeatureQuery): AsyncGenerator<{ numberMatched: number } | string | Buffer> {
    if (!this.copyOut) {
      let comma = '';
      for await (const part of this.download(q)) {
        if (typeof part !== 'string') yield part;
        else {
          yield comma + part;
          comma = ',';
        }
      }
      return;
    }
    await this.checkDistrict(q);
    const trx = await this.knex.transaction(undefined, { isolationLevel: 'repeatable read', readOnly: true });
    try {
      yield { numberMatched: await countFeatures(trx, q) };
      // Rows arrive one per line: each line break becomes the comma before the next feature. A
      // comma ending a piece is held back and written before the next piece (whether it was a
      // line break or a comma inside a feature), so the last line break is never written.
      let held = false;
      for await (const chunk of copyLines(trx, featureTextQuery(trx, q))) {
        if (chunk.length === 0) continue;
        for (let i = chunk.indexOf(0x0a); i !== -1; i = chunk.indexOf(0x0a, i + 1)) chunk[i] = 0x2c;
        if (held) yield ',';
        held = chunk[chunk.length - 1] === 0x2c;
        yield held ? chunk.subarray(0, chunk.length - 1) : chunk;
      }
      await trx.commit();
    } finally {
      if (!trx.isCompleted()) await trx.rollback();
    }
  }

  /**
   * The features of a query for binary formats (GeoPackage, Shapefile): batches of rows with WKB
   * in id order, all read from one repeatable-read snapshot, so a file is one version of the layer.
   */
  async *downloadRows(q: FeatureQuery, chunk = 1_000): AsyncGenerator<FeatureRow[]> {
    await this.checkDistrict(q);
    const trx = await this.knex.transaction(undefined, { isolationLevel: 'repeatable read', readOnly: true });
    try {
      yield* rowsIn(trx, q, chunk);
      await trx.commit();
    } finally {
      if (!trx.isCompleted()) await trx.rollback();
    }
  }

  /**
   * The query's features as a zipped Shapefile, built once per layer data version and filter and
   * kept; the text fields' widths are read from the same snapshot as the rows.
   */
  async shapefile(q: FeatureQuery): Promise<{ file: string; size: number }> {
    if (!this.files) throw new Error('no download cache configured');
    await this.checkDistrict(q);
    const key = `${q.layer.id}-v${q.layer.dataVersion}${q.district ? `-${q.district}${q.clip ? '-clip' : ''}` : ''}.shp.zip`;
    return this.files.get(key, async (file) => {
      const trx = await this.knex.transaction(undefined, { isolationLevel: 'repeatable read', readOnly: true });
      try {
        const text = q.layer.fields.filter((f) => f.type === 'string').map((f) => f.name);
        await writeShapefileZip(file, q.layer, await textWidths(trx, q, text), rowsIn(trx, q, 1_000, true));
        await trx.commit();
      } finally {
        if (!trx.isCompleted()) await trx.rollback();
      }
    });
  }

  /**
   * One page without its count, for protocols that only say whether more features follow
   * (GeoServices exceededTransferLimit): no count query per request.
   */
  async slice(q: FeatureQuery): Promise<{ features: string; numberReturned: number; more: boolean }> {
    await this.checkDistrict(q);
    const page = await selectFeaturePage(this.knex, q);
    return { features: page.features, numberReturned: Math.min(page.found, q.limit), more: page.found > q.limit };
  }

  /** The ids of every feature the query selects, in its order (GeoServices returnIdsOnly). */
  async ids(q: FeatureQuery): Promise<number[]> {
    await this.checkDistrict(q);
    return selectFeatureIds(this.knex, q);
  }

  /** How many features the query selects and their box, lon/lat (4326) or Web Mercator metres (3857). */
  async extent(
    q: FeatureQuery,
    srid: 4326 | 3857,
  ): Promise<{ count: number; bbox: [number, number, number, number] | null }> {
    await this.checkDistrict(q);
    return featureExtent(this.knex, q, srid);
  }

  /** numberMatched alone (WFS resultType=hits), from the same cache as pages. */
  async matched(q: FeatureQuery): Promise<number> {
    await this.checkDistrict(q);
    return this.count(q);
  }

  /** One feature as GeoJSON text, or null. */
  one(layer: LayerRecord, fid: number): Promise<string | null> {
    return selectFeature(this.knex, layer.storageId, fid);
  }

  /**
   * Recomputes layers' counts, extents, time extents, district counts and geometry checks after
   * their features changed, inside the writer's transaction (see refreshLayerStats).
   */
  refreshStats(
    trx: Knex.Transaction,
    layerIds: number[],
    knownValid: 'replace' | 'append' | null = null,
  ): Promise<void> {
    return refreshLayerStats(trx, layerIds, knownValid);
  }

  private async checkDistrict(q: FeatureQuery): Promise<void> {
    if (q.district && !(await this.districts.exists(q.district))) {
      throw badRequest('unknown_district', `No kecamatan or kelurahan with code "${q.district}". See /api/districts.`, {
        parameter: 'district',
        value: q.district,
      });
    }
  }

  private async count(q: FeatureQuery): Promise<number> {
    const key = `${q.layer.id}|${q.layer.dataVersion}|${JSON.stringify([q.bbox, q.district, q.filter])}`;
    const known = this.counts.get(key);
    if (known !== undefined) return known;
    const n = await countFeatures(this.knex, q);
    if (this.counts.size >= 10_000) this.counts.clear();
    this.counts.set(key, n);
    return n;
  }
}
