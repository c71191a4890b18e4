import type { Knex } from 'knex';
import type { Caller } from '../auth/access.js';
import type { CatalogService } from '../catalog/catalog-service.js';
import type { LayerRecord } from '../catalog/layer-types.js';
import { classify } from '../elements/classes.js';
import { AppError } from '../http/app-error.js';
import type { LayerWriteService } from '../ingest/layer-write.js';
import { landUseColor, paletteColors } from './palettes.js';
import { layerProblems, ruleProblems, type StyleProblem } from './style-check.js';
import { legendOfLayer, storedStyle, styleDocOf, type StyleDoc } from './style-doc.js';
import { NO_DATA_COLOR, type Legend } from './style-layers.js';
import { symbolOf, type StyleRule, type StyleRuleParsed } from './style-rule.js';
import { frequentValues, numericValues } from './style-sql.js';

/** Categories a categorized rule finds in the data when none are given; the rest are "other". */
const AUTO_CATEGORIES = 12;

/** A number as Indonesian maps write it: decimal comma, dots between thousands. */
const fmt = (n: number) => n.toLocaleString('id-ID', { maximumFractionDigits: 2 });

export function invalidStyle(problems: StyleProblem[]): AppError {
  const first = problems[0];
  return new AppError(
    422,
    'invalid_style',
    `The style was not saved: ${first ? `${first.path}: ${first.message}` : 'it is not valid'}${problems.length > 1 ? ` (and ${problems.length - 1} more)` : ''}.`,
    { problems },
  );
}

/**
 * Layer styles: read (the stored rule, its MapLibre layers and legend), written by producers
 * (a rule resolved against the data, checked, versioned and audited), and gathered into a
 * MapLibre style document for any list of visible layers.
 */
export class StyleService {
  constructor(
    private readonly knex: Knex,
    private readonly catalog: CatalogService,
    private readonly writes: LayerWriteService,
  ) {}

  async get(caller: Caller, slug: string): Promise<StyleDoc & { layer: string; legend: Legend }> {
    const layer = await this.catalog.getLayer(caller, slug);
    return { layer: layer.slug, ...styleDocOf(layer), legend: legendOfLayer(layer) };
  }

  /** Resolves, checks and stores a rule; nothing is written when any check fails (422 invalid_style). */
  async put(
    caller: Caller,
    slug: string,
    body: StyleRuleParsed,
  ): Promise<StyleDoc & { layer: string; legend: Legend }> {
    const layer = await this.catalog.getLayer(caller, slug);
    const rule = await this.resolve(layer, body);
    const problems = ruleProblems(layer, rule);
    if (problems.length === 0) problems.push(...layerProblems(storedStyle(layer, rule, 1).layers));
    if (problems.length > 0) throw invalidStyle(problems);
    const saved = await this.writes.updateStyle(caller, slug, (current) => {
      const version = (typeof current.version === 'number' ? current.version : 0) + 1;
      return storedStyle(layer, rule, version);
    });
    return { layer: saved.slug, ...styleDocOf(saved), legend: legendOfLayer(saved) };
  }

  /** A rule with its classes: those given, or computed from the layer's data. */
  private async resolve(layer: LayerRecord, b: StyleRuleParsed): Promise<StyleRule> {
    const current = styleDocOf(layer).rule.symbol.color;
    const base = {
      label: b.label ?? null,
      minZoom: b.minZoom ?? null,
      maxZoom: b.maxZoom ?? null,
    };
    if (b.kind === 'single') return { kind: 'single', symbol: symbolOf(b, layer.geometryType, current), ...base };
    const known = layer.fields.some((f) => f.name === b.property);
    if (b.kind === 'categorized') {
      const symbol = symbolOf(b, layer.geometryType, NO_DATA_COLOR);
      if (b.classes)
        return {
          kind: 'categorized',
          property: b.property,
          classes: b.classes.map((c) => ({ value: c.value, label: c.label ?? String(c.value), color: c.color })),
          otherLabel: b.otherLabel,
          symbol,
          ...base,
        };
      const values = known ? await frequentValues(this.knex, layer.storageId, b.property, AUTO_CATEGORIES) : [];
      // Land-use zones get the colours of spatial plans unless a palette is asked for.
      const zones = values.map((v) => landUseColor(String(v)));
      const colors =
        !b.palette && values.length > 0 && zones.every((c) => c !== undefined)
          ? zones
          : paletteColors(b.palette ?? 'Set2', values.length);
      return {
        kind: 'categorized',
        property: b.property,
        classes: values.map((v, i) => ({ value: v, label: String(v), color: colors[i] as string })),
        otherLabel: b.otherLabel,
        symbol,
        ...base,
      };
    }
    const symbol = symbolOf(b, layer.geometryType, NO_DATA_COLOR);
    if (b.classes)
      return {
        kind: 'graduated',
        property: b.property,
        method: null,
        classes: b.classes.map((c) => ({ ...c, label: c.label ?? `${fmt(c.min)} – ${fmt(c.max)}` })),
        symbol,
        ...base,
      };
    const numeric = layer.fields.some((f) => f.name === b.property && (f.type === 'integer' || f.type === 'number'));
    const values = numeric ? await numericValues(this.knex, layer.storageId, b.property) : [];
    if (numeric && values.length === 0)
      throw invalidStyle([
        {
          path: 'property',
          message: `the layer has no numeric values of "${b.property}" to classify; give the classes yourself`,
        },
      ]);
    const breaks = classify(values, b.method, b.k);
    const colors = paletteColors(b.palette, breaks.classes.length);
    return {
      kind: 'graduated',
      property: b.property,
      method: b.method,
      classes: breaks.classes.map((c, i) => ({
        min: c.from,
        max: c.to,
        label: `${fmt(c.from)} – ${fmt(c.to)}`,
        color: colors[i] as string,
      })),
      symbol,
      ...base,
    };
  }

  /**
   * A MapLibre style (v8) of visible layers, bottom to top: one vector source on our TileJSON of
   * the same list (one tile request per position for all of them), glyphs from our server.
   */
  styleJson(layers: LayerRecord[], base: string): Record<string, unknown> {
    const list = layers.map((l) => encodeURIComponent(l.slug)).join(',');
    const bboxes = layers.map((l) => l.bbox).filter((b): b is NonNullable<typeof b> => b !== null);
    const center = bboxes.length
      ? [
          (Math.min(...bboxes.map((b) => b[0])) + Math.max(...bboxes.map((b) => b[2]))) / 2,
          (Math.min(...bboxes.map((b) => b[1])) + Math.max(...bboxes.map((b) => b[3]))) / 2,
        ]
      : [106.63, -6.18];
    return {
      version: 8,
      name: layers.length === 1 ? layers[0]?.title : `Satu Peta Kota Tangerang: ${layers.length} lapisan`,
      metadata: {
        'satupeta:layers': layers.map((l) => ({ id: l.slug, title: l.title, styleVersion: styleDocOf(l).version })),
        'satupeta:legends': layers.map((l) => legendOfLayer(l)),
      },
      center,
      zoom: 12,
      sources: { satupeta: { type: 'vector', url: `${base}/tiles/${list}.json` } },
      glyphs: `${base}/glyphs/{fontstack}/{range}.pbf`,
      layers: [
        { id: 'background', type: 'background', paint: { 'background-color': '#f8f8f5' } },
        ...layers.flatMap((l) => styleDocOf(l).layers.map((s) => ({ ...s, source: 'satupeta' }))),
      ],
    };
  }
}
