import type { Knex } from 'knex';
import type { Caller } from '../auth/access.js';
import type { CatalogService } from '../catalog/catalog-service.js';
import type { LayerRecord } from '../catalog/layer-types.js';
import { districtExists } from '../districts/districts-sql.js';
import { badRequest, notFound } from '../http/app-error.js';
import { parseBbox } from '../http/coordinates.js';
import { selectFeature, selectFeaturePage } from './features-sql.js';

export interface FeatureRequest {
  bbox?: string | undefined;
  district?: string | undefined;
  clip: boolean;
  properties?: string | undefined;
  limit?: number | undefined;
  after: number;
}

export interface FeaturePage {
  layer: LayerRecord;
  /** Feature JSON texts joined by commas. */
  features: string;
  returned: number;
  /** fid of the last feature returned; the cursor of the next page when there is one. */
  next: number | null;
  limit: number;
}

export class FeaturesService {
  constructor(
    private readonly knex: Knex,
    private readonly catalog: CatalogService,
    private readonly limits: { defaultLimit: number; maxLimit: number },
  ) {}

  async page(caller: Caller, slug: string, r: FeatureRequest): Promise<FeaturePage> {
    const layer = await this.catalog.getLayer(caller, slug);
    const limit = r.limit ?? this.limits.defaultLimit;
    if (limit > this.limits.maxLimit) {
      throw badRequest('limit_too_large', `limit may be at most ${this.limits.maxLimit}; follow the "next" link for more.`, { parameter: 'limit', value: limit, max: this.limits.maxLimit });
    }
    const bbox = r.bbox === undefined ? null : parseBbox(r.bbox);
    if (r.district && !(await districtExists(this.knex, r.district))) {
      throw badRequest('unknown_district', `No kecamatan or kelurahan with code "${r.district}". See /api/districts.`, { parameter: 'district', value: r.district });
    }
    if (r.clip && !r.district) throw badRequest('invalid_parameter', 'clip=true needs a district to clip to.', { parameter: 'clip' });
    const properties = r.properties === undefined ? null : this.checkProperties(layer, r.properties);
    const page = await selectFeaturePage(this.knex, {
      layerId: layer.id, bbox, district: r.district ?? null, clip: r.clip, properties, afterFid: r.after, limit,
    });
    return { layer, features: page.features, returned: Math.min(page.found, limit), next: page.found > limit ? page.lastFid : null, limit };
  }

  async one(caller: Caller, slug: string, fid: number): Promise<{ layer: LayerRecord; feature: string }> {
    const layer = await this.catalog.getLayer(caller, slug);
    const feature = await selectFeature(this.knex, layer.id, fid);
    if (!feature) throw notFound('feature_not_found', `Layer "${slug}" has no feature with id ${fid}.`, { parameter: 'fid', value: fid });
    return { layer, feature };
  }

  /** Property names come from the request but are only ever compared against the registry's field list. */
  private checkProperties(layer: LayerRecord, list: string): string[] {
    const names = list.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
    const known = layer.fields.map((f) => f.name);
    const unknown = names.filter((n) => !known.includes(n));
    if (unknown.length > 0) {
      throw badRequest('unknown_property', `Layer "${layer.slug}" has no propert${unknown.length > 1 ? 'ies' : 'y'} ${unknown.map((u) => `"${u}"`).join(', ')}. Available: ${known.join(', ')}.`,
        { parameter: 'properties', unknown, available: known });
    }
    return names;
  }
}
