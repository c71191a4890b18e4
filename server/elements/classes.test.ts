import { describe, expect, it } from 'vitest';
import { classify } from './classes.js';

const values = [1, 2, 2, 3, 4, 5, 8, 13, 21, 34, 55, 89];

describe('class breaks', () => {
  it.each(['quantile', 'jenks', 'equal', 'stddev'] as const)(
    '%s puts every value in exactly one class, bounds ascending from min to max',
    (method) => {
      const c = classify(values, method, 4);
      expect(c.breaks[0]).toBe(1);
      expect(c.breaks.at(-1)).toBe(89);
      for (let i = 1; i < c.breaks.length; i++) expect(c.breaks[i]).toBeGreaterThan(c.breaks[i - 1] as number);
      expect(c.classes.reduce((s, k) => s + k.count, 0)).toBe(values.length);
    },
  );

  it('splits quantiles into equal counts and equal intervals into equal widths', () => {
    expect(classify([1, 2, 3, 4, 5, 6, 7, 8], 'quantile', 4).classes.map((c) => c.count)).toEqual([2, 2, 2, 2]);
    expect(classify([0, 10, 20, 30, 40], 'equal', 4).breaks).toEqual([0, 10, 20, 30, 40]);
  });

  it('finds the natural gap with jenks', () => {
    expect(classify([1, 2, 3, 100, 101, 102], 'jenks', 2).classes.map((c) => c.count)).toEqual([3, 3]);
  });

  it('returns fewer classes than asked when there are fewer distinct values, and none without values', () => {
    expect(classify([5, 5, 7], 'quantile', 5).classes.length).toBeLessThanOrEqual(2);
    expect(classify([], 'jenks', 5)).toMatchObject({ breaks: [], classes: [] });
    expect(classify([3, 3], 'equal', 4).classes).toEqual([{ from: 3, to: 3, count: 2 }]);
  });
});
