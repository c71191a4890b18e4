import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { XMLParser } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publikRecordIds, PUBLIK_RECORDS } from './support/catalog-records.js';
import { useTestServer } from './support/use-test-server.js';
import { hasXmllint } from './support/clients.js';

const run = promisify(execFile);
const SCHEMAS = path.resolve('tests/schemas');
const GMD = 'http://www.isotc211.org/2005/gmd';

const s = useTestServer();
const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', removeNSPrefix: true });
const parse = <T>(text: string): T => xml.parse(text) as T;
let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'satupeta-csw-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

interface Results {
  GetRecordsResponse: {
    SearchResults: {
      '@numberOfRecordsMatched': string;
      '@numberOfRecordsReturned': string;
      '@nextRecord': string;
      Record?: { identifier: string } | { identifier: string }[];
      SummaryRecord?: { identifier: string } | { identifier: string }[];
      BriefRecord?: { identifier: string } | { identifier: string }[];
    };
  };
}
const list = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

async function getRecords(query: string): Promise<{ matched: number; ids: string[]; next: number; text: string }> {
  const res = await s.get(`/csw?service=CSW&version=2.0.2&request=GetRecords&resultType=results&${query}`);
  const text = await res.text();
  expect(res.status, text).toBe(200);
  const r = parse<Results>(text).GetRecordsResponse.SearchResults;
  const records = [...list(r.Record), ...list(r.SummaryRecord), ...list(r.BriefRecord)];
  return {
    matched: Number(r['@numberOfRecordsMatched']),
    ids: records.map((x) => x.identifier),
    next: Number(r['@nextRecord']),
    text,
  };
}

const publikSlugs = (where = 'true', bindings: (string | number)[] = []) => publikRecordIds(s.db.knex, where, bindings);

/** xmllint against the vendored schemas, offline; returns its output (it throws when a document fails). */
async function validate(files: string[], schema: string): Promise<string> {
  const { stdout, stderr } = await run(
    'xmllint',
    ['--noout', '--nonet', '--schema', path.join(SCHEMAS, schema), ...files],
    {
      env: { ...process.env, XML_CATALOG_FILES: path.join(SCHEMAS, 'catalog.xml') },
      maxBuffer: 64 * 1024 * 1024,
      timeout: 240_000,
    },
  );
  return stdout + stderr;
}

