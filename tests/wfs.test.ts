import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { useTestServer } from './support/use-test-server.js';

const s = useTestServer();
const KEL = 'batas-kelurahan-kota-tangerang';
const TYPE = `satupeta:${KEL}`;
const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', removeNSPrefix: true });
const parse = <T>(text: string): T => xml.parse(text) as T;

interface Caps {
  WFS_Capabilities: {
    FeatureTypeList: { FeatureType: { Name: string; DefaultCRS: string; WGS84BoundingBox: { LowerCorner: string } }[] };
    OperationsMetadata: { Constraint: { '@name': string; DefaultValue: string }[]; Operation: { '@name': string }[] };
  };
}
interface Schema {
  schema: {
    complexType: { complexContent: { extension: { sequence: { element: { '@name': string; '@type': string }[] } } } };
    element: { '@substitutionGroup': string };
  };
}
interface Collection {
  FeatureCollection: Record<string, string | undefined>;
}
interface Report {
  ExceptionReport: { Exception: { '@exceptionCode': string; ExceptionText: string[] } };
}

const wfs = (query: string, init?: RequestInit) => s.get(`/wfs?SERVICE=WFS&VERSION=2.0.0&${query}`, init);
const getFeature = (query: string) => wfs(`REQUEST=GetFeature&TYPENAMES=${TYPE}&${query}`);
/** Feature ids of a GML answer, in document order. */
const memberIds = (text: string) =>
  [...text.matchAll(/<satupeta:[^ >]+ gml:id="[^"]+\.(\d+)">/g)].map((m) => Number(m[1]));

async function fids(where: string, bindings: (string | number)[] = []): Promise<number[]> {
  const { rows } = await s.db.knex.raw<{ rows: { fid: number }[] }>(
    `select f.fid from features f join layers l on l.storage_id = f.layer_id where l.slug = ? and ${where} order by f.fid`,
    [KEL, ...bindings],
  );
  return rows.map((r) => r.fid);
}

describe('WFS 2.0 GetCapabilities and DescribeFeatureType', () => {
  it('lists every visible layer as a feature type with its CRSs, box and the operations and filters offered', async () => {
    const res = await s.get('/wfs?service=wfs&request=GetCapabilities');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/xml/);
    const caps = parse<Caps>(await res.text()).WFS_Capabilities;
    const types = caps.FeatureTypeList.FeatureType as {
      Name: string;
      DefaultCRS: string;
      WGS84BoundingBox: { LowerCorner: string };
    }[];
    const visible = await s.json<{ total: number }>('/api/layers?limit=1');
    expect(types).toHaveLength(visible.body.total);
    expect(types.map((t) => t.Name)).not.toContain(`satupeta:${s.terbatas}`);
    const kel = types.find((t) => t.Name === TYPE);
    expect(kel?.DefaultCRS).toBe('urn:ogc:def:crs:EPSG::4326');
    // WGS84BoundingBox is always longitude first
    expect(Number(kel?.WGS84BoundingBox.LowerCorner.split(' ')[0])).toBeGreaterThan(100);
    const constraints = caps.OperationsMetadata.Constraint;
    expect(constraints.find((c) => c['@name'] === 'ImplementsResultPaging')?.DefaultValue).toBe('TRUE');
    const ops = caps.OperationsMetadata.Operation.map((o) => o['@name']);
    expect(ops).toEqual(['GetCapabilities', 'DescribeFeatureType', 'GetFeature']);
  });

  it('describes a type as a GML 3.2 application schema with typed properties and a multi geometry', async () => {
    const res = await wfs(`REQUEST=DescribeFeatureType&TYPENAMES=${TYPE}`);
    expect(res.status).toBe(200);
    const schema = parse<Schema>(await res.text()).schema;
    const elements = schema.complexType.complexContent.extension.sequence.element;
    expect(elements.map((e) => [e['@name'], e['@type']])).toEqual([
      ['kode', 'xsd:string'],
      ['nama', 'xsd:string'],
      ['level', 'xsd:string'],
      ['luas_km2', 'xsd:double'],
      ['geometry', 'gml:MultiSurfacePropertyType'],
    ]);
    expect(schema.element['@substitutionGroup']).toBe('gml:AbstractFeature');
  });
});

