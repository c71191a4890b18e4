import type { ExpressionSpecification, Map as MlMap } from 'maplibre-gl';
import { api, type ElementValue } from '../api.js';

/** ColorBrewer YlGnBu, 7 classes: sequential and colour-blind safe. */
const RAMP = ['#ffffcc', '#c7e9b4', '#7fcdbb', '#41b6c4', '#1d91c0', '#225ea8', '#0c2c84'];
export const NO_DATA_COLOR = '#d4d4d4';
/** ColorBrewer PuOr, 7 classes: diverging and colour-blind safe, for changes (orange down, purple up). */
const DIVERGING = ['#b35806', '#f1a340', '#fee0b6', '#f7f7f7', '#d8daeb', '#998ec3', '#542788'];

/** k colours of the diverging ramp, for "change since" maps. */
export function divergingFor(k: number): string[] {
  return Array.from(
    { length: k },
    (_, i) => DIVERGING[Math.round((i * (DIVERGING.length - 1)) / Math.max(1, k - 1))] as string,
  );
}

/** k colours spread over the ramp, light to dark. */
export function rampFor(k: number): string[] {
  if (k >= RAMP.length) return RAMP.slice(0, k);
  return Array.from({ length: k }, (_, i) => RAMP[Math.round((i * (RAMP.length - 1)) / Math.max(1, k - 1))] as string);
}

/** The class of a value for ascending bounds (k + 1 of them): the last class includes its upper bound. */
export function classOf(value: number, breaks: number[]): number {
  for (let i = 0; i < breaks.length - 1; i++) {
    if (value < (breaks[i + 1] as number) || i === breaks.length - 2) return i;
  }
  return 0;
}

const LEVELS = ['kota', 'kecamatan', 'kelurahan'] as const;
export type Level = (typeof LEVELS)[number];

/**
 * District polygons of each level, loaded once per level, coloured by feature-state: a new
 * element or period only sets states (value, class) and never downloads geometry again.
 */
export class Choropleth {
  private readonly loaded = new Map<Level, Promise<void>>();
  private shown: Level | null = null;
  private states: string[] = [];

  constructor(private readonly map: MlMap) {}

  private source(level: Level): string {
    return `thematic-${level}`;
  }

  private ensure(level: Level): Promise<void> {
    let p = this.loaded.get(level);
    if (!p) {
      p = api.districtsGeojson(level).then((fc) => {
        const id = this.source(level);
        this.map.addSource(id, { type: 'geojson', data: fc, promoteId: 'code' });
        const before = this.map.getLayer('kelurahan-line') ? 'kelurahan-line' : undefined;
        this.map.addLayer(
          {
            id: `${id}-fill`,
            type: 'fill',
            source: id,
            paint: { 'fill-opacity': 0.8 },
            layout: { visibility: 'none' },
          },
          before,
        );
        this.map.addLayer(
          {
            id: `${id}-line`,
            type: 'line',
            source: id,
            paint: { 'line-color': '#475569', 'line-width': 0.8 },
            layout: { visibility: 'none' },
          },
          before,
        );
      });
      this.loaded.set(level, p);
    }
    return p;
  }

  /** Shows the values of one level, coloured by class; districts without a value are "no data". */
  async show(level: Level, values: ElementValue[], breaks: number[], colors: string[]): Promise<void> {
    await this.ensure(level);
    this.clearStates();
    const id = this.source(level);
    for (const v of values) {
      const cls = v.value === null || breaks.length === 0 ? -1 : classOf(v.value, breaks);
      this.map.setFeatureState({ source: id, id: v.code }, { value: v.value, cls });
      this.states.push(v.code);
    }
    const match: unknown[] = ['match', ['coalesce', ['feature-state', 'cls'], -1]];
    colors.forEach((c, i) => match.push(i, c));
    match.push(NO_DATA_COLOR);
    this.map.setPaintProperty(
      `${id}-fill`,
      'fill-color',
      colors.length ? (match as ExpressionSpecification) : NO_DATA_COLOR,
    );
    for (const l of LEVELS) {
      if (!this.loaded.has(l)) continue;
      const visibility = l === level ? 'visible' : 'none';
      this.map.setLayoutProperty(`${this.source(l)}-fill`, 'visibility', visibility);
      this.map.setLayoutProperty(`${this.source(l)}-line`, 'visibility', visibility);
    }
    this.shown = level;
  }

  hide(): void {
    this.clearStates();
    for (const l of this.loaded.keys()) {
      if (!this.map.getLayer(`${this.source(l)}-fill`)) continue;
      this.map.setLayoutProperty(`${this.source(l)}-fill`, 'visibility', 'none');
      this.map.setLayoutProperty(`${this.source(l)}-line`, 'visibility', 'none');
    }
    this.shown = null;
  }

  /** The layer id a click should query, while a map is shown. */
  fillLayer(): string | null {
    return this.shown ? `${this.source(this.shown)}-fill` : null;
  }

  private clearStates(): void {
    if (this.shown)
      for (const code of this.states) this.map.removeFeatureState({ source: this.source(this.shown), id: code });
    this.states = [];
  }
}
