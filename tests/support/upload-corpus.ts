import { gzipSync } from 'node:zlib';

/**
 * Malformed uploads, each with the status and error code it must get. Every case targets a layer
 * that already holds features, and the test checks the layer is unchanged afterwards.
 */
export interface UploadCase {
  name: string;
  /** Which test layer: the point, line or polygon one. */
  layer: 'point' | 'line' | 'polygon';
  body: string | Uint8Array | { fixture: string };
  contentType?: string | undefined;
  contentEncoding?: string;
  query?: string;
  status: number;
  code: string;
  /** The problem code expected among details.problems (422 invalid_features). */
  problem?: string;
}

type Geometry = { type: string; coordinates?: unknown; geometries?: unknown[] } | null;

export const feature = (geometry: Geometry, properties: Record<string, unknown> | null = { nama: 'uji' }) => ({
  type: 'Feature',
  properties,
  geometry,
});
export const fc = (...features: unknown[]) => JSON.stringify({ type: 'FeatureCollection', features });
export const point = (x = 106.64, y = -6.18): Geometry => ({ type: 'Point', coordinates: [x, y] });
export const square = (x = 106.63, y = -6.18, d = 0.001): Geometry => ({
  type: 'Polygon',
  coordinates: [
    [
      [x, y],
      [x + d, y],
      [x + d, y + d],
      [x, y + d],
      [x, y],
    ],
  ],
});
const line: Geometry = {
  type: 'LineString',
  coordinates: [
    [106.63, -6.18],
    [106.64, -6.19],
  ],
};
const GJ = 'application/geo+json';
const bad = (
  name: string,
  layer: UploadCase['layer'],
  body: string,
  problem: string,
  extra: Partial<UploadCase> = {},
): UploadCase => ({ name, layer, body, contentType: GJ, status: 422, code: 'invalid_features', problem, ...extra });

