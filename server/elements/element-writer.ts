import type { Knex } from 'knex';
import { actorName, requireWriter, type Caller } from '../auth/access.js';
import type { CatalogService } from '../catalog/catalog-service.js';
import { AppError, badRequest } from '../http/app-error.js';
import { geometryFor, measureTypeFor, unitFor, type Derivation } from './derivation.js';
import { computeDerived, elementsFedBy, setSources, type SourceInput } from './derived-sql.js';
import { recordElementHistory } from './element-history-sql.js';
import type { ElementInput, ElementRecord, Frequency, MeasureType } from './element-types.js';
import { elementExists, insertElements, refreshElementStats } from './element-write-sql.js';

/**
 * Creating data elements (uploaded or computed from layers) and keeping computed ones in step
 * with their layers; ElementsService is its public face.
 */
export class ElementWriter {
  constructor(
    private readonly knex: Knex,
    private readonly catalog: CatalogService,
    /** An element the caller may see, or element_not_found (ElementsService.get). */
    private readonly get: (caller: Caller, slug: string) => Promise<ElementRecord>,
  ) {}

  /**
   * A new element computed from layers: the caller must be allowed to write the element's agency
   * and may use only layers it may write (an editor: its agency's; an admin: any). Created and
   * computed in one transaction.
   */
  async createDerived(caller: Caller, body: DerivedElementBody): Promise<ElementRecord> {
    requireWriter(caller, body.agency);
    await this.catalog.checkFilters({ agency: body.agency, theme: body.theme });
    const layers = await this.catalog.getLayers(
      caller,
      body.sources.map((s) => s.layer),
    );
    const geometry = geometryFor(body.measure);
    for (const l of layers) {
      requireWriter(caller, l.agencyCode);
      if (geometry && l.geometryType !== geometry) {
        throw badRequest(
          'invalid_element',
          `${body.measure} needs ${geometry} layers; "${l.slug}" holds ${l.geometryType}.`,
          { field: 'sources', value: l.slug },
        );
      }
    }
    if (body.measure === 'per_1000') {
      if (!body.population)
        throw badRequest('invalid_element', 'per_1000 needs a population element (population: its id).', {
          field: 'population',
        });
      await this.get(caller, body.population);
    }
    const input: ElementInput = {
      slug: body.slug,
      name: body.name,
      definition:
        body.definition ??
        `${body.name}, dihitung dari lapisan ${layers.map((l) => l.title).join(', ')} terhadap batas wilayah resmi.`,
      unit: body.unit ?? unitFor(body.measure),
      measureType: measureTypeFor(body.measure),
      frequency: 'tidak_tentu',
      agencyCode: body.agency,
      themeCode: body.theme,
      custodian: null,
      source: `Dihitung satupeta dari lapisan: ${layers.map((l) => l.slug).join(', ')}`,
      classification: body.classification ?? 'publik',
      license: body.license ?? null,
      keywords: body.keywords ?? [],
      notes: null,
      caveats: [],
      isSample: layers.some((l) => l.isSample),
    };
    const sources = layers.map((l, i) => ({ layerId: l.id, period: body.sources[i]?.period ?? '' }));
    await this.knex.transaction(async (trx) => {
      const id = await this.insertOne(trx, caller, input);
      await this.define(trx, id, { measure: body.measure, population: body.population }, sources);
    });
    return this.get(caller, body.slug);
  }

  /** A new element whose values producers load from CSV/XLSX (POST /api/elements/{id}/values). */
  async create(caller: Caller, body: ElementBody): Promise<ElementRecord> {
    requireWriter(caller, body.agency);
    await this.catalog.checkFilters({ agency: body.agency, theme: body.theme });
    await this.knex.transaction(async (trx) => {
      await this.insertOne(trx, caller, {
        slug: body.slug,
        name: body.name,
        definition: body.definition ?? '',
        unit: body.unit,
        measureType: body.measureType,
        frequency: body.frequency,
        agencyCode: body.agency,
        themeCode: body.theme,
        custodian: body.custodian ?? null,
        source: body.source ?? null,
        classification: body.classification ?? 'publik',
        license: body.license ?? null,
        keywords: body.keywords ?? [],
        notes: body.notes ?? null,
        caveats: body.caveats ?? [],
        isSample: false,
      });
    });
    return this.get(caller, body.slug);
  }

  private async insertOne(trx: Knex, caller: Caller, input: ElementInput): Promise<number> {
    if (await elementExists(trx, input.slug)) {
      throw new AppError(409, 'element_exists', `A data element "${input.slug}" already exists; choose another id.`, {
        field: 'slug',
        value: input.slug,
      });
    }
    const id = (await insertElements(trx, [input])).get(input.slug);
    if (id === undefined) throw new Error('element insert returned no id');
    await recordElementHistory(trx, [
      {
        elementId: id,
        actor: actorName(caller),
        action: 'create',
        details: { name: input.name, agency: input.agencyCode, classification: input.classification },
        previousVersion: null,
        newVersion: null,
      },
    ]);
    return id;
  }

  /** Sets how an element is computed and computes it (also used by the fixtures). */
  async define(trx: Knex, elementId: number, derivation: Derivation, sources: SourceInput[]): Promise<void> {
    await setSources(trx, elementId, derivation, sources);
    await computeDerived(trx, elementId);
    await refreshElementStats(trx, [elementId]);
  }

  /** Recomputes the elements fed by layers whose features just changed, in the writer's transaction. */
  async refreshDerivedFor(trx: Knex, layerIds: number[]): Promise<number[]> {
    const ids = await elementsFedBy(trx, layerIds);
    for (const id of ids) await computeDerived(trx, id);
    await refreshElementStats(trx, ids);
    return ids;
  }
}

/** POST /api/elements: an element computed from layers (see routes.ts for the schema). */
export interface DerivedElementBody {
  slug: string;
  name: string;
  definition?: string | undefined;
  unit?: string | undefined;
  agency: string;
  theme: string;
  classification?: 'publik' | 'terbatas' | undefined;
  license?: string | undefined;
  keywords?: string[] | undefined;
  measure: Derivation['measure'];
  population?: string | undefined;
  sources: { layer: string; period: string }[];
}

/** POST /api/elements without `measure`: an element whose values are uploaded (see routes.ts for the schema). */
export interface ElementBody {
  slug: string;
  name: string;
  definition?: string | undefined;
  unit: string;
  measureType: MeasureType;
  frequency: Frequency;
  agency: string;
  theme: string;
  custodian?: string | undefined;
  source?: string | undefined;
  classification?: 'publik' | 'terbatas' | undefined;
  license?: string | undefined;
  keywords?: string[] | undefined;
  notes?: string | undefined;
  caveats?: string[] | undefined;
}
