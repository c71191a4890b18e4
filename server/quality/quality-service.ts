import type { Knex } from 'knex';
import type { Caller } from '../auth/access.js';
import type { CatalogService } from '../catalog/catalog-service.js';
import { completeness, completenessByElement } from './metadata-elements.js';
import { geometryChecks } from './quality-sql.js';

export interface LayerQuality {
  id: string;
  title: string;
  agency: string;
  score: number;
  missing: string[];
  checks: { featureCount: number; empty: boolean; invalidGeometries: number | null; outsideCity: number | null };
}

export interface AgencyQuality {
  code: string;
  name: string;
  layers: number;
  averageScore: number;
  layersWithGaps: number;
  emptyLayers: number;
  invalidGeometries: number;
  outsideCity: number;
}

/** Metadata completeness and geometry checks, per layer and per agency, over what the caller may see. */
export class QualityService {
  constructor(
    private readonly knex: Knex,
    private readonly catalog: CatalogService,
  ) {}

  async report(
    caller: Caller,
    agency: string | null,
  ): Promise<{
    layers: LayerQuality[];
    agencies: AgencyQuality[];
    elements: ReturnType<typeof completenessByElement>;
  }> {
    const [items, checks] = await Promise.all([
      this.catalog.visibleLayers(caller, agency),
      geometryChecks(this.knex, caller),
    ]);
    const layers = items.map((l): LayerQuality => {
      const c = checks.get(l.slug);
      return {
        id: l.slug,
        title: l.title,
        agency: l.agencyCode,
        ...completeness(l),
        checks: {
          featureCount: l.featureCount,
          empty: l.featureCount === 0,
          invalidGeometries: c?.invalid_geometry_count ?? null,
          outsideCity: c?.outside_city_count ?? null,
        },
      };
    });
    const byAgency = new Map<string, AgencyQuality>();
    items.forEach((l, i) => {
      const q = layers[i] as LayerQuality;
      const a = byAgency.get(l.agencyCode) ?? {
        code: l.agencyCode,
        name: l.agencyName,
        layers: 0,
        averageScore: 0,
        layersWithGaps: 0,
        emptyLayers: 0,
        invalidGeometries: 0,
        outsideCity: 0,
      };
      a.layers++;
      a.averageScore += q.score;
      if (q.missing.length) a.layersWithGaps++;
      if (q.checks.empty) a.emptyLayers++;
      a.invalidGeometries += q.checks.invalidGeometries ?? 0;
      a.outsideCity += q.checks.outsideCity ?? 0;
      byAgency.set(l.agencyCode, a);
    });
    const agencies = [...byAgency.values()]
      .map((a) => ({ ...a, averageScore: Math.round((a.averageScore / a.layers) * 10) / 10 }))
      .sort((x, y) => x.averageScore - y.averageScore || x.code.localeCompare(y.code));
    return { layers, agencies, elements: completenessByElement(items) };
  }
}