export function uploadCorpus(limits: {
  maxProperties: number;
  maxValueChars: number;
  maxFeatures: number;
  maxBytes: number;
}): UploadCase[] {
  const cases: UploadCase[] = [
    // Unreadable documents: 400 with the kind.
    {
      name: 'not JSON at all',
      layer: 'point',
      body: 'hello, peta',
      contentType: GJ,
      status: 400,
      code: 'invalid_json',
    },
    { name: 'an empty body', layer: 'point', body: '', contentType: GJ, status: 400, code: 'invalid_json' },
    {
      name: 'a truncated FeatureCollection',
      layer: 'point',
      body: fc(feature(point()), feature(point())).slice(0, 120),
      contentType: GJ,
      status: 400,
      code: 'invalid_json',
    },
    {
      name: 'a trailing comma inside a feature',
      layer: 'point',
      body: '{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":null,}]}',
      contentType: GJ,
      status: 400,
      code: 'invalid_json',
    },
    {
      name: 'NaN as a coordinate',
      layer: 'point',
      body: '{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[NaN,-6.2]}}]}',
      contentType: GJ,
      status: 400,
      code: 'invalid_json',
    },
    {
      name: 'Infinity as a coordinate',
      layer: 'point',
      body: '{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[Infinity,-6.2]}}]}',
      contentType: GJ,
      status: 400,
      code: 'invalid_json',
    },
    {
      name: 'a bare Feature',
      layer: 'point',
      body: JSON.stringify(feature(point())),
      contentType: GJ,
      status: 400,
      code: 'not_a_feature_collection',
    },
    {
      name: 'a bare geometry',
      layer: 'point',
      body: JSON.stringify(point()),
      contentType: GJ,
      status: 400,
      code: 'not_a_feature_collection',
    },
    {
      name: 'a JSON array',
      layer: 'point',
      body: JSON.stringify([feature(point())]),
      contentType: GJ,
      status: 400,
      code: 'not_a_feature_collection',
    },
    {
      name: 'numbers as features',
      layer: 'point',
      body: '{"type":"FeatureCollection","features":[1,2]}',
      contentType: GJ,
      status: 400,
      code: 'invalid_feature_collection',
    },
    {
      name: 'a missing comma between features',
      layer: 'point',
      body: `{"type":"FeatureCollection","features":[${JSON.stringify(feature(point()))} ${JSON.stringify(feature(point()))}]}`,
      contentType: GJ,
      status: 400,
      code: 'invalid_json',
    },
    {
      name: 'a broken NDJSON line',
      layer: 'point',
      body: `${JSON.stringify(feature(point()))}\n{"type":"Feature",\n`,
      query: 'mode=append&format=ndjson',
      status: 400,
      code: 'invalid_json',
    },
    {
      name: 'bytes of no known format',
      layer: 'point',
      body: new Uint8Array([0, 1, 2, 3, 255, 254]),
      status: 415,
      code: 'unsupported_format',
    },
    // Nothing to load.
    {
      name: 'an empty FeatureCollection',
      layer: 'point',
      body: fc(),
      contentType: GJ,
      status: 422,
      code: 'empty_upload',
    },
    {
      name: 'NDJSON with blank lines only',
      layer: 'point',
      body: '\n\n\n',
      query: 'mode=append&format=ndjson',
      status: 422,
      code: 'empty_upload',
    },
    // Coordinates.
    bad(
      'coordinates as strings',
      'point',
      fc(feature({ type: 'Point', coordinates: ['106.6', '-6.2'] })),
      'invalid_coordinates',
    ),
    bad(
      'a position with one number',
      'point',
      fc(feature({ type: 'Point', coordinates: [106.6] })),
      'invalid_coordinates',
    ),
    bad('latitude and longitude swapped', 'point', fc(feature(point(-6.18, 106.64))), 'coordinates_swapped'),
    bad('projected UTM metres in GeoJSON', 'point', fc(feature(point(681000, 9316000))), 'coordinates_out_of_range'),
    bad('a longitude of 200', 'point', fc(feature(point(200, -6.2))), 'coordinates_out_of_range'),
    bad('a point in Surabaya, far outside the city', 'point', fc(feature(point(112.75, -7.25))), 'outside_area'),
    bad('a point at 0,0', 'point', fc(feature(point(0, 0))), 'outside_area'),
    // Geometry types.
    bad('a point into a polygon layer', 'polygon', fc(feature(point())), 'geometry_type_mismatch'),
    bad('a line into a point layer', 'point', fc(feature(line)), 'geometry_type_mismatch'),
    bad('mixed geometry types', 'polygon', fc(feature(square()), feature(point())), 'geometry_type_mismatch'),
    bad(
      'a GeometryCollection',
      'point',
      fc(feature({ type: 'GeometryCollection', geometries: [point()] })),
      'geometry_type_mismatch',
    ),
    bad('a null geometry', 'point', fc(feature(null)), 'missing_geometry'),
    bad(
      'an unknown geometry type',
      'point',
      fc(feature({ type: 'Circle', coordinates: [106.6, -6.2] })),
      'invalid_feature',
    ),
    bad('a feature without properties', 'point', fc({ type: 'Feature', geometry: point() }), 'invalid_feature'),
    bad('a feature without type', 'point', fc({ properties: {}, geometry: point() }), 'invalid_feature'),
    // Rings and lines.
    bad(
      'an unclosed ring',
      'polygon',
      fc(
        feature({
          type: 'Polygon',
          coordinates: [
            [
              [106.63, -6.18],
              [106.64, -6.18],
              [106.64, -6.17],
              [106.63, -6.17],
            ],
          ],
        }),
      ),
      'unclosed_ring',
    ),
    bad(
      'a ring of three positions',
      'polygon',
      fc(
        feature({
          type: 'Polygon',
          coordinates: [
            [
              [106.63, -6.18],
              [106.64, -6.18],
              [106.63, -6.18],
            ],
          ],
        }),
      ),
      'too_few_points',
    ),
    bad(
      'an unclosed hole',
      'polygon',
      fc(
        feature({
          type: 'Polygon',
          coordinates: [
            (square() as { coordinates: number[][][] }).coordinates[0],
            [
              [106.6302, -6.1798],
              [106.6305, -6.1798],
              [106.6305, -6.1795],
              [106.6302, -6.1795],
            ],
          ],
        }),
      ),
      'unclosed_ring',
    ),
    bad(
      'a line of one position',
      'line',
      fc(feature({ type: 'LineString', coordinates: [[106.63, -6.18]] })),
      'too_few_points',
    ),
    bad(
      'a bowtie polygon',
      'polygon',
      fc(
        feature({
          type: 'Polygon',
          coordinates: [
            [
              [106.63, -6.18],
              [106.64, -6.19],
              [106.64, -6.18],
              [106.63, -6.19],
              [106.63, -6.18],
            ],
          ],
        }),
      ),
      'invalid_geometry',
    ),
    bad(
      'a hole outside its shell',
      'polygon',
      fc(
        feature({
          type: 'Polygon',
          coordinates: [
            (square() as { coordinates: number[][][] }).coordinates[0],
            (square(106.65, -6.18) as { coordinates: number[][][] }).coordinates[0],
          ],
        }),
      ),
      'invalid_geometry',
    ),
    bad(
      'a polygon whose ring runs back on itself',
      'polygon',
      fc(
        feature({
          type: 'Polygon',
          coordinates: [
            [
              [106.63, -6.18],
              [106.64, -6.18],
              [106.63, -6.18],
              [106.64, -6.18],
              [106.63, -6.18],
            ],
          ],
        }),
      ),
      'invalid_geometry',
    ),
    // Properties.
    bad(
      'text in an integer field of the layer',
      'point',
      fc(feature(point(), { nama: 'uji', nilai: 'banyak' })),
      'property_type_mismatch',
    ),
    bad(
      'a fraction in an integer field of the layer',
      'point',
      fc(feature(point(), { nama: 'uji', nilai: 1.5 })),
      'property_type_mismatch',
    ),
    bad(
      'a new field that changes type between features',
      'point',
      fc(feature(point(), { baru: 1 }), feature(point(), { baru: 'satu' })),
      'property_type_mismatch',
    ),
    bad('a boolean in a text field', 'point', fc(feature(point(), { nama: true })), 'property_type_mismatch'),
    bad(
      'an object as a value',
      'point',
      fc(feature(point(), { nama: 'uji', alamat: { jalan: 'Jl. Daan Mogot' } })),
      'invalid_property_value',
    ),
    bad(
      'an array as a value',
      'point',
      fc(feature(point(), { nama: 'uji', tags: ['a', 'b'] })),
      'invalid_property_value',
    ),
    ...(['[1,2]', '7', '"teks"', 'true'] as const).map((props) =>
      bad(
        `properties that are ${props} instead of an object`,
        'point',
        `{"type":"FeatureCollection","features":[{"type":"Feature","properties":${props},"geometry":{"type":"Point","coordinates":[106.64,-6.18]}}]}`,
        'invalid_properties',
      ),
    ),
    bad(
      'coordinates nested 20,000 arrays deep',
      'polygon',
      `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"nama":"uji"},"geometry":{"type":"Polygon","coordinates":${'['.repeat(20_000)}106.6${']'.repeat(20_000)}}}]}`,
      'invalid_coordinates',
    ),
    bad(
      'a value nested 20,000 arrays deep',
      'point',
      `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"nama":${'['.repeat(20_000)}1${']'.repeat(20_000)}},"geometry":{"type":"Point","coordinates":[106.64,-6.18]}}]}`,
      'invalid_property_value',
    ),
    bad(
      'a NUL character in a text value',
      'point',
      fc(feature(point(), { nama: 'uji\u0000' })),
      'invalid_property_value',
    ),
    bad(
      'a lone UTF-16 surrogate in a text value',
      'point',
      '{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"nama":"uji \\ud83d"},"geometry":{"type":"Point","coordinates":[106.64,-6.18]}}]}',
      'invalid_property_value',
    ),
    bad(
      'SQL in a property name',
      'point',
      fc(feature(point(), { "nama'); drop table features; --": 1 })),
      'invalid_property_name',
    ),
    bad('an empty property name', 'point', fc(feature(point(), { '': 1 })), 'invalid_property_name'),
    bad(
      'a property name of 100 characters',
      'point',
      fc(feature(point(), { ['x'.repeat(100)]: 1 })),
      'invalid_property_name',
    ),
    bad(
      'a huge property value',
      'point',
      fc(feature(point(), { nama: 'x'.repeat(limits.maxValueChars + 1) })),
      'value_too_long',
    ),
    bad(
      'too many properties',
      'point',
      fc(
        feature(point(), Object.fromEntries(Array.from({ length: limits.maxProperties + 1 }, (_, i) => [`p${i}`, i]))),
      ),
      'too_many_properties',
    ),
    bad(
      'one bad feature at the very end of many good ones',
      'point',
      fc(
        ...Array.from({ length: limits.maxFeatures - 1 }, (_, i) => feature(point(106.6 + i * 1e-5, -6.18))),
        feature(point(-6.18, 106.64)),
      ),
      'coordinates_swapped',
    ),
    // Limits.
    {
      name: 'more features than one upload may hold',
      layer: 'point',
      body: fc(...Array.from({ length: limits.maxFeatures + 1 }, () => feature(point()))),
      contentType: GJ,
      status: 413,
      code: 'too_many_features',
    },
    {
      name: 'a gzip body that unpacks past the size limit',
      layer: 'point',
      body: new Uint8Array(gzipSync(fc(feature(point(), { nama: ' '.repeat(limits.maxBytes) })))),
      contentType: GJ,
      contentEncoding: 'gzip',
      status: 413,
      code: 'payload_too_large',
    },
    {
      name: 'a body that says gzip but is not',
      layer: 'point',
      body: fc(feature(point())),
      contentType: GJ,
      contentEncoding: 'gzip',
      status: 400,
      code: 'invalid_gzip',
    },
    {
      name: 'an unknown Content-Encoding',
      layer: 'point',
      body: fc(feature(point())),
      contentType: GJ,
      contentEncoding: 'br',
      status: 415,
      code: 'unsupported_encoding',
    },
    {
      name: 'a body past the size limit',
      layer: 'point',
      body: fc(feature(point(), { nama: 'x'.repeat(limits.maxBytes) })),
      contentType: GJ,
      status: 413,
      code: 'payload_too_large',
    },
    // Zipped Shapefiles.
    {
      name: 'a Shapefile without .prj',
      layer: 'point',
      body: { fixture: 'titik-tanpa-prj.zip' },
      contentType: 'application/zip',
      status: 400,
      code: 'missing_prj',
    },
    {
      name: 'a Shapefile without .prj and an unknown crs',
      layer: 'point',
      body: { fixture: 'titik-tanpa-prj.zip' },
      contentType: 'application/zip',
      query: 'mode=append&crs=EPSG:9999',
      status: 400,
      code: 'unsupported_crs',
    },
    {
      name: 'a truncated zip',
      layer: 'point',
      body: { fixture: 'terpotong.zip' },
      contentType: 'application/zip',
      status: 400,
      code: 'invalid_zip',
    },
    {
      name: 'a zip bomb',
      layer: 'point',
      body: { fixture: 'bom-zip.zip' },
      contentType: 'application/zip',
      status: 400,
      code: 'zip_too_large',
    },
    {
      name: 'two Shapefiles in one zip',
      layer: 'point',
      body: { fixture: 'dua-shapefile.zip' },
      contentType: 'application/zip',
      status: 400,
      code: 'multiple_shapefiles',
    },
    {
      name: 'GeoJSON sent as a zip',
      layer: 'point',
      body: fc(feature(point())),
      contentType: 'application/zip',
      status: 400,
      code: 'invalid_zip',
    },
    {
      name: 'Shapefile points into a polygon layer',
      layer: 'polygon',
      body: { fixture: 'titik-utm48s.zip' },
      contentType: 'application/zip',
      status: 422,
      code: 'invalid_features',
      problem: 'geometry_type_mismatch',
    },
    // Parameters, incl. injection attempts.
    {
      name: 'no mode',
      layer: 'point',
      body: fc(feature(point())),
      contentType: GJ,
      query: '',
      status: 400,
      code: 'invalid_parameter',
    },
    {
      name: 'an unknown mode',
      layer: 'point',
      body: fc(feature(point())),
      contentType: GJ,
      query: 'mode=merge',
      status: 400,
      code: 'invalid_parameter',
    },
    {
      name: 'SQL as the mode',
      layer: 'point',
      body: fc(feature(point())),
      contentType: GJ,
      query: `mode=${encodeURIComponent("replace'; delete from features; --")}`,
      status: 400,
      code: 'invalid_parameter',
    },
    {
      name: 'SQL as the crs',
      layer: 'point',
      body: { fixture: 'titik-tanpa-prj.zip' },
      contentType: 'application/zip',
      query: `mode=append&crs=${encodeURIComponent("4326';drop")}`,
      status: 400,
      code: 'unsupported_crs',
    },
    {
      name: 'an unknown parameter',
      layer: 'point',
      body: fc(feature(point())),
      contentType: GJ,
      query: 'mode=append&validate=false',
      status: 400,
      code: 'unknown_parameter',
    },
  ];
  return cases;
}

