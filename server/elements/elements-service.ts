import type { Knex } from 'knex';
import { visibilityKey, type Caller } from '../auth/access.js';
import type { CatalogService } from '../catalog/catalog-service.js';
import { toPrefixQuery } from '../catalog/search-text.js';
import type { DistrictsService } from '../districts/districts-service.js';
import { badRequest, notFound } from '../http/app-error.js';
import { elementHistory, type HistoryEntry } from './element-history-sql.js';
import { ElementWriter, type DerivedElementBody, type ElementBody } from './element-writer.js';

export type { DerivedElementBody, ElementBody };
import { classify, type ClassBreaks, type ClassMethod } from './classes.js';
import type { Derivation } from './derivation.js';
import { elementSources, type SourceInput, type SourceRow } from './derived-sql.js';
import type { ElementRecord, Level } from './element-types.js';
import {
  allValues,
  districtProfile,
  districtSeries,
  elementFacets,
  elementsFingerprint,
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
  ) {
    this.writer = new ElementWriter(knex, catalog, (caller, slug) => this.get(caller, slug));
  }

  private readonly writer: ElementWriter;
  /** Whole lists by visibility, kept until any element row changes (catalogue listings read them whole). */
  private readonly listed = new Map<string, { fingerprint: string; items: ElementRecord[] }>();

  /** Every element the caller may see, in id order (CSW, DCAT, CKAN listings). */
  async visibleElements(caller: Caller): Promise<ElementRecord[]> {
    const key = visibilityKey(caller);
    const fingerprint = await elementsFingerprint(this.knex);
    const known = this.listed.get(key);
    if (known && known.fingerprint === fingerprint) return [...known.items];
    const { items } = await this.page(caller, { limit: 1_000_000, offset: 0, sort: 'id' });
    if (this.listed.size >= 64) this.listed.clear();
    this.listed.set(key, { fingerprint, items });
    return [...items];
  }

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

  /** A page of elements without facets, in a chosen order (the CKAN API over elements). */
  page(
    caller: Caller,
    s: ElementSearch & {
      keyword?: string | undefined;
      agencyIn?: string[] | null;
      agencyNotIn?: string[];
      modifiedFrom?: string | null;
      modifiedTo?: string | null;
      sort: 'relevance' | 'title' | 'modified' | 'id';
    },
  ): Promise<{ total: number; items: ElementRecord[] }> {
    return searchElements(
      this.knex,
      caller,
      {
        tsquery: s.q ? toPrefixQuery(s.q) : null,
        agency: s.agency ?? null,
        theme: s.theme ?? null,
        level: s.level ?? null,
        period: s.period ?? null,
        keyword: s.keyword ?? null,
        agencyIn: s.agencyIn ?? null,
        agencyNotIn: s.agencyNotIn ?? null,
        modifiedFrom: s.modifiedFrom ?? null,
        modifiedTo: s.modifiedTo ?? null,
        sort: s.sort,
      },
      { limit: s.limit, offset: s.offset },
    );
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

  async detail(
    caller: Caller,
    slug: string,
  ): Promise<{ element: ElementRecord; periods: PeriodRow[]; derivation: Derivation | null; sources: SourceRow[] }> {
    const element = await this.get(caller, slug);
    const [periods, derived] = await Promise.all([
      elementPeriods(this.knex, element.id),
      elementSources(this.knex, element.id),
    ]);
    return { element, periods, ...derived };
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

  /**
   * Values of a slice; with `since`, the change from that period instead (value − value then,
   * null where either is missing), each row keeping the value it started from as `base`.
   */
  async values(
    caller: Caller,
    slug: string,
    level?: Level,
    period?: string,
    since?: string,
  ): Promise<Slice & { since: string | null; rows: (ValueRow & { base?: number | null })[] }> {
    const s = await this.slice(caller, slug, level, period);
    const rows = await elementValues(this.knex, s.element.id, s.level, s.period);
    if (since === undefined) return { ...s, since: null, rows };
    if (!s.periods.some((p) => p.level === s.level && p.period === since) || since === s.period) {
      throw badRequest(
        'invalid_parameter',
        `since must be another period of "${slug}" at level ${s.level}: ${s.periods
          .filter((p) => p.level === s.level && p.period !== s.period)
          .map((p) => p.period || '(tanpa periode)')
          .join(', ')}.`,
        { parameter: 'since', value: since },
      );
    }
    const base = new Map((await elementValues(this.knex, s.element.id, s.level, since)).map((r) => [r.code, r]));
    return {
      ...s,
      since,
      rows: rows.map((r) => {
        const b = base.get(r.code)?.value ?? null;
        const change = r.value === null || b === null ? null : Math.round((r.value - b) * 1e6) / 1e6;
        return {
          ...r,
          value: change,
          base: b,
          missingReason: change === null ? (r.missingReason ?? base.get(r.code)?.missingReason ?? null) : null,
        };
      }),
    };
  }

  /** One district's values in every period (its level), for a time-series chart. */
  async series(caller: Caller, slug: string, code: string) {
    const element = await this.get(caller, slug);
    const { district } = await this.districts.get(code);
    return { element, district, items: await districtSeries(this.knex, element.id, district.code) };
  }

  /** Every value of a visible element (the full CSV download). */
  async allValues(caller: Caller, slug: string) {
    const element = await this.get(caller, slug);
    return { element, rows: await allValues(this.knex, element.id) };
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
    since?: string,
  ): Promise<Slice & ClassBreaks & { noData: number; since: string | null }> {
    const v = await this.values(caller, slug, level, period, since);
    const numbers = v.rows.map((r) => r.value).filter((x): x is number => x !== null);
    return {
      element: v.element,
      level: v.level,
      period: v.period,
      periods: v.periods,
      since: v.since,
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

  /** A new element computed from layers (see ElementWriter.createDerived). */
  createDerived(caller: Caller, body: DerivedElementBody): Promise<ElementRecord> {
    return this.writer.createDerived(caller, body);
  }

  /** A new element whose values producers load from CSV/XLSX. */
  create(caller: Caller, body: ElementBody): Promise<ElementRecord> {
    return this.writer.create(caller, body);
  }

  /** An element's audit records, newest first, for anyone who may see the element. */
  async history(
    caller: Caller,
    slug: string,
    limit: number,
    before: number | null,
  ): Promise<{ element: ElementRecord; items: HistoryEntry[] }> {
    const element = await this.get(caller, slug);
    return { element, items: await elementHistory(this.knex, element.id, limit, before) };
  }

  /** Sets how an element is computed and computes it (also used by the fixtures). */
  define(trx: Knex, elementId: number, derivation: Derivation, sources: SourceInput[]): Promise<void> {
    return this.writer.define(trx, elementId, derivation, sources);
  }

  /** Recomputes the elements fed by layers whose features just changed, in the writer's transaction. */
  refreshDerivedFor(trx: Knex, layerIds: number[]): Promise<number[]> {
    return this.writer.refreshDerivedFor(trx, layerIds);
  }
}

function withChange(r: ProfileRow) {
  const change = r.previousValue === null ? null : Math.round((r.value - r.previousValue) * 1e6) / 1e6;
  return { ...r, change };
}
