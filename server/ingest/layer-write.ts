import type { Knex } from 'knex';
import { z } from 'zod';
import { actorName, requireWriter, type Caller } from '../auth/access.js';
import type { CatalogService } from '../catalog/catalog-service.js';
import type { LayerInput, LayerRecord } from '../catalog/layer-types.js';
import { AppError, badRequest } from '../http/app-error.js';
import { PROPERTY_NAME } from './feature-check.js';
import { recordHistory } from './history-sql.js';
import { withSymbol } from '../render/style-doc.js';

const text = (max: number) => z.string().trim().max(max);

/** Editable metadata (Satu Data elements); the body of PATCH /api/layers/{id}. */
export const layerPatchBody = z
  .object({
    title: text(300).min(3),
    description: text(5000),
    theme: z.string().max(64),
    classification: z.enum(['publik', 'terbatas']),
    fields: z
      .array(
        z
          .object({
            name: z.string().regex(PROPERTY_NAME, 'must be 1–63 letters, digits, _ . - or spaces'),
            type: z.enum(['string', 'integer', 'number', 'boolean', 'date']),
          })
          .strict(),
      )
      .max(500),
    tileFields: z.array(z.string().max(63)).max(100).nullable(),
    style: z
      .object({
        color: z.string().regex(/^#[0-9a-fA-F]{6}$/, 'must be a colour like #1f78b4'),
        fillOpacity: z.number().min(0).max(1),
        width: z.number().min(0).max(20),
        radius: z.number().min(0).max(50),
      })
      .partial()
      .strict(),
    minZoom: z.number().int().min(0).max(22),
    maxZoom: z.number().int().min(0).max(24),
    producer: text(300).nullable(),
    custodian: text(300).nullable(),
    contactEmail: z.email().max(200).nullable(),
    source: text(1000).nullable(),
    scaleDenominator: z.number().int().min(1).max(100_000_000).nullable(),
    updateFrequency: text(100).nullable(),
    lastUpdate: z.iso.date().nullable(),
    license: text(200).nullable(),
    keywords: z.array(text(100).min(1)).max(50),
    lineage: text(5000).nullable(),
    referenceSystem: text(100).nullable(),
  })
  .partial()
  .strict();

/** POST /api/layers: a new, empty layer; features follow with POST /api/layers/{id}/features. */
export const layerCreateBody = layerPatchBody
  .extend({
    slug: z.string().regex(/^[a-z0-9][a-z0-9-]{2,99}$/, 'must be 3–100 lower-case letters, digits and hyphens'),
    title: text(300).min(3),
    agency: z.string().max(64),
    theme: z.string().max(64),
    geometryType: z.enum(['Point', 'LineString', 'Polygon']),
  })
  .strict();

export type LayerPatch = z.infer<typeof layerPatchBody>;

/** Creating layers and editing their metadata, each with its audit record, in one transaction. */
export class LayerWriteService {
  constructor(
    private readonly knex: Knex,
    private readonly catalog: CatalogService,
  ) {}

  async create(caller: Caller, b: z.infer<typeof layerCreateBody>): Promise<LayerRecord> {
    if (!(await this.catalog.agencyExists(b.agency)))
      throw badRequest('unknown_agency', `No agency with code "${b.agency}". See /api/agencies.`, { field: 'agency' });
    requireWriter(caller, b.agency);
    // An editor names new layers inside its agency's part of the id space, so the answer to a
    // taken id never tells it about another agency's layers (restricted ones included).
    if (caller.kind === 'token' && caller.role !== 'admin' && !b.slug.startsWith(`${b.agency}-`))
      throw badRequest(
        'invalid_slug',
        `A new layer's id starts with its agency's code and a hyphen, e.g. "${b.agency}-${b.slug}".`,
        { field: 'slug', value: b.slug, prefix: `${b.agency}-` },
      );
    const input: LayerInput = {
      slug: b.slug,
      title: b.title,
      description: b.description ?? '',
      agencyCode: b.agency,
      themeCode: b.theme,
      geometryType: b.geometryType,
      classification: b.classification ?? 'publik',
      fields: b.fields ?? [],
      style: b.style ?? {},
      minZoom: b.minZoom ?? 10,
      maxZoom: b.maxZoom ?? 22,
      producer: b.producer ?? null,
      custodian: b.custodian ?? null,
      contactEmail: b.contactEmail ?? null,
      source: b.source ?? null,
      scaleDenominator: b.scaleDenominator ?? null,
      updateFrequency: b.updateFrequency ?? null,
      lastUpdate: b.lastUpdate ?? null,
      license: b.license ?? null,
      keywords: b.keywords ?? [],
      lineage: b.lineage ?? null,
      referenceSystem: b.referenceSystem ?? 'EPSG:4326',
      isSample: false,
      tileFields: b.tileFields ?? null,
    };
    await this.checkReferences(input);
    await this.knex.transaction(async (trx) => {
      if (await this.catalog.findId(trx, b.slug)) {
        throw new AppError(
          409,
          'layer_exists',
          `A layer "${b.slug}" already exists; choose another id, or PATCH that layer.`,
          { field: 'slug', value: b.slug },
        );
      }
      const { id, dataVersion } = await this.catalog.insertLayer(trx, input);
      await recordHistory(trx, {
        layerId: id,
        actor: actorName(caller),
        action: 'create',
        details: { metadata: b },
        previousVersion: null,
        newVersion: dataVersion,
      });
    });
    return this.catalog.getLayer(caller, b.slug);
  }

  async patch(caller: Caller, slug: string, p: LayerPatch): Promise<LayerRecord> {
    const current = await this.catalog.getLayer(caller, slug);
    requireWriter(caller, current.agencyCode);
    if (Object.keys(p).length === 0)
      throw badRequest(
        'invalid_layer_metadata',
        'The body changes nothing; send the fields to change, e.g. {"title": "…"}.',
      );
    const { theme, style, ...rest } = p;
    const next: LayerInput = {
      ...current,
      ...rest,
      themeCode: theme ?? current.themeCode,
      style: style ? withSymbol(current, style) : current.style,
    };
    await this.checkReferences(next);
    await this.knex.transaction(async (trx) => {
      await this.catalog.updateLayer(trx, current.id, next);
      const changed = Object.fromEntries(
        Object.keys(p).map((k) => [
          k,
          {
            from: (current as unknown as Record<string, unknown>)[k === 'theme' ? 'themeCode' : k],
            to: (p as Record<string, unknown>)[k],
          },
        ]),
      );
      await recordHistory(trx, {
        layerId: current.id,
        actor: actorName(caller),
        action: 'update_metadata',
        details: { changed },
        previousVersion: current.dataVersion,
        newVersion: current.dataVersion,
      });
    });
    return this.catalog.getLayer(caller, slug);
  }

  /**
   * A new style for a layer (editors of its agency and admins): `next` turns the stored style
   * into the new one under the row's lock, so concurrent changes each get their own version;
   * the change is recorded in the layer's history with the style before and after.
   */
  async updateStyle(
    caller: Caller,
    slug: string,
    next: (current: Record<string, unknown>) => Record<string, unknown>,
  ): Promise<LayerRecord> {
    const current = await this.catalog.getLayer(caller, slug);
    requireWriter(caller, current.agencyCode);
    await this.knex.transaction(async (trx) => {
      const { before, after } = await this.catalog.rewriteStyle(trx, current.id, next);
      await recordHistory(trx, {
        layerId: current.id,
        actor: actorName(caller),
        action: 'update_style',
        details: { styleVersion: after.version, from: before.rule ?? before, to: after.rule },
        previousVersion: current.dataVersion,
        newVersion: current.dataVersion,
      });
    });
    return this.catalog.getLayer(caller, slug);
  }

  private async checkReferences(l: LayerInput): Promise<void> {
    if (!(await this.catalog.themeExists(l.themeCode)))
      throw badRequest('unknown_theme', `No theme with code "${l.themeCode}". See /api/themes.`, { field: 'theme' });
    if (l.minZoom > l.maxZoom)
      throw badRequest('invalid_layer_metadata', `minZoom (${l.minZoom}) must not exceed maxZoom (${l.maxZoom}).`, {
        field: 'minZoom',
      });
    const names = new Set(l.fields.map((f) => f.name));
    if (names.size !== l.fields.length)
      throw badRequest('invalid_layer_metadata', 'fields: each field name may appear once.', { field: 'fields' });
    const unknown = (l.tileFields ?? []).filter((f) => !names.has(f));
    if (unknown.length)
      throw badRequest(
        'invalid_layer_metadata',
        `tileFields names fields the layer does not have: ${unknown.join(', ')}.`,
        { field: 'tileFields' },
      );
  }
}