describe('CSW 2.0.2 GetRecords', () => {
  it('pages through every publik layer and data element, in identifier order, with nextRecord', async () => {
    const all = await publikSlugs();
    const got: string[] = [];
    let start = 1;
    for (let i = 0; i < 100 && start > 0; i++) {
      const page = await getRecords(`maxRecords=500&startPosition=${start}&elementSetName=brief`);
      expect(page.matched).toBe(all.length);
      got.push(...page.ids);
      start = page.next;
    }
    expect(got).toEqual([...all].sort());
    expect(got).not.toContain(s.terbatas);
  });

  it('filters by CQL text and by OGC Filter, over AnyText, title, organisation, dates and a box', async () => {
    const fe = (inner: string) =>
      encodeURIComponent(
        `<ogc:Filter xmlns:ogc="http://www.opengis.net/ogc" xmlns:gml="http://www.opengis.net/gml">${inner}</ogc:Filter>`,
      );
    const cases: [string, string[]][] = [
      [
        `constraintLanguage=CQL_TEXT&constraint=${encodeURIComponent("csw:AnyText LIKE '%sekolah dasar%'")}`,
        await publikSlugs(`(title || ' ' || description) ilike '%sekolah dasar%'`),
      ],
      [
        `constraintLanguage=CQL_TEXT&constraint=${encodeURIComponent("dc:title LIKE 'Batas%'")}`,
        await publikSlugs(`title like 'Batas%'`),
      ],
      [
        `constraintLanguage=FILTER&constraint=${fe('<ogc:PropertyIsEqualTo><ogc:PropertyName>apiso:OrganisationName</ogc:PropertyName><ogc:Literal>Dinas Kesehatan Kota Tangerang</ogc:Literal></ogc:PropertyIsEqualTo>')}`,
        await publikSlugs(`agency_code = (select code from agencies where name = 'Dinas Kesehatan Kota Tangerang')`),
      ],
      [
        `constraintLanguage=FILTER&constraint=${fe('<ogc:BBOX><ogc:PropertyName>ows:BoundingBox</ogc:PropertyName><gml:Envelope><gml:lowerCorner>106.62 -6.2</gml:lowerCorner><gml:upperCorner>106.63 -6.19</gml:upperCorner></gml:Envelope></ogc:BBOX>')}`,
        await publikSlugs(
          `extent is not null and ST_Intersects(extent, ST_MakeEnvelope(106.62, -6.2, 106.63, -6.19, 4326))`,
        ),
      ],
      [
        `constraintLanguage=CQL_TEXT&constraint=${encodeURIComponent("BBOX(ows:BoundingBox, 106.62, -6.2, 106.63, -6.19) AND dc:title LIKE 'Batas%'")}`,
        await publikSlugs(
          `title like 'Batas%' and extent is not null and ST_Intersects(extent, ST_MakeEnvelope(106.62, -6.2, 106.63, -6.19, 4326))`,
        ),
      ],
      [
        `constraintLanguage=CQL_TEXT&constraint=${encodeURIComponent("dct:modified >= '2000-01-01' AND NOT (Subject = 'Fasilitas Pendidikan') AND Title LIKE 'S%'")}`,
        await publikSlugs(`theme_code <> 'fasilitas-pendidikan' and title like 'S%'`),
      ],
    ];
    for (const [query, want] of cases) {
      const page = await getRecords(`maxRecords=1000&elementSetName=summary&${query}`);
      expect(want.length, query).toBeGreaterThan(0);
      expect(page.ids, query).toEqual(want);
      expect(page.matched).toBe(want.length);
    }
  });

  it('answers a LIKE with many wildcards at once (no backtracking), and reads urn:x-ogc boxes latitude first', async () => {
    const slow = await getRecords(
      `maxRecords=10&constraintLanguage=CQL_TEXT&constraint=${encodeURIComponent(`AnyText LIKE '${'%a'.repeat(25)}%!'`)}`,
    );
    expect(slow.matched).toBe(0);
    const box = encodeURIComponent(
      '<ogc:Filter xmlns:ogc="http://www.opengis.net/ogc" xmlns:gml="http://www.opengis.net/gml"><ogc:BBOX><ogc:PropertyName>ows:BoundingBox</ogc:PropertyName><gml:Envelope srsName="urn:x-ogc:def:crs:EPSG:6.11:4326"><gml:lowerCorner>-6.2 106.62</gml:lowerCorner><gml:upperCorner>-6.19 106.63</gml:upperCorner></gml:Envelope></ogc:BBOX></ogc:Filter>',
    );
    const page = await getRecords(`maxRecords=1000&elementSetName=brief&constraintLanguage=FILTER&constraint=${box}`);
    expect(page.ids).toEqual(
      await publikSlugs(
        `extent is not null and ST_Intersects(extent, ST_MakeEnvelope(106.62, -6.2, 106.63, -6.19, 4326))`,
      ),
    );
  });

  it('answers hits with the count only, and sorts by title', async () => {
    const res = await s.get(
      `/csw?service=CSW&version=2.0.2&request=GetRecords&resultType=hits&constraintLanguage=CQL_TEXT&constraint=${encodeURIComponent("Title LIKE 'Batas%'")}`,
    );
    const r = parse<Results>(await res.text()).GetRecordsResponse.SearchResults;
    expect(Number(r['@numberOfRecordsMatched'])).toBe((await publikSlugs(`title like 'Batas%'`)).length);
    expect(r['@numberOfRecordsReturned']).toBe('0');
    const sorted = await getRecords('maxRecords=5&sortBy=dc:title:D&elementSetName=brief');
    const { rows } = await s.db.knex.raw<{ rows: { slug: string }[] }>(
      `select slug from ${PUBLIK_RECORDS} order by lower(title) collate "C" desc, slug collate "C" limit 5`,
    );
    expect(sorted.ids).toEqual(rows.map((x) => x.slug));
  });
});

