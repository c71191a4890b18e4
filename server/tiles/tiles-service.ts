import { promisify } from 'node:util';
import { gzip as gzipCb } from 'node:zlib';
import type { Knex } from 'knex';
import { visibilityKey, type Caller } from '../auth/access.js';
import type { CatalogService } from '../catalog/catalog-service.js';
import type { LayerRecord } from '../catalog/layer-types.js';
import type { ChangeFeed } from '../db/change-feed.js';
import { etagMatches, shortHash } from '../http/etag.js';
import { LayerLookups, type Remembered } from './layer-lookups.js';
import { encodeTile, type TileLayer } from './mvt-encoder.js';
import { nextCap } from './tile-budget.js';
import type { TileCache } from './tile-cache.js';
import { parseLayerList, type TileCoord } from './tile-coords.js';
import { featureRowsQuery, mvtQuery, runFeatureRowsQuery, runMvtQuery, type TileLayerSpec } from './tile-sql.js';

const gzip = promisify(gzipCb);

export interface TileOptions {
  useMvt: boolean;
  maxLayers: number;
  maxFeatures: number;
  /** Most bytes of one (composite) tile before features are dropped; 0 = no budget. See tile-budget.ts. */
  maxBytes?: number;
  /**
   * How long the tile path may reuse a registry lookup (ms) while the database's change notices
   * are not being received; with them, until a notice. A URL naming another version always looks again.
   */
  registryTtlMs: number;
  /** The database's change notices (absent: the TTL alone bounds a lookup's life). */
  changes?: ChangeFeed | undefined;
}

export interface TileAnswer {
  /** Empty body means an empty tile (204). */
  body: Uint8Array;
  gzipped: boolean;
  etag: string;
  /** The URL named the layers' current data versions: the answer never changes. */
  immutable: boolean;
  /** The per-layer feature cap the byte budget lowered this tile to (absent: not trimmed). */
  trimmedCap?: number | undefined;
}

/**
 * The version token of a list of layers, as tile URLs carry it in `?v=`: each layer's data
 * version and a short hash of what else shapes its tiles (tile fields, zoom range), so a change
 * of either gives new URLs, cache keys and ETags, and a tile served as immutable never goes stale.
 */
export function versionToken(layers: LayerRecord[]): string {
  return layers.map((l) => `${l.dataVersion}.${tileShape(l)}`).join('-');
}

/** A hash of the tile-shaping metadata. */
function tileShape(l: LayerRecord): string {
  return shortHash(JSON.stringify([l.tileFields, l.minZoom, l.maxZoom, l.geometryType]));
}

export class TilesService {
  constructor(
    private readonly knex: Knex,
    private readonly catalog: CatalogService,
    private readonly cache: TileCache,
    private readonly options: TileOptions,
  ) {
    this.lookups = new LayerLookups(options.registryTtlMs, options.changes, versionToken);
  }

  private readonly lookups: LayerLookups;

  /**
   * Forgets every remembered registry lookup: called when layer metadata changes (e.g. a layer
   * becomes terbatas), so no tile request is answered from a lookup made before the change.
   * Other processes hear of it through the database's change notices.
   */
  forgetLayers(): void {
    this.lookups.forget();
  }

  cacheStats(): () => ReturnType<TileCache['stats']> {
    return () => this.cache.stats();
  }

  /** Visible layers of a composite list, in order; hidden and missing alike are layer_not_found. */
  layers(caller: Caller, list: string): Promise<LayerRecord[]> {
    return this.catalog.getLayers(caller, parseLayerList(list, this.options.maxLayers));
  }

  /**
   * The layers of a TileJSON: looked up afresh (and remembered for the tile requests that follow);
   * while the database is away, the last lookup, so viewers keep getting the URLs of the tiles
   * still in memory.
   */
  async layersForTileJson(caller: Caller, list: string): Promise<LayerRecord[]> {
    const key = `${visibilityKey(caller)}|${list}`;
    return (await this.lookups.lookup(key, () => this.layers(caller, list))).layers;
  }

  /**
   * The hot path's registry lookup, reused until layers change: a versioned URL that names
   * anything but the remembered versions looks again, so a viewer that read a new TileJSON never waits.
   */
  private async layersForTile(caller: Caller, list: string, askedVersion: string | undefined): Promise<Remembered> {
    const remembered = this.rememberedLayers(caller, list, askedVersion);
    if (remembered) return remembered;
    return this.lookups.lookup(`${visibilityKey(caller)}|${list}`, () => this.layers(caller, list));
  }

  private rememberedLayers(caller: Caller, list: string, askedVersion: string | undefined): Remembered | null {
    const hit = this.lookups.fresh(`${visibilityKey(caller)}|${list}`);
    return hit && (askedVersion === undefined || askedVersion === hit.version) ? hit : null;
  }

  /** Cache key and ETag: layer ids, their data versions and z/x/y. The URL names the layers, so the ETag needs only the rest. */
  private identity(
    r: Remembered,
    coord: TileCoord,
    askedVersion: string | undefined,
  ): { key: string; etag: string; immutable: boolean } {
    const zxy = `${coord.z}/${coord.x}/${coord.y}`;
    return {
      key: `${r.ids}|${r.version}|${zxy}`,
      etag: `"${r.version}/${zxy}"`,
      immutable: askedVersion === r.version,
    };
  }

