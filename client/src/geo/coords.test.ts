import { describe, expect, it } from 'vitest';
import { parseCoordinates } from './coords.js';

describe('parseCoordinates', () => {
  it.each([
    ['-6.1256, 106.6559', [106.6559, -6.1256]],
    ['106.6559 -6.1256', [106.6559, -6.1256]],
    ['-6.1256;106.6559', [106.6559, -6.1256]],
    [`6°07'32"S 106°39'21"E`, [106.65583, -6.12556]],
    ['S 6 7 32 E 106 39 21', [106.65583, -6.12556]],
    [`106°39'21.2"E, 6°7'32.2"S`, [106.65589, -6.12561]],
    ['6d 7m 32s S 106d 39m 21s E', [106.65583, -6.12556]],
  ])('reads %s', (text, [lon, lat]) => {
    const p = parseCoordinates(text);
    expect(p?.[0]).toBeCloseTo(lon as number, 4);
    expect(p?.[1]).toBeCloseTo(lat as number, 4);
  });

  it.each(['', 'abc', '1 2 3', '200, 300', `6°07'32"S 6°39'21"S`, `6°75'00"S 106°39'21"E`, '-6.1 , ', 'N 6 E'])(
    'refuses %j',
    (text) => {
      expect(parseCoordinates(text)).toBeNull();
    },
  );
});
