import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { useTestServer } from './support/use-test-server.js';

// Its own database copy: this file rewrites a feature and a layer's fields to hostile values.
const s = useTestServer({ writable: true });
const KEL = 'batas-kelurahan-kota-tangerang';

describe('GML members the database writes', () => {
  it('escape markup, drop control characters, name odd properties as XML can, and number multi-part ids', async () => {
    const knex = s.db.knex;
    const layer = await knex('layers')
      .where({ slug: KEL })
      .first<{ id: number; fields: { name: string; type: string }[] }>('id', 'fields');
    if (!layer) throw new Error('no layer');
    await knex('layers')
      .where({ id: layer.id })
      .update({
        fields: JSON.stringify([
          ...layer.fields,
          { name: 'luas wilayah', type: 'string' },
          { name: '2020 catatan', type: 'string' },
        ]),
      });
    const nasty = 'Jl. <Daan> "Mogot" & Co\u0001\u001f ok';
    await knex.raw(
      `update features set properties = properties || ?::jsonb,
         geom = ST_Multi(ST_Collect(ARRAY[ST_MakeEnvelope(106.60, -6.20, 106.61, -6.19, 4326), ST_MakeEnvelope(106.62, -6.20, 106.63, -6.19, 4326)]))
       where layer_id = ? and fid = 3`,
      [JSON.stringify({ nama: nasty, 'luas wilayah': '<b>1</b>', '2020 catatan': 'a&b' }), layer.id],
    );
    const text = await (
      await s.get(`/wfs?SERVICE=WFS&VERSION=2.0.0&REQUEST=GetFeature&TYPENAMES=satupeta:${KEL}&RESOURCEID=${KEL}.3`)
    ).text();
    const doc = new XMLParser({ removeNSPrefix: true, ignoreAttributes: false, attributeNamePrefix: '@' }).parse(
      text,
      true,
    ) as {
      FeatureCollection: { member: Record<string, Record<string, unknown>> };
    };
    const f = doc.FeatureCollection.member[KEL] ?? {};
    expect(f.nama).toBe('Jl. <Daan> "Mogot" & Co ok');
    expect(f.luas_wilayah).toBe('<b>1</b>');
    expect(f._2020_catatan).toBe('a&b');
    const ids = [...text.matchAll(/gml:id="([^"]+)"/g)].map((m) => m[1]);
    expect(ids).toEqual([`${KEL}.3`, `${KEL}.3.g`, `${KEL}.3.g.1`, `${KEL}.3.g.2`]);
    const schema = await (
      await s.get(`/wfs?SERVICE=WFS&VERSION=2.0.0&REQUEST=DescribeFeatureType&TYPENAMES=satupeta:${KEL}`)
    ).text();
    expect(schema).toContain('name="luas_wilayah"');
    expect(schema).toContain('name="_2020_catatan"');
    // Filters and PROPERTYNAME use the same names.
    const filter = encodeURIComponent(
      '<Filter><PropertyIsEqualTo><ValueReference>_2020_catatan</ValueReference><Literal>a&amp;b</Literal></PropertyIsEqualTo></Filter>',
    );
    const picked = await (
      await s.get(
        `/wfs?SERVICE=WFS&REQUEST=GetFeature&TYPENAMES=satupeta:${KEL}&FILTER=${filter}&PROPERTYNAME=luas_wilayah`,
      )
    ).text();
    expect([...picked.matchAll(/<satupeta:[^ >]+ gml:id="[^"]+\.(\d+)">/g)].map((m) => m[1])).toEqual(['3']);
    expect(picked).toContain('<satupeta:luas_wilayah>&lt;b&gt;1&lt;/b&gt;</satupeta:luas_wilayah>');
    expect(picked).not.toContain('<satupeta:nama>');
  });
});
