import { ckmeans, equalIntervalBreaks, jenks, mean, quantileSorted, standardDeviation } from 'simple-statistics';

export const CLASS_METHODS = ['quantile', 'jenks', 'equal', 'stddev'] as const;
export type ClassMethod = (typeof CLASS_METHODS)[number];

export interface ClassBreaks {
  method: ClassMethod;
  /** Classes asked for; fewer come back when there are fewer distinct values. */
  k: number;
  /** k + 1 ascending bounds, from the minimum to the maximum; a value v is in class i when breaks[i] ≤ v ≤ breaks[i+1]. */
  breaks: number[];
  classes: { from: number; to: number; count: number }[];
}

/**
 * Class breaks for a choropleth, from simple-statistics: quantile (equal counts), jenks (natural
 * breaks; ckmeans when there are too few values for Jenks), equal interval, and standard
 * deviation (bounds at the mean ± whole and half deviations, clipped to the data). Null values
 * are not classified ("no data").
 */
export function classify(values: number[], method: ClassMethod, k: number): ClassBreaks {
  const sorted = [...values].sort((a, b) => a - b);
  const distinct = [...new Set(sorted)];
  if (sorted.length === 0) return { method, k, breaks: [], classes: [] };
  const n = Math.max(1, Math.min(k, distinct.length));
  const min = sorted[0] as number;
  const max = sorted[sorted.length - 1] as number;
  let breaks: number[];
  if (n === 1) breaks = [min, max];
  else if (method === 'quantile')
    breaks = [min, ...Array.from({ length: n - 1 }, (_, i) => quantileSorted(sorted, (i + 1) / n)), max];
  else if (method === 'jenks')
    breaks = (sorted.length > n ? jenks(sorted, n) : null) ?? [
      min,
      ...ckmeans(sorted, n)
        .slice(1)
        .map((c) => c[0] as number),
      max,
    ];
  else if (method === 'equal') breaks = equalIntervalBreaks(sorted, n);
  else {
    const m = mean(sorted);
    const sd = standardDeviation(sorted);
    const inner = Array.from({ length: n - 1 }, (_, i) => m + (i - (n - 2) / 2) * sd).filter((b) => b > min && b < max);
    breaks = [min, ...inner, max];
  }
  breaks = breaks.map((b) => Math.round(b * 1e6) / 1e6).filter((b, i, all) => i === 0 || b > (all[i - 1] as number));
  if (breaks.length === 1) breaks.push(breaks[0] as number);
  const classes = breaks.slice(0, -1).map((from, i) => {
    const to = breaks[i + 1] as number;
    const last = i === breaks.length - 2;
    return { from, to, count: sorted.filter((v) => v >= from && (last ? v <= to : v < to)).length };
  });
  return { method, k, breaks, classes };
}