describe('WFS 2.0 GetFeature', () => {
  it('pages with COUNT and STARTINDEX, with numberMatched, next and previous', async () => {
    const all = await fids('true');
    const res = await getFeature('COUNT=10&STARTINDEX=20');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/gml+xml; version=3.2; charset=utf-8');
    const text = await res.text();
    expect(memberIds(text)).toEqual(all.slice(20, 30));
    const fc = parse<Collection>(text).FeatureCollection;
    expect(Number(fc['@numberMatched'])).toBe(all.length);
    expect(Number(fc['@numberReturned'])).toBe(10);
    expect(fc['@next']).toMatch(/STARTINDEX=30&COUNT=10$/);
    expect(fc['@previous']).toMatch(/STARTINDEX=10&COUNT=10$/);
    const last = parse<Collection>(
      await (await getFeature(`COUNT=10&STARTINDEX=${all.length - 3}`)).text(),
    ).FeatureCollection;
    expect(last['@next']).toBeUndefined();
    expect(Number(last['@numberReturned'])).toBe(3);
  });

  it('answers resultType=hits with the count alone', async () => {
    const text = await (await getFeature('RESULTTYPE=hits')).text();
    const fc = parse<Collection>(text).FeatureCollection;
    expect(Number(fc['@numberMatched'])).toBe((await fids('true')).length);
    expect(fc['@numberReturned']).toBe('0');
    expect(memberIds(text)).toEqual([]);
  });

  it('reads BBOX latitude first by default, longitude first for EPSG:4326, and in metres for EPSG:3857', async () => {
    const want = await fids('ST_Intersects(f.geom, ST_MakeEnvelope(?, ?, ?, ?, 4326))', [106.62, -6.2, 106.66, -6.16]);
    expect(want.length).toBeGreaterThan(3);
    const forms = [
      'BBOX=-6.2,106.62,-6.16,106.66',
      'BBOX=-6.2,106.62,-6.16,106.66,urn:ogc:def:crs:EPSG::4326',
      'BBOX=106.62,-6.2,106.66,-6.16,EPSG:4326',
      // QGIS-style 18-digit numbers
      'BBOX=-6.200000000000000178,106.6200000000000045,-6.160000000000000142,106.6599999999999966',
      `BBOX=${[106.62, -6.2, 106.66, -6.16].map((v, i) => (i % 2 === 0 ? (v * 6378137 * Math.PI) / 180 : 6378137 * Math.log(Math.tan(Math.PI / 4 + (v * Math.PI) / 360)))).join(',')},EPSG:3857`,
    ];
    for (const bbox of forms) {
      const res = await getFeature(`${bbox}&COUNT=500`);
      expect(res.status, bbox).toBe(200);
      expect(memberIds(await res.text()), bbox).toEqual(want);
    }
  });

  it('writes coordinates in the asked CRS and axis order', async () => {
    const { rows } = await s.db.knex.raw<{ rows: { x: number; y: number; fid: number }[] }>(
      `select f.fid, ST_X(ST_StartPoint(ST_ExteriorRing(ST_GeometryN(ST_ForcePolygonCCW(f.geom), 1)))) as x,
              ST_Y(ST_StartPoint(ST_ExteriorRing(ST_GeometryN(ST_ForcePolygonCCW(f.geom), 1)))) as y,
              ST_Transform(ST_StartPoint(ST_ExteriorRing(ST_GeometryN(ST_ForcePolygonCCW(f.geom), 1))), 3857) as m
       from features f join layers l on l.storage_id = f.layer_id where l.slug = ? order by f.fid limit 1`,
      [KEL],
    );
    const first = rows[0];
    if (!first) throw new Error('no feature');
    const pos = async (srs: string) => {
      const text = await (await getFeature(`COUNT=1${srs ? `&SRSNAME=${srs}` : ''}`)).text();
      const m = /<gml:posList srsDimension="2">(\S+) (\S+)/.exec(text);
      return [Number(m?.[1]), Number(m?.[2])];
    };
    expect(await pos('')).toEqual([first.y, first.x].map((v) => Math.round(v * 1e7) / 1e7));
    expect(await pos('urn:ogc:def:crs:EPSG::4326')).toEqual(await pos(''));
    expect(await pos('http://www.opengis.net/def/crs/EPSG/0/4326')).toEqual(await pos(''));
    expect(await pos('EPSG:4326')).toEqual([first.x, first.y].map((v) => Math.round(v * 1e7) / 1e7));
    const [mx, my] = await pos('EPSG:3857');
    const { rows: merc } = await s.db.knex.raw<{ rows: { x: number; y: number }[] }>(
      'select ST_X(ST_Transform(ST_SetSRID(ST_MakePoint(?, ?), 4326), 3857)) as x, ST_Y(ST_Transform(ST_SetSRID(ST_MakePoint(?, ?), 4326), 3857)) as y',
      [first.x, first.y, first.x, first.y],
    );
    expect(mx).toBeCloseTo(merc[0]?.x ?? 0, 0);
    expect(my).toBeCloseTo(merc[0]?.y ?? 0, 0);
  });

  const fes = (inner: string) =>
    encodeURIComponent(
      `<fes:Filter xmlns:fes="http://www.opengis.net/fes/2.0" xmlns:gml="http://www.opengis.net/gml/3.2">${inner}</fes:Filter>`,
    );
  const ref = (name: string) => `<fes:ValueReference>${name}</fes:ValueReference>`;
  const lit = (v: string) => `<fes:Literal>${v}</fes:Literal>`;

  it.each<[string, string, string, (string | number)[]]>([
    [
      'equal',
      `<fes:PropertyIsEqualTo>${ref('nama')}${lit('Pajang')}</fes:PropertyIsEqualTo>`,
      `f.properties->>'nama' = 'Pajang'`,
      [],
    ],
    [
      'not equal',
      `<fes:PropertyIsNotEqualTo>${ref('satupeta:nama')}${lit('Pajang')}</fes:PropertyIsNotEqualTo>`,
      `f.properties->>'nama' <> 'Pajang'`,
      [],
    ],
    [
      'greater',
      `<fes:PropertyIsGreaterThan>${ref('luas_km2')}${lit('2')}</fes:PropertyIsGreaterThan>`,
      `(f.properties->>'luas_km2')::numeric > 2`,
      [],
    ],
    [
      'at most',
      `<fes:PropertyIsLessThanOrEqualTo>${ref('luas_km2')}${lit('0.8')}</fes:PropertyIsLessThanOrEqualTo>`,
      `(f.properties->>'luas_km2')::numeric <= 0.8`,
      [],
    ],
    [
      'like with its own wildcards and an escaped one',
      `<fes:PropertyIsLike wildCard="*" singleChar="?" escapeChar="!">${ref('kode')}${lit('36.71.04.10?*')}</fes:PropertyIsLike>`,
      `f.properties->>'kode' like '36.71.04.10_%'`,
      [],
    ],
    [
      'between',
      `<fes:PropertyIsBetween>${ref('luas_km2')}<fes:LowerBoundary>${lit('1')}</fes:LowerBoundary><fes:UpperBoundary>${lit('2')}</fes:UpperBoundary></fes:PropertyIsBetween>`,
      `(f.properties->>'luas_km2')::numeric between 1 and 2`,
      [],
    ],
    ['null', `<fes:PropertyIsNull>${ref('nama')}</fes:PropertyIsNull>`, 'false', []],
    [
      'and / or / not',
      `<fes:And><fes:Or><fes:PropertyIsLike wildCard="%" singleChar="_" escapeChar="\\">${ref('kode')}${lit('36.71.04.%')}</fes:PropertyIsLike><fes:PropertyIsLike wildCard="%" singleChar="_" escapeChar="\\">${ref('kode')}${lit('36.71.05.%')}</fes:PropertyIsLike></fes:Or><fes:Not><fes:PropertyIsGreaterThan>${ref('luas_km2')}${lit('1')}</fes:PropertyIsGreaterThan></fes:Not></fes:And>`,
      `(f.properties->>'kode' like '36.71.04.%' or f.properties->>'kode' like '36.71.05.%') and not (f.properties->>'luas_km2')::numeric > 1`,
      [],
    ],
    [
      'BBOX envelope latitude first',
      `<fes:BBOX>${ref('geometry')}<gml:Envelope srsName="urn:ogc:def:crs:EPSG::4326"><gml:lowerCorner>-6.2 106.62</gml:lowerCorner><gml:upperCorner>-6.16 106.66</gml:upperCorner></gml:Envelope></fes:BBOX>`,
      'ST_Intersects(f.geom, ST_MakeEnvelope(?, ?, ?, ?, 4326))',
      [106.62, -6.2, 106.66, -6.16],
    ],
    [
      'Intersects a point in EPSG:4326 (longitude first)',
      `<fes:Intersects>${ref('geometry')}<gml:Point gml:id="p" srsName="EPSG:4326"><gml:pos>106.64 -6.18</gml:pos></gml:Point></fes:Intersects>`,
      'ST_Intersects(f.geom, ST_SetSRID(ST_MakePoint(?, ?), 4326))',
      [106.64, -6.18],
    ],
    [
      'Within a polygon',
      `<fes:Within>${ref('geometry')}<gml:Polygon gml:id="q" srsName="urn:ogc:def:crs:EPSG::4326"><gml:exterior><gml:LinearRing><gml:posList>-6.3 106.5 -6.3 106.66 -6.05 106.66 -6.05 106.5 -6.3 106.5</gml:posList></gml:LinearRing></gml:exterior></gml:Polygon></fes:Within>`,
      'ST_Within(f.geom, ST_MakeEnvelope(?, ?, ?, ?, 4326))',
      [106.5, -6.3, 106.66, -6.05],
    ],
    [
      'resource ids',
      `<fes:ResourceId rid="${KEL}.3"/><fes:ResourceId rid="${KEL}.7"/><fes:ResourceId rid="lain.9"/>`,
      'f.fid in (3, 7)',
      [],
    ],
  ])('FILTER %s matches what SQL selects', async (_name, inner, where, bindings) => {
    const want = await fids(where, bindings);
    const res = await getFeature(`COUNT=500&FILTER=${fes(inner)}`);
    expect(res.status, await res.clone().text()).toBe(200);
    expect(memberIds(await res.text())).toEqual(want);
  });

  it('takes the XML encoding by POST: filter, sort, properties and paging in one wfs:GetFeature', async () => {
    const body = `<wfs:GetFeature service="WFS" version="2.0.0" count="5" startindex="2" xmlns:wfs="http://www.opengis.net/wfs/2.0" xmlns:fes="http://www.opengis.net/fes/2.0">
      <wfs:Query typenames="${TYPE}"><wfs:PropertyName>nama</wfs:PropertyName>
        <fes:Filter><fes:PropertyIsGreaterThan><fes:ValueReference>luas_km2</fes:ValueReference><fes:Literal>1</fes:Literal></fes:PropertyIsGreaterThan></fes:Filter>
        <fes:SortBy><fes:SortProperty><fes:ValueReference>luas_km2</fes:ValueReference><fes:SortOrder>DESC</fes:SortOrder></fes:SortProperty></fes:SortBy>
      </wfs:Query></wfs:GetFeature>`;
    const res = await s.get('/wfs', { method: 'POST', headers: { 'Content-Type': 'text/xml' }, body });
    const text = await res.text();
    expect(res.status, text).toBe(200);
    const { rows } = await s.db.knex.raw<{ rows: { fid: number }[] }>(
      `select f.fid from features f join layers l on l.storage_id = f.layer_id where l.slug = ? and (f.properties->>'luas_km2')::numeric > 1
       order by (f.properties->>'luas_km2')::numeric desc, f.fid limit 5 offset 2`,
      [KEL],
    );
    expect(memberIds(text)).toEqual(rows.map((r) => r.fid));
    expect(text).toContain('<satupeta:nama>');
    expect(text).not.toContain('<satupeta:kode>');
    expect(text).not.toContain('<satupeta:geometry>');
    // A POSTed query has no URL to page by: no next link that would lose its filter.
    expect(text).not.toMatch(/ next="/);
  });

  it('gives COUNT=0 the count and no next link (a client following it would loop)', async () => {
    const text = await (await getFeature('COUNT=0')).text();
    expect(memberIds(text)).toEqual([]);
    expect(text).toContain(`numberMatched="${(await fids('true')).length}"`);
    expect(text).not.toMatch(/ next="/);
  });

  it('answers a body in a charset it cannot read with 415, not 500', async () => {
    const res = await s.get('/wfs', {
      method: 'POST',
      headers: { 'Content-Type': 'text/xml; charset=foo' },
      body: `<GetFeature><Query typeNames="${TYPE}"/></GetFeature>`,
    });
    expect(res.status).toBe(415);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('unsupported_encoding');
  });

  it('sorts by SORTBY, keeps only PROPERTYNAME, and answers GeoJSON in longitude/latitude', async () => {
    const text = await (await getFeature('COUNT=3&SORTBY=nama DESC&PROPERTYNAME=nama,geometry')).text();
    const { rows } = await s.db.knex.raw<{ rows: { fid: number }[] }>(
      `select f.fid from features f join layers l on l.storage_id = f.layer_id where l.slug = ? order by f.properties->>'nama' desc, f.fid limit 3`,
      [KEL],
    );
    expect(memberIds(text)).toEqual(rows.map((r) => r.fid));
    expect(text).toContain('<satupeta:geometry>');
    expect(text).not.toContain('<satupeta:luas_km2>');
    const gj = (await (await getFeature('COUNT=2&OUTPUTFORMAT=application/json')).json()) as {
      numberMatched: number;
      features: { id: number; geometry: { coordinates: number[][][][] | number[][][] } }[];
    };
    expect(gj.features.map((f) => f.id)).toEqual((await fids('true')).slice(0, 2));
    expect(JSON.stringify(gj.features[0]?.geometry.coordinates).slice(0, 12)).toMatch(/^\[\[\[?\[?10[67]\./);
  });

  it('escapes text so any property value stays well-formed XML', async () => {
    const text = await (await getFeature('COUNT=500')).text();
    expect(() => new XMLParser().parse(text, true) as unknown).not.toThrow();
    expect(memberIds(text).length).toBeGreaterThan(100);
  });
});

describe('WFS errors: an OWS ExceptionReport with a stable code, the parameter, and a 4xx', () => {
  it.each<[string, string, number, string, string]>([
    ['no REQUEST', 'SERVICE=WFS', 400, 'MissingParameterValue', 'missing_parameter'],
    ['an unknown REQUEST', 'SERVICE=WFS&REQUEST=Transaction', 400, 'OperationNotSupported', 'operation_not_supported'],
    ['another service', 'SERVICE=WMS&REQUEST=GetCapabilities', 400, 'InvalidParameterValue', 'invalid_parameter'],
    [
      'WFS 1.0.0',
      'SERVICE=WFS&VERSION=1.0.0&REQUEST=GetFeature&TYPENAME=x',
      400,
      'VersionNegotiationFailed',
      'version_not_supported',
    ],
    [
      'no acceptable version',
      'SERVICE=WFS&REQUEST=GetCapabilities&ACCEPTVERSIONS=1.0.0',
      400,
      'VersionNegotiationFailed',
      'version_not_supported',
    ],
    ['no TYPENAMES', 'SERVICE=WFS&REQUEST=GetFeature', 400, 'MissingParameterValue', 'missing_parameter'],
    [
      'an unknown type',
      'SERVICE=WFS&REQUEST=GetFeature&TYPENAMES=satupeta:tidak-ada',
      404,
      'InvalidParameterValue',
      'layer_not_found',
    ],
    [
      'two types',
      `SERVICE=WFS&REQUEST=GetFeature&TYPENAMES=${TYPE},${TYPE}`,
      400,
      'InvalidParameterValue',
      'invalid_parameter',
    ],
    [
      'a parameter twice',
      `SERVICE=WFS&REQUEST=GetFeature&TYPENAMES=${TYPE}&count=1&COUNT=2`,
      400,
      'InvalidParameterValue',
      'invalid_parameter',
    ],
    [
      'a negative COUNT',
      `SERVICE=WFS&REQUEST=GetFeature&TYPENAMES=${TYPE}&COUNT=-1`,
      400,
      'InvalidParameterValue',
      'invalid_parameter',
    ],
    [
      'a word as STARTINDEX',
      `SERVICE=WFS&REQUEST=GetFeature&TYPENAMES=${TYPE}&STARTINDEX=dua`,
      400,
      'InvalidParameterValue',
      'invalid_parameter',
    ],
    [
      'three numbers of BBOX',
      `SERVICE=WFS&REQUEST=GetFeature&TYPENAMES=${TYPE}&BBOX=1,2,3`,
      400,
      'InvalidParameterValue',
      'invalid_bbox',
    ],
    [
      'a longitude-first box read latitude first',
      `SERVICE=WFS&REQUEST=GetFeature&TYPENAMES=${TYPE}&BBOX=106.62,-6.2,106.66,-6.16`,
      400,
      'InvalidParameterValue',
      'coordinates_out_of_range',
    ],
    [
      'a BBOX in an unknown CRS',
      `SERVICE=WFS&REQUEST=GetFeature&TYPENAMES=${TYPE}&BBOX=1,2,3,4,EPSG:32748`,
      400,
      'InvalidParameterValue',
      'invalid_parameter',
    ],
    [
      'an unknown SRSNAME',
      `SERVICE=WFS&REQUEST=GetFeature&TYPENAMES=${TYPE}&SRSNAME=EPSG:23830`,
      400,
      'InvalidParameterValue',
      'invalid_parameter',
    ],
    [
      'GeoJSON in metres',
      `SERVICE=WFS&REQUEST=GetFeature&TYPENAMES=${TYPE}&OUTPUTFORMAT=application/json&SRSNAME=EPSG:3857`,
      400,
      'InvalidParameterValue',
      'invalid_parameter',
    ],
    [
      'an unknown OUTPUTFORMAT',
      `SERVICE=WFS&REQUEST=GetFeature&TYPENAMES=${TYPE}&OUTPUTFORMAT=SHAPE-ZIP`,
      400,
      'InvalidParameterValue',
      'invalid_parameter',
    ],
    [
      'an unknown RESULTTYPE',
      `SERVICE=WFS&REQUEST=GetFeature&TYPENAMES=${TYPE}&RESULTTYPE=all`,
      400,
      'InvalidParameterValue',
      'invalid_parameter',
    ],
    [
      'an unknown PROPERTYNAME',
      `SERVICE=WFS&REQUEST=GetFeature&TYPENAMES=${TYPE}&PROPERTYNAME=alamat`,
      400,
      'InvalidParameterValue',
      'unknown_property',
    ],
    [
      'an unknown SORTBY',
      `SERVICE=WFS&REQUEST=GetFeature&TYPENAMES=${TYPE}&SORTBY=alamat DESC`,
      400,
      'InvalidParameterValue',
      'unknown_property',
    ],
    [
      'a bad RESOURCEID',
      `SERVICE=WFS&REQUEST=GetFeature&TYPENAMES=${TYPE}&RESOURCEID=${KEL}.x`,
      400,
      'InvalidParameterValue',
      'invalid_filter',
    ],
    [
      'another FILTER_LANGUAGE',
      `SERVICE=WFS&REQUEST=GetFeature&TYPENAMES=${TYPE}&FILTER=x&FILTER_LANGUAGE=CQL`,
      400,
      'InvalidParameterValue',
      'invalid_parameter',
    ],
  ])('%s', async (_name, query, status, owsCode, code) => {
    const res = await s.get(`/wfs?${query}`);
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toMatch(/^application\/xml/);
    const report = parse<Report>(await res.text()).ExceptionReport;
    expect(report.Exception['@exceptionCode']).toBe(owsCode);
    expect(report.Exception.ExceptionText).toContain(`code: ${code}`);
    expect(String(report.Exception.ExceptionText[0]).length).toBeGreaterThan(20);
  });

  const filters: [string, string][] = [
    ['not XML', 'nama = 1'],
    ['unclosed', '<fes:Filter xmlns:fes="http://www.opengis.net/fes/2.0"><fes:PropertyIsEqualTo>'],
    ['another root', '<Query/>'],
    [
      'two operators',
      '<Filter><PropertyIsNull><ValueReference>nama</ValueReference></PropertyIsNull><PropertyIsNull><ValueReference>nama</ValueReference></PropertyIsNull></Filter>',
    ],
    [
      'an unknown property',
      '<Filter><PropertyIsEqualTo><ValueReference>alamat</ValueReference><Literal>x</Literal></PropertyIsEqualTo></Filter>',
    ],
    [
      'a word for a number',
      '<Filter><PropertyIsGreaterThan><ValueReference>luas_km2</ValueReference><Literal>besar</Literal></PropertyIsGreaterThan></Filter>',
    ],
    ['no literal', '<Filter><PropertyIsEqualTo><ValueReference>nama</ValueReference></PropertyIsEqualTo></Filter>'],
    ['an unsupported operator', '<Filter><DWithin><ValueReference>geometry</ValueReference></DWithin></Filter>'],
    ['a temporal operator', '<Filter><After><ValueReference>nama</ValueReference></After></Filter>'],
    [
      'matchCase false',
      '<Filter><PropertyIsEqualTo matchCase="false"><ValueReference>nama</ValueReference><Literal>pajang</Literal></PropertyIsEqualTo></Filter>',
    ],
    [
      'a geometry property compared as text',
      '<Filter><PropertyIsEqualTo><ValueReference>geometry</ValueReference><Literal>x</Literal></PropertyIsEqualTo></Filter>',
    ],
    [
      'an envelope with one corner',
      '<Filter><BBOX><Envelope><lowerCorner>1 2</lowerCorner></Envelope></BBOX></Filter>',
    ],
    [
      'a position out of range',
      '<Filter><Intersects><ValueReference>geometry</ValueReference><Point srsName="EPSG:4326"><pos>500 -6</pos></Point></Intersects></Filter>',
    ],
    [
      'odd coordinates',
      '<Filter><Intersects><ValueReference>geometry</ValueReference><LineString><posList>1 2 3</posList></LineString></Intersects></Filter>',
    ],
    [
      'a 3D posList',
      '<Filter><Intersects><ValueReference>geometry</ValueReference><LineString><posList srsDimension="3">1 2 3 4 5 6</posList></LineString></Intersects></Filter>',
    ],
    [
      'an unknown srsName',
      '<Filter><BBOX><Envelope srsName="EPSG:2000"><lowerCorner>1 2</lowerCorner><upperCorner>3 4</upperCorner></Envelope></BBOX></Filter>',
    ],
    ['a curve geometry', '<Filter><Intersects><ValueReference>geometry</ValueReference><Curve/></Intersects></Filter>'],
    ['nested 100 deep', `${'<Not>'.repeat(100)}${'</Not>'.repeat(100)}`],
    [
      'a DOCTYPE entity bomb',
      '<!DOCTYPE f [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><Filter><PropertyIsEqualTo><ValueReference>nama</ValueReference><Literal>&b;</Literal></PropertyIsEqualTo></Filter>',
    ],
    [
      'an external entity',
      '<!DOCTYPE f [<!ENTITY x SYSTEM "file:///etc/passwd">]><Filter><PropertyIsEqualTo><ValueReference>nama</ValueReference><Literal>&x;</Literal></PropertyIsEqualTo></Filter>',
    ],
  ];
  it.each(filters)(
    'a FILTER that is %s is invalid_filter, or matches nothing when it is well-formed but names no value',
    async (name, filter) => {
      const res = await getFeature(`COUNT=5&FILTER=${encodeURIComponent(filter)}`);
      const text = await res.text();
      if (name.includes('entity')) {
        // Entities are never expanded: the literal stays "&b;" / "&x;" and matches no kelurahan.
        expect([200, 400]).toContain(res.status);
        expect(text).not.toContain('root:');
        if (res.status === 200) expect(memberIds(text)).toEqual([]);
        return;
      }
      expect(res.status, text).toBe(400);
      expect(text).toContain('code: invalid_filter');
      expect(text).toMatch(/exceptionCode="InvalidParameterValue" locator="FILTER"/);
    },
  );

  it.each<[string, string, string]>([
    ['an empty body', '', 'missing_parameter'],
    ['not XML', 'REQUEST=GetFeature', 'bad_request'],
    ['a GetCapabilities document', '<GetCapabilities service="WFS"/>', 'operation_not_supported'],
    [
      'a stored query',
      '<GetFeature><StoredQuery id="urn:ogc:def:query:OGC-WFS::GetFeatureById"/></GetFeature>',
      'invalid_parameter',
    ],
    [
      'two queries',
      `<GetFeature><Query typeNames="${TYPE}"/><Query typeNames="${TYPE}"/></GetFeature>`,
      'invalid_parameter',
    ],
    ['a hidden type', `<GetFeature><Query typeNames="satupeta:{T}"/></GetFeature>`, 'layer_not_found'],
    ['WFS 1.0.0', `<GetFeature version="1.0.0"><Query typeName="${TYPE}"/></GetFeature>`, 'version_not_supported'],
  ])('POST with %s is refused with %s', async (_name, body, code) => {
    const res = await s.get('/wfs', {
      method: 'POST',
      headers: { 'Content-Type': 'application/xml' },
      body: body.replace('{T}', s.terbatas),
    });
    const text = await res.text();
    expect(res.status, text).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(text).toContain(`code: ${code}`);
  });

  it('keeps serving after all of that', async () => {
    expect((await getFeature('RESULTTYPE=hits')).status).toBe(200);
  });
});