describe('CSW records against the official schemas (xmllint, offline)', () => {
  it.skipIf(!hasXmllint)(
    'every layer as ISO 19139, and Dublin Core pages, validate',
    async () => {
      const files: string[] = [];
      for (let start = 1, i = 0; start > 0; i++) {
        const page = await getRecords(`maxRecords=500&startPosition=${start}&outputSchema=${encodeURIComponent(GMD)}`);
        const file = path.join(dir, `iso-${i}.xml`);
        fs.writeFileSync(file, page.text);
        files.push(file);
        expect(page.text).toContain('recordSchema="http://www.isotc211.org/2005/gmd"');
        start = page.next;
      }
      const isoOut = await validate(files, 'csw-2.0.2-iso19139.xsd');
      for (const f of files) expect(isoOut).toContain(`${f} validates`);
      const total = files.reduce(
        (n, f) => n + (fs.readFileSync(f, 'utf8').match(/<gmd:MD_Metadata /g) ?? []).length,
        0,
      );
      expect(total).toBe((await publikSlugs()).length);

      const dc: string[] = [];
      for (const set of ['brief', 'summary', 'full']) {
        const file = path.join(dir, `dc-${set}.xml`);
        fs.writeFileSync(file, (await getRecords(`maxRecords=1000&elementSetName=${set}`)).text);
        dc.push(file);
      }
      const byId = path.join(dir, 'byid.xml');
      fs.writeFileSync(
        byId,
        await (
          await s.get(
            '/csw?service=CSW&version=2.0.2&request=GetRecordById&id=batas-kota-tangerang&elementSetName=full',
          )
        ).text(),
      );
      const dcOut = await validate([...dc, byId], 'csw-2.0.2.xsd');
      for (const f of [...dc, byId]) expect(dcOut).toContain(`${f} validates`);
    },
    300_000,
  );

  it.skipIf(!hasXmllint)(
    'a record the schema refuses is reported (the check can fail)',
    async () => {
      const text = await (await s.get('/api/layers/batas-kota-tangerang/metadata.xml')).text();
      const broken = path.join(dir, 'broken.xml');
      fs.writeFileSync(broken, text.replace(/<gmd:dateStamp>.*?<\/gmd:dateStamp>/, ''));
      await expect(validate([broken], 'iso/19139/20070417/gmd/gmd.xsd')).rejects.toThrow(/fails to validate/);
    },
    120_000,
  );
});

describe('ISO 19139 record of a layer (GET /api/layers/{id}/metadata.xml)', () => {
  it('names contacts by role, the topic, the extent, constraints, lineage and every online resource by protocol', async () => {
    const res = await s.get('/api/layers/batas-kelurahan-kota-tangerang/metadata.xml');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/xml/);
    const text = await res.text();
    for (const part of [
      '<gmd:fileIdentifier><gco:CharacterString>batas-kelurahan-kota-tangerang</gco:CharacterString>',
      'codeListValue="originator"',
      'codeListValue="custodian"',
      '<gmd:MD_TopicCategoryCode>boundaries</gmd:MD_TopicCategoryCode>',
      'codeListValue="ind"',
      'codeListValue="utf8"',
      'codeListValue="dataset"',
      '<gmd:westBoundLongitude><gco:Decimal>106.',
      '<gco:CharacterString>36.71</gco:CharacterString>',
      'codeListValue="otherRestrictions"',
      '<gmd:LI_Lineage>',
      '<gco:CharacterString>OGC:WFS</gco:CharacterString>',
      '<gco:CharacterString>OGC:API-Features</gco:CharacterString>',
      '<gco:CharacterString>WWW:DOWNLOAD-1.0-http--download</gco:CharacterString>',
    ])
      expect(text, part).toContain(part);
  });

  it.skipIf(!hasXmllint)(
    'validates for layers of every kind (points, lines, polygons, dated, empty, terbatas for its agency)',
    async () => {
      const { rows } = await s.db.knex.raw<{ rows: { slug: string }[] }>(
        `(select distinct on (geometry_type) slug from layers where classification = 'publik' order by geometry_type, slug)
       union (select slug from layers where classification = 'publik' and fields::text like '%"date"%' order by slug limit 2)
       union (select slug from layers where classification = 'publik' and extent is null order by slug limit 2)`,
      );
      expect(rows.length).toBeGreaterThan(3);
      const files: string[] = [];
      for (const { slug } of rows) {
        const file = path.join(dir, `md-${slug}.xml`);
        fs.writeFileSync(file, await (await s.get(`/api/layers/${slug}/metadata.xml`)).text());
        files.push(file);
      }
      const out = await validate(files, 'iso/19139/20070417/gmd/gmd.xsd');
      for (const f of files) expect(out).toContain(`${f} validates`);
    },
    240_000,
  );
});

