import { harvestView, type Caller } from '../auth/access.js';
import type { CatalogService, LayerFilters } from '../catalog/catalog-service.js';
import type { LayerRecord } from '../catalog/layer-types.js';
import { toPrefixQuery } from '../catalog/search-text.js';
import { AppError } from '../http/app-error.js';

export interface PackageSearch {
  q?: string | undefined;
  fq?: string | undefined;
  rows: number;
  start: number;
  sort?: string | undefined;
}

export class CkanService {
  constructor(private readonly catalog: CatalogService) {}

  /** Every method views the catalog as access.harvestView decides: `publik` layers only, whoever asks. */
  async all(caller: Caller): Promise<LayerRecord[]> {
    return this.catalog.visibleLayers(harvestView(caller));
  }

  show(caller: Caller, id: string): Promise<LayerRecord> {
    return this.catalog.getLayer(harvestView(caller), id);
  }

  async search(caller: Caller, s: PackageSearch): Promise<{ count: number; results: LayerRecord[]; sort: string }> {
    const fq = parseFq(s.fq ?? '');
    const sort = s.sort?.trim() || 'score desc, metadata_modified desc';
    const order = SORTS[sort];
    if (!order)
      throw new AppError(409, 'invalid_sort', `sort must be one of: ${Object.keys(SORTS).join('; ')}.`, {
        parameter: 'sort',
        value: sort,
      });
    const { total, items } = await this.catalog.find(
      harvestView(caller),
      base({
        tsquery: s.q && s.q !== '*:*' ? toPrefixQuery(s.q) : null,
        agency: fq.organization ?? null,
        theme: fq.groups ?? null,
        keyword: fq.tags ?? null,
        sort: order,
        limit: s.rows,
        offset: s.start,
      }),
    );
    return { count: total, results: items, sort };
  }

  organizations(caller: Caller) {
    return this.catalog.agencies(harvestView(caller));
  }

  groups(caller: Caller) {
    return this.catalog.themes(harvestView(caller));
  }
}

const SORTS: Record<string, LayerFilters['sort']> = {
  'score desc, metadata_modified desc': 'relevance',
  'metadata_modified desc': 'modified',
  'title_string asc': 'title',
  'name asc': 'title',
};

function base(f: Partial<LayerFilters> & { limit: number; offset: number }): LayerFilters {
  return { tsquery: null, agency: null, theme: null, district: null, geometryType: null, ...f };
}

/** fq as CKAN writes it: `organization:disdik tags:"lampu jalan" groups:transportasi`. */
export function parseFq(fq: string): { organization?: string; tags?: string; groups?: string } {
  const out: Record<string, string> = {};
  const re = /\s*([a-z_]+):(?:"([^"]*)"|(\S+))/gy;
  let m: RegExpExecArray | null;
  let at = 0;
  while ((m = re.exec(fq)) !== null) {
    const field = m[1] ?? '';
    if (!['organization', 'tags', 'groups'].includes(field)) {
      throw new AppError(409, 'invalid_fq', `fq supports organization:, tags: and groups:, not "${field}:".`, {
        parameter: 'fq',
        value: fq,
      });
    }
    out[field] = m[2] ?? m[3] ?? '';
    at = re.lastIndex;
  }
  if (fq.slice(at).trim() !== '')
    throw new AppError(409, 'invalid_fq', 'fq must be field:value pairs, e.g. organization:disdik tags:sekolah.', {
      parameter: 'fq',
      value: fq,
    });
  return out;
}
