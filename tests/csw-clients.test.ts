import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { publikRecordIds } from './support/catalog-records.js';
import { useTestServer } from './support/use-test-server.js';
import { hasGdal, PYTHON, hasOwslib } from './support/clients.js';

const run = promisify(execFile);
const KEL = 'batas-kelurahan-kota-tangerang';

const s = useTestServer();

const publik = (where = 'true', bindings: (string | number)[] = []) => publikRecordIds(s.db.knex, where, bindings);

interface OwslibCsw {
  operations: string[];
  all: string[];
  matches: number;
  anytext: string[];
  anytextTitles: string[];
  bboxOrg: string[];
  cqlHits: number;
  dc: { title: string; type: string; subjects: string[]; bbox: string[]; references: string[] };
  iso: { title: string; topic: string[]; contacts: string[]; bbox: number[]; protocols: string[]; language: string };
  domain: string[];
}

describe.skipIf(!hasOwslib)('OWSLib reads the CSW as a real client', () => {
  it('harvests every record by pages, searches by text, box and organisation, and reads Dublin Core and ISO 19139', async () => {
    const { stdout } = await run(PYTHON, ['tests/clients/owslib_csw.py', `${s.url}/csw`, KEL], {
      timeout: 180_000,
      maxBuffer: 64 * 1024 * 1024,
    });
    const got = JSON.parse(stdout) as OwslibCsw;
    expect(got.operations).toEqual(['GetCapabilities', 'DescribeRecord', 'GetRecords', 'GetRecordById', 'GetDomain']);
    const all = await publik();
    expect(got.all).toEqual(all);
    expect(got.matches).toBe(all.length);
    expect(got.all).not.toContain(s.terbatas);
    const sd = await publikRecordIds(
      s.db.knex,
      `(title || ' ' || description) ilike '%sekolah dasar%'`,
      [],
      'title desc, slug',
    );
    expect(got.anytext).toEqual(sd);
    expect(got.bboxOrg).toEqual(
      await publik(
        `agency_code = (select code from agencies where name = 'Sekretariat Daerah Kota Tangerang') and extent is not null and ST_Intersects(extent, ST_MakeEnvelope(106.62, -6.2, 106.63, -6.19, 4326))`,
      ),
    );
    expect(got.cqlHits).toBe((await publik(`title like 'Batas%'`)).length);
    expect(got.dc.title).toBe('Batas Administrasi Kelurahan Kota Tangerang');
    // Longitude as x after OWSLib reads the latitude-first box.
    expect(Number(got.dc.bbox[0])).toBeGreaterThan(106);
    expect(got.dc.references).toContain('OGC:WFS');
    expect(got.iso.topic).toEqual(['boundaries']);
    expect(got.iso.contacts).toEqual(['custodian', 'originator']);
    expect(got.iso.bbox[0]).toBeGreaterThan(106);
    expect(got.iso.protocols).toEqual(
      expect.arrayContaining(['OGC:WFS', 'OGC:API-Features', 'WWW:DOWNLOAD-1.0-http--download']),
    );
    expect(got.iso.language).toBe('ind');
    expect(got.domain).toContain('Sekretariat Daerah Kota Tangerang');
  }, 240_000);
});

describe.skipIf(!hasGdal)('GDAL reads the CSW as a real client', () => {
  it('ogrinfo counts every publik record and finds one by identifier with its box and links', async () => {
    const { stdout } = await run('ogrinfo', ['-ro', '-so', `CSW:${s.url}/csw`, 'records'], { timeout: 120_000 });
    expect(stdout).toMatch(new RegExp(`Feature Count: ${(await publik()).length}\\b`));
    const { stdout: one } = await run(
      'ogrinfo',
      ['-ro', '-q', `CSW:${s.url}/csw`, 'records', '-where', `identifier = '${KEL}'`],
      { timeout: 120_000, maxBuffer: 16 * 1024 * 1024 },
    );
    expect(one).toContain(`identifier (String) = ${KEL}`);
    expect(one).toContain(`/api/layers/${KEL}/download.geojson`);
    expect(one).toMatch(/POLYGON \(\(106\.\d+ -6\.\d+/);
    expect(one.match(/OGRFeature\(records\)/g)).toHaveLength(1);
  }, 240_000);
});