describe('ISO 19139 record of a data element (GET /api/elements/{id}/metadata.xml)', () => {
  it('is a table by Kemendagri code: the city as extent, the years as time, the values CSV as download', async () => {
    const { rows } = await s.db.knex.raw<{ rows: { slug: string; first_period: string }[] }>(
      `select slug, first_period from elements
        where classification = 'publik' and first_period ~ '^\\d{4}' and not is_sample order by slug limit 1`,
    );
    const ID = rows[0]?.slug ?? '';
    const res = await s.get(`/api/elements/${ID}/metadata.xml`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/xml/);
    const text = await res.text();
    for (const part of [
      `<gmd:fileIdentifier><gco:CharacterString>elemen-${ID}</gco:CharacterString>`,
      'codeListValue="textTable"',
      '<gco:CharacterString>36.71</gco:CharacterString>',
      `<gml:beginPosition>${rows[0]?.first_period.slice(0, 4)}-01-01</gml:beginPosition>`,
      `/api/elements/${ID}/values.csv</gmd:URL>`,
      '<gco:CharacterString>WWW:DOWNLOAD-1.0-http--download</gco:CharacterString>',
      'codeListValue="custodian"',
    ])
      expect(text, part).toContain(part);
    expect(text).not.toContain('EX_GeographicBoundingBox');
    // The same record through CSW, by its id.
    const byId = await (
      await s.get(
        `/csw?service=CSW&version=2.0.2&request=GetRecordById&id=elemen-${ID}&outputSchema=${encodeURIComponent(GMD)}`,
      )
    ).text();
    expect(byId).toContain(`<gmd:fileIdentifier><gco:CharacterString>elemen-${ID}</gco:CharacterString>`);
  });

  it.skipIf(!hasXmllint)(
    'validates against the ISO 19139 schemas',
    async () => {
      const { rows } = await s.db.knex.raw<{ rows: { slug: string }[] }>(
        `(select slug from elements where classification = 'publik' and first_period is null order by slug limit 1)
       union (select slug from elements where classification = 'publik' and first_period is not null order by slug limit 2)
       union (select slug from elements where classification = 'publik' and is_sample = false order by slug limit 2)`,
      );
      const files: string[] = [];
      for (const { slug } of rows) {
        const file = path.join(dir, `md-elemen-${slug}.xml`);
        const res = await s.get(`/api/elements/${slug}/metadata.xml`);
        expect(res.status, slug).toBe(200);
        fs.writeFileSync(file, await res.text());
        files.push(file);
      }
      const out = await validate(files, 'iso/19139/20070417/gmd/gmd.xsd');
      for (const f of files) expect(out).toContain(`${f} validates`);
    },
    240_000,
  );

  it('answers a terbatas or unknown element with the same 404', async () => {
    const { rows } = await s.db.knex.raw<{ rows: { slug: string }[] }>(
      `select slug from elements where classification = 'terbatas' order by slug limit 1`,
    );
    const hidden = await s.get(`/api/elements/${rows[0]?.slug ?? 'x'}/metadata.xml`);
    const missing = await s.get('/api/elements/tidak-ada-elemen/metadata.xml');
    expect(hidden.status).toBe(404);
    expect(missing.status).toBe(404);
    expect(((await hidden.json()) as { error: { code: string } }).error.code).toBe('element_not_found');
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('element_not_found');
  });
});

