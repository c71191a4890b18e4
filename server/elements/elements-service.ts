import type { Knex } from 'knex';
import type { Caller } from '../auth/access.js';
import type { CatalogService } from '../catalog/catalog-service.js';
import { toPrefixQuery } from '../catalog/search-text.js';
import type { DistrictsService } from '../districts/districts-service.js';
import { badRequest, notFound } from '../http/app-error.js';
import { classify, type ClassBreaks, type ClassMethod } from './classes.js';
import type { ElementRecord, Level } from './element-types.js';
import {
  districtProfile,
  elementFacets,
  elementGeojson,
  elementPeriods,
  elementValues,
  findElement,
  searchElements,
  type Facet,
  type PeriodRow,
  type ProfileRow,
  type ValueRow,
} from './elements-sql.js';

export interface ElementSearch {
  q?: string | undefined;
  agency?: string | undefined;
  theme?: string | undefined;
  level?: Level | undefined;
  period?: string | undefined;
  limit: number;
  offset: number;
}

/** A level and period of an element, worked out from what was asked and what the element has. */
export interface Slice {
  element: ElementRecord;
  level: Level;
  period: string;
  periods: PeriodRow[];
}

/** Data elements: search, metadata, values by level and period, class breaks, district profiles. */
export class ElementsService {
  constructor(
    private readonly knex: Knex,
    private readonly catalog: CatalogService,
    private readonly districts: DistrictsService,
  ) {}

  async search(
    caller: Caller,
    s: ElementSearch,
  ): Promise<{ total: number; items: ElementRecord[]; facets: Record<'agency' | 'theme' | 'level', Facet[]> }> {
    await this.catalog.checkFilters({ agency: s.agency, theme: s.theme });
    const filters = {
      tsquery: s.q ? toPrefixQuery(s.q) : null,
      agency: s.agency ?? null,
      theme: s.theme ?? null,
      level: s.level ?? null,
      period: s.period ?? null,
    };
    const [page, facets] = await Promise.all([
      searchElements(this.knex, caller, filters, { limit: s.limit, offset: s.offset }),
      elementFacets(this.knex, caller, filters),
    ]);
    return { ...page, facets };
  }

  /** An element the caller may see, or element_not_found: hidden and missing look the same. */
  async get(caller: Caller, slug: string): Promise<ElementRecord> {
    const element = await findElement(this.knex, caller, slug);
    if (!element)
      throw notFound('element_not_found', `No data element with id "${slug}". Search them at /api/elements.`, {
        parameter: 'id',
        value: slug,
      });
    return element;
  }

  async detail(caller: Caller, slug: string): Promise<{ element: ElementRecord; periods: PeriodRow[] }> {
    const element = await this.get(caller, slug);
    return { element, periods: await elementPeriods(this.knex, element.id) };
  }

  /**
   * The level and period to show: as asked, else kecamatan when the element has it (the city's
   * usual map), else its finest level; and the latest period with values at that level.
   */
  async slice(caller: Caller, slug: string, level: Level | undefined, period: string | undefined): Promise<Slice> {
    const element = await this.get(caller, slug);
    const periods = await elementPeriods(this.knex, element.id);
    const levels = [...new Set(periods.map((p) => p.level))];
    const chosen = level ?? (levels.includes('kecamatan') ? 'kecamatan' : levels.at(-1));
    if (!chosen || !levels.includes(chosen)) {
      throw badRequest(
        'invalid_parameter',
        `Element "${slug}" has no values at level "${level ?? ''}". Levels: ${levels.join(', ') || 'none'}.`,
        { parameter: 'level', value: level, available: levels },
      );
    }
    const atLevel = periods.filter((p) => p.level === chosen);
    const latest = [...atLevel].reverse().find((p) => p.values > 0) ?? atLevel.at(-1);
    const which = period ?? latest?.period ?? '';
    if (!atLevel.some((p) => p.period === which)) {
      throw badRequest(
        'invalid_parameter',
        `Element "${slug}" has no values for period "${which}" at level ${chosen}. Periods: ${atLevel.map((p) => p.period || '(tanpa periode)').join(', ')}.`,
        { parameter: 'period', value: which, available: atLevel.map((p) => p.period) },
      );
    }
    return { element, level: chosen, period: which, periods };
  }

  async values(caller: Caller, slug: string, level?: Level, period?: string): Promise<Slice & { rows: ValueRow[] }> {
    const s = await this.slice(caller, slug, level, period);
    return { ...s, rows: await elementValues(this.knex, s.element.id, s.level, s.period) };
  }

  async geojson(caller: Caller, slug: string, level?: Level, period?: string): Promise<Slice & { features: string }> {
    const s = await this.slice(caller, slug, level, period);
    return { ...s, features: await elementGeojson(this.knex, s.element.id, s.level, s.period) };
  }

  async classes(
    caller: Caller,
    slug: string,
    method: ClassMethod,
    k: number,
    level?: Level,
    period?: string,
  ): Promise<Slice & ClassBreaks & { noData: number }> {
    const v = await this.values(caller, slug, level, period);
    const numbers = v.rows.map((r) => r.value).filter((x): x is number => x !== null);
    return {
      element: v.element,
      level: v.level,
      period: v.period,
      periods: v.periods,
      ...classify(numbers, method, k),
      noData: v.rows.length - numbers.length,
    };
  }

  /** Profil wilayah: every visible element's latest value at a district, and the layers with features there. */
  async profile(caller: Caller, code: string) {
    const { district } = await this.districts.get(code);
    const [rows, layers] = await Promise.all([
      districtProfile(this.knex, caller, district.code, district.parentCode),
      this.districts.layers(caller, district.code),
    ]);
    return { district, elements: rows.map(withChange), layers: layers.items };
  }
}

function withChange(r: ProfileRow) {
  const change = r.previousValue === null ? null : Math.round((r.value - r.previousValue) * 1e6) / 1e6;
  return { ...r, change };
}
