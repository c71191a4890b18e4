import type { Knex } from 'knex';
import type { Caller } from '../auth/access.js';
import { badRequest, layerNotFound } from '../http/app-error.js';
import { districtExists } from '../districts/districts-sql.js';
import {
  agencyExists, findLayerBySlug, findLayersBySlugs, layerIndex, type LayerIndexRow, listAgencies, listThemes, searchLayers, themeExists,
  type AgencyRow, type ThemeRow,
} from './catalog-sql.js';
import type { GeometryType, LayerRecord } from './layer-types.js';
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
  constructor(private readonly knex: Knex) {}

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

  async search(caller: Caller, s: LayerSearch): Promise<{ total: number; items: LayerRecord[] }> {
    const [agencyOk, themeOk, districtOk] = await Promise.all([
      s.agency ? agencyExists(this.knex, s.agency) : true,
      s.theme ? themeExists(this.knex, s.theme) : true,
      s.district ? districtExists(this.knex, s.district) : true,
    ]);
    if (!agencyOk) throw badRequest('unknown_agency', `No agency with code "${s.agency}". See /api/agencies.`, { parameter: 'agency', value: s.agency });
    if (!themeOk) throw badRequest('unknown_theme', `No theme with code "${s.theme}". See /api/themes.`, { parameter: 'theme', value: s.theme });
    if (!districtOk) {
      throw badRequest('unknown_district', `No kecamatan or kelurahan with code "${s.district}". See /api/districts.`, { parameter: 'district', value: s.district });
    }
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

  index(caller: Caller): Promise<LayerIndexRow[]> {
    return layerIndex(this.knex, caller);
  }

  agencies(caller: Caller): Promise<AgencyRow[]> {
    return listAgencies(this.knex, caller);
  }

  themes(caller: Caller): Promise<ThemeRow[]> {
    return listThemes(this.knex, caller);
  }
}