describe('CSW errors: an OWS ExceptionReport with a stable code', () => {
  it.each<[string, string, number, string, string]>([
    ['no REQUEST', 'service=CSW', 400, 'MissingParameterValue', 'missing_parameter'],
    ['an unknown REQUEST', 'service=CSW&request=Harvest', 400, 'OperationNotSupported', 'operation_not_supported'],
    ['another service', 'service=WFS&request=GetRecords', 400, 'InvalidParameterValue', 'invalid_parameter'],
    [
      'CSW 3.0',
      'service=CSW&version=3.0.0&request=GetRecords',
      400,
      'VersionNegotiationFailed',
      'version_not_supported',
    ],
    [
      'an unknown outputSchema',
      'service=CSW&request=GetRecords&outputSchema=urn:x',
      400,
      'InvalidParameterValue',
      'invalid_parameter',
    ],
    [
      'an unknown ElementSetName',
      'service=CSW&request=GetRecords&elementSetName=semua',
      400,
      'InvalidParameterValue',
      'invalid_parameter',
    ],
    [
      'a zero startPosition',
      'service=CSW&request=GetRecords&startPosition=0',
      400,
      'InvalidParameterValue',
      'invalid_parameter',
    ],
    [
      'a word for maxRecords',
      'service=CSW&request=GetRecords&maxRecords=semua',
      400,
      'InvalidParameterValue',
      'invalid_parameter',
    ],
    [
      'an unknown resultType',
      'service=CSW&request=GetRecords&resultType=validasi',
      400,
      'InvalidParameterValue',
      'invalid_parameter',
    ],
    [
      'a constraint without its language',
      'service=CSW&request=GetRecords&constraint=x',
      400,
      'InvalidParameterValue',
      'invalid_parameter',
    ],
    [
      'unreadable CQL',
      `service=CSW&request=GetRecords&constraintLanguage=CQL_TEXT&constraint=${encodeURIComponent('Title LIKE')}`,
      400,
      'InvalidParameterValue',
      'invalid_filter',
    ],
    [
      'CQL on an unknown queryable',
      `service=CSW&request=GetRecords&constraintLanguage=CQL_TEXT&constraint=${encodeURIComponent("warna = 'merah'")}`,
      400,
      'InvalidParameterValue',
      'invalid_filter',
    ],
    [
      'a Filter that is not XML',
      'service=CSW&request=GetRecords&constraintLanguage=FILTER&constraint=%3CFilter',
      400,
      'InvalidParameterValue',
      'invalid_filter',
    ],
    [
      'a Filter on an unknown queryable',
      `service=CSW&request=GetRecords&constraintLanguage=FILTER&constraint=${encodeURIComponent('<Filter><PropertyIsEqualTo><PropertyName>warna</PropertyName><Literal>x</Literal></PropertyIsEqualTo></Filter>')}`,
      400,
      'InvalidParameterValue',
      'invalid_filter',
    ],
    [
      'a bad date',
      `service=CSW&request=GetRecords&constraintLanguage=FILTER&constraint=${encodeURIComponent('<Filter><PropertyIsGreaterThan><PropertyName>dct:modified</PropertyName><Literal>kemarin</Literal></PropertyIsGreaterThan></Filter>')}`,
      400,
      'InvalidParameterValue',
      'invalid_filter',
    ],
    [
      'an unknown sort key',
      'service=CSW&request=GetRecords&sortBy=warna:A',
      400,
      'InvalidParameterValue',
      'unknown_property',
    ],
    [
      'GetRecordById without ID',
      'service=CSW&request=GetRecordById',
      400,
      'MissingParameterValue',
      'missing_parameter',
    ],
    ['GetDomain without a name', 'service=CSW&request=GetDomain', 400, 'MissingParameterValue', 'missing_parameter'],
    [
      'GetDomain of an unknown property',
      'service=CSW&request=GetDomain&propertyName=warna',
      400,
      'InvalidParameterValue',
      'unknown_property',
    ],
    [
      'a parameter twice',
      'service=CSW&request=GetRecords&maxRecords=1&MAXRECORDS=2',
      400,
      'InvalidParameterValue',
      'invalid_parameter',
    ],
  ])('%s', async (_name, query, status, owsCode, code) => {
    const res = await s.get(`/csw?${query}`);
    const text = await res.text();
    expect(res.status, text).toBe(status);
    expect(text).toContain(`exceptionCode="${owsCode}"`);
    expect(text).toContain(`code: ${code}`);
  });

  it.each<[string, string, string]>([
    ['an empty body', '', 'missing_parameter'],
    ['not XML', 'request=GetRecords', 'bad_request'],
    [
      'a Transaction',
      '<csw:Transaction xmlns:csw="http://www.opengis.net/cat/csw/2.0.2" service="CSW" version="2.0.2"/>',
      'operation_not_supported',
    ],
    [
      'an entity bomb',
      '<!DOCTYPE g [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]><GetRecords service="CSW" version="2.0.2" resultType="results"><Query typeNames="csw:Record"><Constraint version="1.1.0"><CqlText>Title = \'&b;\'</CqlText></Constraint></Query></GetRecords>',
      '',
    ],
  ])('POST with %s', async (_name, body, code) => {
    const res = await s.get('/csw', { method: 'POST', headers: { 'Content-Type': 'application/xml' }, body });
    const text = await res.text();
    if (code === '') {
      // The entity is never expanded: the title "&b;" matches nothing.
      expect(res.status, text).toBe(200);
      expect(text).toContain('numberOfRecordsMatched="0"');
      return;
    }
    expect(res.status, text).toBe(400);
    expect(text).toContain(`code: ${code}`);
  });

  it('answers an id that cannot be a file name with 404, not 500', async () => {
    expect((await s.get('/api/layers/%0A/metadata.xml')).status).toBe(404);
    expect((await s.get('/api/layers/%E2%80%A8/metadata.xml')).status).toBe(404);
  });

  it('hides terbatas layers from anonymous callers in records, ids and metadata.xml, like missing ones', async () => {
    const byId = await (await s.get(`/csw?service=CSW&version=2.0.2&request=GetRecordById&id=${s.terbatas}`)).text();
    expect(byId).not.toContain(s.terbatas);
    const md = await s.get(`/api/layers/${s.terbatas}/metadata.xml`);
    const missing = await s.get('/api/layers/tidak-ada-lapisan/metadata.xml');
    expect(md.status).toBe(404);
    expect(((await md.json()) as { error: { code: string } }).error.code).toBe(
      ((await missing.json()) as { error: { code: string } }).error.code,
    );
  });
});
