import { describe, expect, it } from 'vitest';
import { FeatureCollectionScanner } from './geojson-source.js';

const features = [
  {
    type: 'Feature',
    properties: { nama: 'Jl. "Daan" Mogot {km 1}', n: 1, esc: 'a\\b]' },
    geometry: { type: 'Point', coordinates: [106.6, -6.2] },
  },
  {
    type: 'Feature',
    properties: { nama: 'Cipondoh [utara]' },
    geometry: {
      type: 'LineString',
      coordinates: [
        [106.6, -6.2],
        [106.7, -6.1],
      ],
    },
  },
  { type: 'Feature', properties: null, geometry: null },
];
const doc = JSON.stringify(
  {
    type: 'FeatureCollection',
    name: 'uji',
    crs: { type: 'name', properties: { name: 'urn:ogc:def:crs:OGC:1.3:CRS84' } },
    features,
    bbox: [1, 2, 3, 4],
  },
  null,
  1,
);

function scan(parts: string[]): unknown[] {
  const s = new FeatureCollectionScanner();
  const out = parts.flatMap((p) => s.push(p));
  s.end();
  return out;
}

describe('FeatureCollectionScanner', () => {
  it('reads the same features wherever the chunks split the text', () => {
    for (let i = 0; i <= doc.length; i++) expect(scan([doc.slice(0, i), doc.slice(i)])).toEqual(features);
  });

  it('reads one character at a time', () => {
    expect(scan([...doc])).toEqual(features);
  });

  it('refuses what is not a FeatureCollection, truncated or malformed', () => {
    const cases: [string, string][] = [
      ['{"type":"Feature","properties":{},"geometry":null}', 'not_a_feature_collection'],
      ['{"type":"FeatureCollection"}', 'not_a_feature_collection'],
      ['[1,2]', 'not_a_feature_collection'],
      [doc.slice(0, doc.length - 40), 'invalid_json'],
      ['{"type":"FeatureCollection","features":[{"type":"Feature"} {"type":"Feature"}]}', 'invalid_json'],
      ['{"type":"FeatureCollection","features":[{"type":"Feature"},,{"type":"Feature"}]}', 'invalid_json'],
      ['{"type":"FeatureCollection","features":[{"type":"Feature",}]}', 'invalid_json'],
      ['{"type":"FeatureCollection","features":[1,2]}', 'invalid_feature_collection'],
      ['{"type":"FeatureCollection","features":[]} trailing', 'invalid_json'],
      ['{"type":"FeatureCollection" "features":[]}', 'invalid_json'],
    ];
    for (const [text, code] of cases) {
      expect(() => scan([text]), text).toThrow(expect.objectContaining({ code }) as Error);
    }
  });
});
