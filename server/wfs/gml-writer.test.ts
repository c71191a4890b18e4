import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { gmlMembers } from './gml-writer.js';
import { parseCrs } from '../features/crs-names.js';

const wrap = (members: string) =>
  `<wfs:FeatureCollection xmlns:wfs="w" xmlns:gml="g" xmlns:satupeta="s">${members}</wfs:FeatureCollection>`;

describe('GML 3.2 members', () => {
  it('escapes markup and drops characters XML cannot hold, so the document stays well-formed', () => {
    const nasty = 'Jl. <Daan> "Mogot" & Co\u0001\u0000 \ud800x';
    const text = gmlMembers(
      [{ id: 7, geometry: { type: 'Point', coordinates: [106.6, -6.2] }, properties: { nama: nasty, n: 3, ok: true } }],
      {
        typeName: 'jalan',
        fields: [
          { field: { name: 'nama', type: 'string' }, element: 'nama' },
          { field: { name: 'n', type: 'integer' }, element: 'n' },
          { field: { name: 'ok', type: 'boolean' }, element: 'ok' },
          { field: { name: 'kosong', type: 'string' }, element: 'kosong' },
        ],
        withGeometry: true,
        crs: parseCrs(undefined),
      },
    );
    const doc = new XMLParser({ removeNSPrefix: true }).parse(wrap(text), true) as {
      FeatureCollection: { member: { jalan: Record<string, unknown> } };
    };
    const f = doc.FeatureCollection.member.jalan;
    expect(f.nama).toBe('Jl. <Daan> "Mogot" & Co x');
    expect(f.n).toBe(3);
    expect(f.ok).toBe(true);
    expect('kosong' in f).toBe(false);
    expect(text).toContain('<gml:pos>-6.2 106.6</gml:pos>');
  });

  it('writes polygons with holes as a MultiSurface with ids on every geometry', () => {
    const ring = (d: number) => [
      [106 + d, -6 - d],
      [107 - d, -6 - d],
      [107 - d, -7 + d],
      [106 + d, -6 - d],
    ];
    const text = gmlMembers(
      [{ id: 1, geometry: { type: 'Polygon', coordinates: [ring(0), ring(0.1)] }, properties: {} }],
      {
        typeName: 't',
        fields: [],
        withGeometry: true,
        crs: parseCrs('EPSG:4326'),
      },
    );
    expect(text).toMatch(
      /<gml:MultiSurface gml:id="t\.1\.g" srsName="EPSG:4326"><gml:surfaceMember><gml:Polygon gml:id="t\.1\.g\.1">/,
    );
    expect(text).toContain('<gml:interior><gml:LinearRing><gml:posList srsDimension="2">106.1 -6.1 ');
  });
});
