import { z } from 'zod';
import { CLASS_METHODS } from '../elements/classes.js';
import { PALETTE_NAMES } from './palettes.js';

/**
 * How a producer describes a layer's look (the body of PUT /api/layers/{id}/style): one symbol,
 * categories of a property, or classes of a numeric property, with an optional label. The
 * server turns it into MapLibre style layers (style-layers.ts), which every surface draws.
 * Sizes are CSS pixels at 96 dpi; colours #rrggbb.
 */
const hex = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'must be a colour like #1f78b4');
const classLabel = z.string().trim().min(1).max(100);
const value = z.union([z.string().max(200), z.number(), z.boolean()]);

const labelRule = z
  .object({
    property: z.string().min(1).max(63).describe('The field whose value is written'),
    size: z.number().min(6).max(40).default(12),
    color: hex.default('#222222'),
    haloColor: hex.default('#ffffff'),
    haloWidth: z.number().min(0).max(6).default(1.5),
    minZoom: z.number().min(0).max(24).optional().describe('Labels from this zoom on'),
  })
  .strict();

const common = {
  color: hex.optional().describe('The symbol colour (single), or the colour of features in no class'),
  fillOpacity: z.number().min(0).max(1).optional(),
  width: z.number().min(0).max(20).optional().describe('Line width, or polygon outline width'),
  radius: z.number().min(0).max(50).optional().describe('Circle radius of points'),
  outlineColor: hex.optional().describe('Polygon outline colour (default: the fill colour)'),
  dash: z.array(z.number().min(0).max(50)).min(2).max(8).optional().describe('Line dashes, in line widths'),
  label: labelRule.optional(),
  minZoom: z.number().min(0).max(24).optional(),
  maxZoom: z.number().min(0).max(24).optional(),
};

export const styleRuleBody = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('single'), ...common }).strict(),
  z
    .object({
      kind: z.literal('categorized'),
      ...common,
      property: z.string().min(1).max(63),
      /** Left out: the most frequent values of the data, coloured from `palette`. */
      classes: z
        .array(z.object({ value, label: classLabel.optional(), color: hex }).strict())
        .min(1)
        .max(50)
        .optional(),
      palette: z.enum(PALETTE_NAMES).optional(),
      otherLabel: classLabel.default('Lainnya'),
    })
    .strict(),
  z
    .object({
      kind: z.literal('graduated'),
      ...common,
      property: z.string().min(1).max(63),
      /** Left out: computed from the data with `method` and `k`. */
      classes: z
        .array(z.object({ min: z.number(), max: z.number(), label: classLabel.optional(), color: hex }).strict())
        .min(1)
        .max(20)
        .optional(),
      method: z.enum(CLASS_METHODS).default('quantile'),
      k: z.number().int().min(2).max(9).default(5),
      palette: z.enum(PALETTE_NAMES).default('YlOrRd'),
    })
    .strict(),
]);

export type StyleRuleInput = z.input<typeof styleRuleBody>;
export type StyleRuleParsed = z.output<typeof styleRuleBody>;
export type LabelRule = z.output<typeof labelRule>;

/** A symbol's look, complete: what one legend class shows and what its style layers paint. */
export interface Symbol {
  color: string;
  fillOpacity: number;
  width: number;
  radius: number;
  outlineColor: string | null;
  dash: number[] | null;
}

/** A rule with its classes resolved (from the body, or computed from the data): what is stored. */
export type StyleRule =
  | ({ kind: 'single' } & Base)
  | ({ kind: 'categorized'; property: string; classes: CategoryClass[]; otherLabel: string } & Base)
  | ({ kind: 'graduated'; property: string; classes: RangeClass[]; method: string | null } & Base);

interface Base {
  symbol: Symbol;
  label: LabelRule | null;
  minZoom: number | null;
  maxZoom: number | null;
}
export interface CategoryClass {
  value: string | number | boolean;
  label: string;
  color: string;
}
export interface RangeClass {
  min: number;
  max: number;
  label: string;
  color: string;
}

/** The look of a rule's symbol for a geometry type, from the body's values and defaults. */
export function symbolOf(
  b: { color?: string; fillOpacity?: number; width?: number; radius?: number; outlineColor?: string; dash?: number[] },
  geometryType: string,
  fallbackColor: string,
): Symbol {
  return {
    color: (b.color ?? fallbackColor).toLowerCase(),
    fillOpacity: b.fillOpacity ?? 0.35,
    width: b.width ?? (geometryType === 'LineString' ? 2 : 1),
    radius: b.radius ?? 4,
    outlineColor: b.outlineColor?.toLowerCase() ?? null,
    dash: b.dash ?? null,
  };
}

/**
 * The stored rule of a layer's `style` column: the rule itself, or (layers styled before rules
 * existed) the old single-symbol keys color/fillOpacity/width/radius read as a single rule.
 */
export function storedRule(style: Record<string, unknown>, geometryType: string): StyleRule {
  const rule = style.rule as StyleRule | undefined;
  if (rule && typeof rule === 'object' && typeof rule.kind === 'string') return rule;
  const num = (v: unknown, min: number, max: number) =>
    typeof v === 'number' && Number.isFinite(v) ? Math.min(max, Math.max(min, v)) : undefined;
  const color = typeof style.color === 'string' && /^#[0-9a-fA-F]{6}$/.test(style.color) ? style.color : undefined;
  const symbol = symbolOf(
    {
      ...(color ? { color } : {}),
      ...(num(style.fillOpacity, 0, 1) !== undefined ? { fillOpacity: num(style.fillOpacity, 0, 1) } : {}),
      ...(num(style.width, 0, 20) !== undefined ? { width: num(style.width, 0, 20) } : {}),
      ...(num(style.radius, 0, 50) !== undefined ? { radius: num(style.radius, 0, 50) } : {}),
    },
    geometryType,
    '#3182bd',
  );
  return { kind: 'single', symbol, label: null, minZoom: null, maxZoom: null };
}

/** The fields a rule reads: its property and its label's. */
export function ruleProperties(rule: StyleRule): string[] {
  const names = new Set<string>();
  if (rule.kind !== 'single') names.add(rule.property);
  if (rule.label) names.add(rule.label.property);
  return [...names];
}
