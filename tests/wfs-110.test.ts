import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasGdal, hasOwslib } from './support/clients.js';
import { owslibWfs, type OwslibWfsCommon } from './support/owslib-wfs.js';
import { useTestServer } from './support/use-test-server.js';

// WFS 1.1.0 for desktop clients that speak only that version: the same feature types and
// feature query as WFS 2.0, in GML 3.1.1 with gml:featureMember and numberOfFeatures.
const run = promisify(execFile);
const KEL = 'batas-kelurahan-kota-tangerang';
const V = 'SERVICE=WFS&VERSION=1.1.0';

const s = useTestServer();
let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'satupeta-wfs110-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const kelFids = async (where: string, bindings: (string | number)[] = []) =>
  (
    await s.db.knex.raw<{ rows: { fid: number }[] }>(
      `select f.fid from features f join layers l on l.storage_id = f.layer_id where l.slug = ? and ${where} order by f.fid`,
      [KEL, ...bindings],
    )
  ).rows.map((r) => r.fid);
const memberIds = (xml: string) =>
  [...xml.matchAll(/<gml:featureMember><satupeta:[\w-]+ gml:id="[\w-]+\.(\d+)"/g)].map((m) => Number(m[1]));

describe('WFS 1.1.0', () => {
  it('answers capabilities in 1.1.0 by VERSION or AcceptVersions, with every visible type and no terbatas one', async () => {
    for (const q of ['VERSION=1.1.0', 'ACCEPTVERSIONS=1.1.0,2.0.0', 'AcceptVersions=3.0.0,1.1.0']) {
      const res = await s.get(`/wfs?SERVICE=WFS&REQUEST=GetCapabilities&${q}`);
      expect(res.status, q).toBe(200);
      const text = await res.text();
      expect(text, q).toContain('<wfs:WFS_Capabilities version="1.1.0" xmlns:wfs="http://www.opengis.net/wfs"');
      const names = [...text.matchAll(/<wfs:Name>satupeta:([^<]+)<\/wfs:Name>/g)].map((m) => m[1]);
      const visible = await s.json<{ total: number }>('/api/layers?limit=1');
      expect(names).toHaveLength(visible.body.total);
      expect(names).not.toContain(s.terbatas);
      expect(text).toContain('<wfs:DefaultSRS>urn:ogc:def:crs:EPSG::4326</wfs:DefaultSRS>');
    }
    // Without a version, 2.0.0 as before.
    expect(await (await s.get('/wfs?SERVICE=WFS&REQUEST=GetCapabilities')).text()).toContain('version="2.0.0"');
  });

  it('counts with resultType=hits, writes gml:featureMember in GML 3.1.1, and keeps each axis order', async () => {
    const all = await kelFids('true');
    const hits = await (await s.get(`/wfs?${V}&REQUEST=GetFeature&TYPENAME=satupeta:${KEL}&RESULTTYPE=hits`)).text();
    expect(hits).toMatch(new RegExp(`numberOfFeatures="${all.length}"`));
    const page = await s.get(`/wfs?${V}&REQUEST=GetFeature&TYPENAME=satupeta:${KEL}&MAXFEATURES=5`);
    expect(page.headers.get('content-type')).toMatch(/^text\/xml; subtype="?gml\/3\.1\.1/);
    const text = await page.text();
    expect(text).toContain('xmlns:gml="http://www.opengis.net/gml"');
    expect(text).toContain('numberOfFeatures="5"');
    expect(memberIds(text)).toEqual(all.slice(0, 5));
    // urn:ogc:def:crs:EPSG::4326 (the default) is latitude first, EPSG:4326 longitude first.
    const first = (xml: string) => /<gml:posList[^>]*>(\S+) (\S+)/.exec(xml)?.slice(1).map(Number) ?? [];
    expect(first(text)[0]).toBeLessThan(0);
    const lonFirst = await (
      await s.get(`/wfs?${V}&REQUEST=GetFeature&TYPENAME=satupeta:${KEL}&MAXFEATURES=1&SRSNAME=EPSG:4326`)
    ).text();
    expect(first(lonFirst)[0]).toBeGreaterThan(100);
    const schema = await (await s.get(`/wfs?${V}&REQUEST=DescribeFeatureType&TYPENAME=satupeta:${KEL}`)).text();
    expect(schema).toContain('schemaLocation="http://schemas.opengis.net/gml/3.1.1/base/gml.xsd"');
    expect(schema).toContain('substitutionGroup="gml:_Feature"');
  });

  it('takes a POSTed 1.1.0 GetFeature with a Filter Encoding 1.1 filter', async () => {
    const res = await s.get('/wfs', {
      method: 'POST',
      headers: { 'Content-Type': 'application/xml' },
      body:
        `<wfs:GetFeature service="WFS" version="1.1.0" maxFeatures="500" xmlns:wfs="http://www.opengis.net/wfs" xmlns:ogc="http://www.opengis.net/ogc">` +
        `<wfs:Query typeName="satupeta:${KEL}"><ogc:Filter><ogc:PropertyIsLike wildCard="*" singleChar="." escapeChar="!">` +
        `<ogc:PropertyName>kode</ogc:PropertyName><ogc:Literal>36.71.04.*</ogc:Literal></ogc:PropertyIsLike></ogc:Filter></wfs:Query></wfs:GetFeature>`,
    });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toContain('<wfs:FeatureCollection xmlns:wfs="http://www.opengis.net/wfs"');
    expect(memberIds(text)).toEqual(await kelFids(`f.properties ->> 'kode' like '36.71.04.%'`));
  });

  it('refuses what 1.1.0 does not offer with an ExceptionReport and a stable code', async () => {
    for (const [query, code] of [
      ['SERVICE=WFS&VERSION=1.0.0&REQUEST=GetFeature&TYPENAME=x', 'version_not_supported'],
      ['SERVICE=WFS&REQUEST=GetCapabilities&ACCEPTVERSIONS=1.0.0', 'version_not_supported'],
      [
        `${V}&REQUEST=GetFeature&TYPENAME=satupeta:${KEL}&OUTPUTFORMAT=application/gml%2Bxml;%20version=3.2`,
        'invalid_parameter',
      ],
      [`${V}&REQUEST=GetFeature&TYPENAME=satupeta:${s.terbatas}`, 'layer_not_found'],
    ]) {
      const res = await s.get(`/wfs?${query}`);
      expect(res.status, query).toBeGreaterThanOrEqual(400);
      expect(res.status, query).toBeLessThan(500);
      expect(await res.text(), query).toContain(`code: ${code}`);
    }
  });
});

describe.skipIf(!hasGdal)('GDAL reads WFS 1.1.0 as a real client', () => {
  it('ogr2ogr copies a whole layer page by page and ogrinfo counts it', async () => {
    const all = await kelFids('true');
    const gpkg = path.join(dir, 'kel110.gpkg');
    await run(
      'ogr2ogr',
      [
        '--config',
        'OGR_WFS_PAGING_ALLOWED',
        'ON',
        '--config',
        'OGR_WFS_PAGE_SIZE',
        '25',
        '-f',
        'GPKG',
        gpkg,
        `WFS:${s.url}/wfs?VERSION=1.1.0`,
        `satupeta:${KEL}`,
        '-oo',
        'EXPOSE_GML_ID=YES',
      ],
      { timeout: 120_000 },
    );
    const { stdout } = await run('ogrinfo', ['-ro', '-so', gpkg, `satupeta:${KEL}`], { timeout: 60_000 });
    expect(stdout).toMatch(new RegExp(`Feature Count: ${all.length}\\b`));
    // Longitudes are x once GDAL has read the latitude-first default.
    expect(stdout).toMatch(/Extent: \(106\.\d+, -6\.\d+\) - \(106\.\d+, -6\.\d+\)/);
    const { stdout: ids } = await run('ogrinfo', ['-ro', '-q', gpkg, '-sql', `SELECT gml_id FROM "satupeta:${KEL}"`], {
      timeout: 60_000,
    });
    const got = [...ids.matchAll(/gml_id \(String\) = \S+\.(\d+)/g)].map((m) => Number(m[1])).sort((a, b) => a - b);
    expect(got).toEqual(all);
    const { stdout: count } = await run(
      'ogrinfo',
      ['-ro', '-so', `WFS:${s.url}/wfs?VERSION=1.1.0`, `satupeta:${KEL}`],
      {
        timeout: 60_000,
      },
    );
    expect(count).toMatch(new RegExp(`Feature Count: ${all.length}\\b`));
  }, 300_000);
});

interface Owslib110 extends OwslibWfsCommon {
  version: string;
  few: number;
  numberOfFeatures: number;
  firstPos: string[];
}

describe.skipIf(!hasOwslib)('OWSLib reads WFS 1.1.0 as a real client', () => {
  it('reads capabilities and schema, and gets features by bbox, by a Filter 1.1 and by count', async () => {
    const got = await owslibWfs<Owslib110>(s, 'tests/clients/owslib_wfs110.py', KEL, kelFids);
    expect(got.version).toBe('1.1.0');
    expect(got.few).toBe(3);
    expect(got.numberOfFeatures).toBe(3);
    expect(Number(got.firstPos[0])).toBeLessThan(0);
  }, 180_000);
});