  /**
   * The answer when everything it needs is already in memory (a remembered registry lookup and a
   * cached tile, gzipped if asked), else null. Synchronous: no database, no compression.
   */
  fromMemory(
    caller: Caller,
    list: string,
    coord: TileCoord,
    askedVersion: string | undefined,
    acceptGzip: boolean,
    ifNoneMatch: string | undefined,
  ): TileAnswer | 'not-modified' | null {
    const remembered = this.rememberedLayers(caller, list, askedVersion);
    if (!remembered) return null;
    const { key, etag, immutable } = this.identity(remembered, coord, askedVersion);
    if (etagMatches(ifNoneMatch, etag)) return 'not-modified';
    const entry = this.cache.peek(key);
    if (!entry) return null;
    const trimmedCap = entry.trimmedCap;
    if (!acceptGzip || entry.raw.byteLength === 0)
      return { body: entry.raw, gzipped: false, etag, immutable, trimmedCap };
    return entry.gzip ? { body: entry.gzip, gzipped: true, etag, immutable, trimmedCap } : null;
  }

  /**
   * Tiles are keyed by layer ids, their current data versions and z/x/y, so a cached tile can
   * never be stale. A request naming an older version gets the current tile, not marked immutable.
   */
  async tile(
    caller: Caller,
    list: string,
    coord: TileCoord,
    askedVersion: string | undefined,
    acceptGzip: boolean,
    ifNoneMatch: string | undefined,
  ): Promise<TileAnswer | 'not-modified'> {
    const remembered = await this.layersForTile(caller, list, askedVersion);
    const { layers } = remembered;
    const id = this.identity(remembered, coord, askedVersion);
    const { key, etag } = id;
    let immutable = id.immutable;
    if (etagMatches(ifNoneMatch, etag)) return 'not-modified';

    let entry = this.cache.get(key);
    if (!entry) {
      const { raw, consistent, trimmedCap } = await this.render(layers, coord);
      entry = trimmedCap === undefined ? { raw } : { raw, trimmedCap };
      // Data changed between reading versions and rendering: answer, but do not cache under the old key.
      if (consistent) this.cache.set(key, entry);
      else immutable = false;
    }
    const trimmedCap = entry.trimmedCap;
    if (!acceptGzip || entry.raw.byteLength === 0)
      return { body: entry.raw, gzipped: false, etag, immutable, trimmedCap };
    if (!entry.gzip) {
      entry.gzip = await gzip(entry.raw);
      this.cache.set(key, entry);
    }
    return { body: entry.gzip, gzipped: true, etag, immutable, trimmedCap };
  }

  /**
   * One layer's tile at a kept version or its draft (`layer` as VersionsService.layerAt gives it):
   * drawn each time, never cached (a draft changes with every upload), ETag from its storage.
   */
  async versionTile(layer: LayerRecord, coord: TileCoord, acceptGzip: boolean, ifNoneMatch: string | undefined) {
    const etag = `"s${layer.storageId}.${layer.dataVersion}.${tileShape(layer)}/${coord.z}/${coord.x}/${coord.y}"`;
    if (etagMatches(ifNoneMatch, etag)) return 'not-modified' as const;
    const { raw, trimmedCap } = await this.render([layer], coord);
    const gzipped = acceptGzip && raw.byteLength > 0;
    return { body: gzipped ? await gzip(raw) : raw, gzipped, etag, immutable: false, trimmedCap };
  }

  /**
   * The tile within the byte budget: drawn with the configured per-layer cap, and again with a
   * lower one while it is over budget (at most three more times; see tile-budget.ts).
   */
  async render(
    layers: LayerRecord[],
    coord: TileCoord,
    useMvt = this.options.useMvt,
  ): Promise<{ raw: Uint8Array; consistent: boolean; trimmedCap?: number }> {
    const budget = this.options.maxBytes ?? 0;
    let cap = this.options.maxFeatures;
    let drawn = await this.draw(layers, coord, cap, useMvt);
    let trimmedCap: number | undefined;
    for (let round = 0; budget > 0 && drawn.raw.byteLength > budget && round < 4; round++) {
      const lower = nextCap(drawn.raw, budget, cap);
      if (lower === null) break;
      cap = lower;
      trimmedCap = cap;
      const again = await this.draw(layers, coord, cap, useMvt);
      drawn = { raw: again.raw, consistent: drawn.consistent && again.consistent };
    }
    return trimmedCap === undefined ? drawn : { ...drawn, trimmedCap };
  }

  /** One SQL statement for the whole composite tile, ST_AsMVT where the database has it, the JS encoder otherwise. */
  private async draw(
    layers: LayerRecord[],
    coord: TileCoord,
    cap: number,
    useMvt: boolean,
  ): Promise<{ raw: Uint8Array; consistent: boolean }> {
    const specs: TileLayerSpec[] = layers.map((l) => ({
      id: l.storageId,
      name: l.slug,
      geometryType: l.geometryType,
      minZoom: l.minZoom,
      fields: l.tileFields,
    }));
    const params = { ...coord, cap };
    const versions = layers.reduce((sum, l) => sum + l.dataVersion, 0);
    if (useMvt) {
      const q = mvtQuery(specs, params);
      if (!q) return { raw: new Uint8Array(0), consistent: true };
      const row = await runMvtQuery(
        this.knex,
        q,
        layers.map((l) => l.id),
      );
      return { raw: new Uint8Array(row?.tile ?? new Uint8Array(0)), consistent: row?.versions === versions };
    }
    const q = featureRowsQuery(specs, params);
    if (!q) return { raw: new Uint8Array(0), consistent: true };
    const rows = await runFeatureRowsQuery(
      this.knex,
      q,
      layers.map((l) => l.id),
    );
    const out: TileLayer[] = layers.map((l) => ({ name: l.slug, features: [] }));
    for (const r of rows) {
      out[r.layer]?.features.push({
        id: r.fid,
        properties: JSON.parse(r.properties) as Record<string, unknown>,
        geometry: JSON.parse(r.geometry) as TileLayer['features'][number]['geometry'],
      });
    }
    return { raw: encodeTile(out), consistent: rows.length === 0 || rows[0]?.versions === versions };
  }
}
