import { harvestView, type Caller } from '../auth/access.js';
import type { CatalogService, LayerFilters } from '../catalog/catalog-service.js';
import type { LayerRecord } from '../catalog/layer-types.js';
import { toPrefixQuery } from '../catalog/search-text.js';
import type { ElementRecord } from '../elements/element-types.js';
import type { ElementsService } from '../elements/elements-service.js';
import { AppError } from '../http/app-error.js';
import { parseFq } from './ckan-fq.js';

/** More packages than the catalog will hold (2,491 layers and their elements). */
const ALL = 100_000;

/** CKAN package ids of data elements: `elemen-<id>`, beside the layers' own ids. */
export const ELEMENT_PACKAGE_PREFIX = 'elemen-';

/** A CKAN package: a layer or a data element. */
export type CkanPackage = { kind: 'layer'; layer: LayerRecord } | { kind: 'element'; element: ElementRecord };

export interface PackageSearch {
  q?: string | undefined;
  fq?: string | undefined;
  rows: number;
  start: number;
  sort?: string | undefined;
}

export class CkanService {
  constructor(
    private readonly catalog: CatalogService,
    private readonly elements: ElementsService,
  ) {}

  /** Every method views the catalog as access.harvestView decides: `publik` layers only, whoever asks. */
  async all(caller: Caller): Promise<LayerRecord[]> {
    return this.catalog.visibleLayers(harvestView(caller));
  }

  /** Every publik data element (DCAT, package_list). */
  async allElements(caller: Caller): Promise<ElementRecord[]> {
    return this.elements.visibleElements(harvestView(caller));
  }

  async show(caller: Caller, id: string): Promise<CkanPackage> {
    if (id.startsWith(ELEMENT_PACKAGE_PREFIX)) {
      const slug = id.slice(ELEMENT_PACKAGE_PREFIX.length);
      return { kind: 'element', element: await this.elements.get(harvestView(caller), slug) };
    }
    return { kind: 'layer', layer: await this.catalog.getLayer(harvestView(caller), id) };
  }

  /**
   * Layers and data elements in one result. Titles and modification times order both together;
   * "relevance" lists the matching layers before the matching elements (their ranks come from
   * different documents and are not compared).
   */
  async search(
    caller: Caller,
    s: PackageSearch,
    { everything = false } = {},
  ): Promise<{ count: number; results: CkanPackage[]; sort: string; all?: CkanPackage[] }> {
    const fq = parseFq(s.fq ?? '');
    const sort = s.sort?.trim() || 'score desc, metadata_modified desc';
    const order = SORTS[sort];
    if (!order)
      throw new AppError(409, 'invalid_sort', `sort must be one of: ${Object.keys(SORTS).join('; ')}.`, {
        parameter: 'sort',
        value: sort,
      });
    const q = s.q && s.q !== '*:*' ? s.q : undefined;
    // Both lists up to the end of the asked page, merged, then the page cut out of the merge.
    // With `everything` (facets count every match), both lists are read whole.
    const want = s.start + s.rows;
    const read = everything ? ALL : Math.max(want, 1);
    const shared = {
      agencyIn: fq.organizationIn ?? null,
      agencyNotIn: fq.organizationNotIn,
      modifiedFrom: fq.modifiedFrom ?? null,
      modifiedTo: fq.modifiedTo ?? null,
    };
    const [layers, elements] = await Promise.all([
      this.catalog.find(
        harvestView(caller),
        base({
          tsquery: q ? toPrefixQuery(q) : null,
          theme: fq.groups ?? null,
          keyword: fq.tags ?? null,
          ...shared,
          sort: order,
          limit: read,
          offset: 0,
        }),
      ),
      this.elements.page(harvestView(caller), {
        q,
        theme: fq.groups,
        keyword: fq.tags,
        ...shared,
        sort: order,
        limit: read,
        offset: 0,
      }),
    ]);
    const a: CkanPackage[] = layers.items.map((layer) => ({ kind: 'layer', layer }));
    const b: CkanPackage[] = elements.items.map((element) => ({ kind: 'element', element }));
    const merged = order === 'relevance' && q ? [...a, ...b] : mergeBy(a, b, order);
    const page = merged.slice(s.start, want);
    return { count: layers.total + elements.total, results: page, sort, ...(everything ? { all: merged } : {}) };
  }

  /** Agencies with their package count: publik layers and publik data elements. */
  async organizations(caller: Caller) {
    const [agencies, counts] = await Promise.all([
      this.catalog.agencies(harvestView(caller)),
      this.elementCounts(caller),
    ]);
    return agencies.map((a) => ({ ...a, packageCount: a.layerCount + (counts.agency.get(a.code) ?? 0) }));
  }

  /** Themes with their package count: publik layers and publik data elements. */
  async groups(caller: Caller) {
    const [themes, counts] = await Promise.all([this.catalog.themes(harvestView(caller)), this.elementCounts(caller)]);
    return themes.map((t) => ({ ...t, packageCount: t.layerCount + (counts.theme.get(t.code) ?? 0) }));
  }

  private async elementCounts(caller: Caller) {
    const { facets } = await this.elements.search(harvestView(caller), { limit: 1, offset: 0 });
    return {
      agency: new Map(facets.agency.map((f) => [f.code, f.count])),
      theme: new Map(facets.theme.map((f) => [f.code, f.count])),
    };
  }
}

/** Two lists in the same order merged into one: by id (byte order), modification time (newest first) or title. */
function mergeBy(a: CkanPackage[], b: CkanPackage[], order: LayerFilters['sort']): CkanPackage[] {
  const before = (x: CkanPackage, y: CkanPackage): boolean => {
    if (order === 'id') return packageId(x) <= packageId(y);
    if (order === 'modified') return modifiedOf(x) >= modifiedOf(y);
    return titleOf(x).localeCompare(titleOf(y), 'id') <= 0;
  };
  const out: CkanPackage[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const x = a[i];
    const y = b[j];
    if (x && (!y || before(x, y))) {
      out.push(x);
      i += 1;
    } else if (y) {
      out.push(y);
      j += 1;
    }
  }
  return out;
}

/** A package's CKAN id (and name): the layer's id, or `elemen-` and the element's id. */
export function packageId(p: CkanPackage): string {
  return p.kind === 'layer' ? p.layer.slug : `${ELEMENT_PACKAGE_PREFIX}${p.element.slug}`;
}
const modifiedOf = (p: CkanPackage) => Date.parse(p.kind === 'layer' ? p.layer.dataUpdatedAt : p.element.modifiedAt);
const titleOf = (p: CkanPackage) => (p.kind === 'layer' ? p.layer.title : p.element.name).toLocaleLowerCase('id');

/** The orders CKAN clients ask for; `id asc` is what the stock harvester pages with. */
const SORTS: Record<string, LayerFilters['sort']> = {
  'score desc, metadata_modified desc': 'relevance',
  'score desc': 'relevance',
  'metadata_modified desc': 'modified',
  'title_string asc': 'title',
  'id asc': 'id',
  'name asc': 'id',
};

function base(f: Partial<LayerFilters> & { limit: number; offset: number }): LayerFilters {
  return { tsquery: null, agency: null, theme: null, district: null, geometryType: null, ...f };
}
