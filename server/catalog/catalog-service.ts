import type { Knex } from 'knex';
import { visibilityKey, type Caller } from '../auth/access.js';
import { badRequest, layerNotFound } from '../http/app-error.js';
import type { DistrictsService } from '../districts/districts-service.js';
import {
  agencyExists,
  listAgencies,
  listThemes,
  themeExists,
  type AgencyRow,
  type ThemeRow,
} from './agencies-themes-sql.js';
import {
  allVisibleLayers,
  registryFingerprint,
  countVisibleLayers,
  findLayerBySlug,
  findLayersBySlugs,
  layerIndex,
  type LayerIndexRow,
  searchLayers,
  type LayerFilters,
} from './catalog-sql.js';

export type { AgencyRow, LayerFilters, LayerIndexRow, ThemeRow };
import type { GeometryType, LayerInput, LayerRecord } from './layer-types.js';
import { insertLayers, layerIdBySlug, lockedStyle, lockLayer, updateLayer, updateStyle } from './catalog-write-sql.js';
import { toPrefixQuery } from './search-text.js';

export interface LayerSearch {
  q?: string | undefined;
  agency?: string | undefined;
  theme?: string | undefined;
  district?: string | undefined;
  geometryType?: GeometryType | undefined;
  limit: number;
  offset: number;
}

export class CatalogService {
  private readonly listed = new Map<string, { fingerprint: string; layers: LayerRecord[] }>();

  constructor(
    private readonly knex: Knex,
    private readonly districts: DistrictsService,
  ) {}

  /** A layer the caller may see, or layer_not_found: hidden and missing look the same. */
  async getLayer(caller: Caller, slug: string): Promise<LayerRecord> {
    const layer = await findLayerBySlug(this.knex, caller, slug);
    if (!layer) throw layerNotFound(slug);
    return layer;
  }

  /** Visible layers in the order asked; the first missing or hidden one is layer_not_found. */
  async getLayers(caller: Caller, slugs: string[]): Promise<LayerRecord[]> {
    const found = new Map((await findLayersBySlugs(this.knex, caller, slugs)).map((l) => [l.slug, l]));
    return slugs.map((slug) => {
      const layer = found.get(slug);
      if (!layer) throw layerNotFound(slug);
      return layer;
    });
  }

  /** Query filters naming an agency, theme or district that does not exist are the caller's 400, each with its code. */
  async checkFilters(s: {
    agency?: string | undefined;
    theme?: string | undefined;
    district?: string | undefined;
  }): Promise<void> {
    const [agencyOk, themeOk, districtOk] = await Promise.all([
      s.agency ? agencyExists(this.knex, s.agency) : true,
      s.theme ? themeExists(this.knex, s.theme) : true,
      s.district ? this.districts.exists(s.district) : true,
    ]);
    if (!agencyOk) {
      throw badRequest('unknown_agency', `No agency with code "${s.agency}". See /api/agencies.`, {
        parameter: 'agency',
        value: s.agency,
      });
    }
    if (!themeOk)
      throw badRequest('unknown_theme', `No theme with code "${s.theme}". See /api/themes.`, {
        parameter: 'theme',
        value: s.theme,
      });
    if (!districtOk) {
      throw badRequest('unknown_district', `No kecamatan or kelurahan with code "${s.district}". See /api/districts.`, {
        parameter: 'district',
        value: s.district,
      });
    }
  }

  async search(caller: Caller, s: LayerSearch): Promise<{ total: number; items: LayerRecord[] }> {
    await this.checkFilters(s);
    return searchLayers(this.knex, caller, {
      tsquery: s.q ? toPrefixQuery(s.q) : null,
      agency: s.agency ?? null,
      theme: s.theme ?? null,
      district: s.district ?? null,
      geometryType: s.geometryType ?? null,
      limit: s.limit,
      offset: s.offset,
    });
  }

  agencyExists(code: string): Promise<boolean> {
    return agencyExists(this.knex, code);
  }

  themeExists(code: string): Promise<boolean> {
    return themeExists(this.knex, code);
  }

  /** How many layers the caller may see. */
  countVisible(caller: Caller): Promise<number> {
    return countVisibleLayers(this.knex, caller);
  }

  /**
   * Every layer the caller may see (optionally of one agency), by title, with full metadata.
   * Remembered per visibility class and agency until any registry row changes (a cheap
   * fingerprint query each call), so catalogue protocols that list everything (CSW, WFS and OGC
   * capabilities) do not rebuild 2,491 records per request.
   */
  async visibleLayers(caller: Caller, agency: string | null = null): Promise<LayerRecord[]> {
    const key = `${visibilityKey(caller)}|${agency ?? ''}`;
    const fingerprint = await registryFingerprint(this.knex);
    const known = this.listed.get(key);
    if (known && known.fingerprint === fingerprint) return [...known.layers];
    const layers = await allVisibleLayers(this.knex, caller, agency);
    if (this.listed.size >= 64) this.listed.clear();
    this.listed.set(key, { fingerprint, layers });
    return [...layers];
  }

  /** Search with prepared filters (tsquery, keyword, order), unchecked: for adapters such as CKAN. */
  find(caller: Caller, filters: LayerFilters): Promise<{ total: number; items: LayerRecord[] }> {
    return searchLayers(this.knex, caller, filters);
  }

  index(caller: Caller): Promise<LayerIndexRow[]> {
    return layerIndex(this.knex, caller);
  }

  agencies(caller: Caller): Promise<AgencyRow[]> {
    return listAgencies(this.knex, caller);
  }

  themes(caller: Caller): Promise<ThemeRow[]> {
    return listThemes(this.knex, caller);
  }

  /**
   * Registry writes inside a transaction the caller holds, so another capability (ingest) can
   * record its audit entry in the same one. Returns the new layer's id and data version.
   */
  async insertLayer(trx: Knex.Transaction, input: LayerInput): Promise<{ id: number; dataVersion: number }> {
    const id = (await insertLayers(trx, [input])).get(input.slug);
    const found = id === undefined ? null : await layerIdBySlug(trx, input.slug);
    if (!found) throw new Error('layer insert returned no id');
    return found;
  }

  /** The id and data version of a layer by slug, whatever its classification (writers check access first). */
  findId(trx: Knex.Transaction, slug: string): Promise<{ id: number; dataVersion: number } | null> {
    return layerIdBySlug(trx, slug);
  }

  /** Locks a layer's registry row for the rest of the transaction and rewrites its metadata. */
  async updateLayer(trx: Knex.Transaction, id: number, input: LayerInput): Promise<void> {
    await lockLayer(trx, id);
    await updateLayer(trx, id, input);
  }

  /**
   * Locks a layer's row, hands its stored style to `next` and writes what that returns; both in
   * the caller's transaction. Returns the style before and after.
   */
  async rewriteStyle(
    trx: Knex.Transaction,
    id: number,
    next: (current: Record<string, unknown>) => Record<string, unknown>,
  ): Promise<{ before: Record<string, unknown>; after: Record<string, unknown> }> {
    const before = await lockedStyle(trx, id);
    const after = next(before);
    await updateStyle(trx, id, after);
    return { before, after };
  }
}