/** A point FeatureCollection of `n` features in a grid over the city: a big upload, as text. */
export function bigCollection(n: number): string {
  const parts: string[] = [];
  for (let i = 0; i < n; i++) {
    const x = (106.6 + (i % 1000) * 0.0001).toFixed(6);
    const y = (-6.25 + Math.floor(i / 1000) * 0.0005).toFixed(6);
    parts.push(
      `{"type":"Feature","properties":{"nama":"Titik ${i}","nilai":${i}},"geometry":{"type":"Point","coordinates":[${x},${y}]}}`,
    );
  }
  return `{"type":"FeatureCollection","features":[${parts.join(',')}]}`;
}

/** The body that creates the point layer (fields nama, nilai) the big-upload tests write into. */
/** Metadata that passes walidata's completeness check (PATCH /api/layers/{id}): a layer ready to be approved. */
export function completeMetadata(description: string) {
  return {
    description,
    producer: 'Dinas uji',
    custodian: 'Diskominfo Kota Tangerang',
    contactEmail: 'data@tangerangkota.go.id',
    license: 'CC-BY-4.0',
    keywords: ['uji'],
    updateFrequency: 'tahunan',
  };
}

export function pointLayerBody(slug: string, title: string, agency: string): string {
  return JSON.stringify({
    slug,
    title,
    agency,
    theme: 'fasilitas-kesehatan',
    geometryType: 'Point',
    fields: [
      { name: 'nama', type: 'string' },
      { name: 'nilai', type: 'integer' },
    ],
  });
}
