import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { XMLParser } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenStore } from '../server/auth/token-store.js';
import { hasXmllint } from './support/clients.js';
import { hasMapserver, mapserv, writeMapfile } from './support/mapserver.js';
import { colourDistance, decodeImage, rgbOf } from './support/png.js';
import { serverUrl } from './support/postgres-admin.js';
import { useTestServer } from './support/use-test-server.js';

const run = promisify(execFile);
// Its own database copy: it changes styles.
const s = useTestServer({ writable: true });
const KEL = 'batas-kelurahan-kota-tangerang';
const AIRPORT = { lon: 106.6559, lat: -6.1256 };
let admin = '';
let dir: string;

beforeAll(async () => {
  admin = (await new TokenStore(s.db.knex).create({ name: 'sld', role: 'admin', agencies: [], createdBy: 'test' }))
    .token;
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'satupeta-sld-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function putStyle(body: unknown): Promise<void> {
  const res = await s.get(`/api/layers/${KEL}/style`, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${admin}` },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(200);
}
const sld = async () => {
  const res = await s.get(`/api/layers/${KEL}/style.sld`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^application\/vnd\.ogc\.sld\+xml/);
  return res.text();
};

describe('SLD 1.1 of a layer style', () => {
  it.skipIf(!hasXmllint)(
    'validates against the official SLD 1.1.0 and SE 1.1 schemas, for every kind of rule',
    async () => {
      const bodies = [
        { kind: 'single', color: '#ff0000', dash: [2, 1], label: { property: 'nama', minZoom: 13 }, minZoom: 10 },
        { kind: 'categorized', property: 'nama', classes: [{ value: 'Pajang', color: '#00aa00' }] },
        { kind: 'graduated', property: 'luas_km2', k: 4 },
      ];
      const schemas = path.resolve('tests/schemas');
      for (const [i, body] of bodies.entries()) {
        await putStyle(body);
        const file = path.join(dir, `style-${i}.sld`);
        fs.writeFileSync(file, await sld());
        const { stderr } = await run(
          'xmllint',
          ['--noout', '--nonet', '--schema', path.join(schemas, 'sld-1.1.0.xsd'), file],
          {
            env: { ...process.env, XML_CATALOG_FILES: path.join(schemas, 'catalog.xml') },
            timeout: 120_000,
          },
        );
        expect(stderr).toContain(`style-${i}.sld validates`);
      }
    },
    180_000,
  );

  it('writes a rule per class with its filter, the rest as an ElseFilter, and the label', async () => {
    await putStyle({
      kind: 'categorized',
      property: 'nama',
      classes: [
        { value: 'Pajang', label: 'Bandara', color: '#00aa00' },
        { value: 'Benda', color: '#aa0000' },
      ],
      label: { property: 'nama', size: 13 },
      minZoom: 11,
    });
    const doc = new XMLParser({ ignoreAttributes: false, removeNSPrefix: true }).parse(await sld()) as {
      StyledLayerDescriptor: {
        NamedLayer: { Name: string; UserStyle: { FeatureTypeStyle: { Rule: Record<string, unknown>[] } } };
      };
    };
    const layer = doc.StyledLayerDescriptor.NamedLayer;
    expect(layer.Name).toBe(KEL);
    const rules = layer.UserStyle.FeatureTypeStyle.Rule;
    expect(rules.map((r) => (r.Description as { Title: string }).Title)).toEqual([
      'Bandara',
      'Benda',
      'Lainnya',
      'nama',
    ]);
    expect(rules[0]?.Filter).toEqual({ PropertyIsEqualTo: { PropertyName: 'nama', Literal: 'Pajang' } });
    expect(rules[2]).toHaveProperty('ElseFilter');
    // Zoom 11 as a scale: 559,082,264 / 2^11.
    expect(Number(rules[0]?.MaxScaleDenominator)).toBeCloseTo(272989.39, 1);
    expect(rules[3]).toHaveProperty('TextSymbolizer');
  });

  it('hides a terbatas layer like every other surface', async () => {
    expect((await s.get(`/api/layers/${s.terbatas}/style.sld`)).status).toBe(404);
  });
});

// MapServer reads PostGIS over a socket: PostgreSQL runs only (the embedded database has none), and
// Debian's mapserver-bin, which CI installs.
describe.skipIf(!serverUrl() || !hasMapserver)('MapServer draws our SLD over the same PostGIS table', () => {
  /** The centre pixel of a MapServer GetMap of 64 pixels around a point, at 1:5,000, with our SLD. */
  async function mapserverPixel(lon: number, lat: number): Promise<number[]> {
    const { rows } = await s.db.knex.raw<{ rows: { db: string; id: number }[] }>(
      'select current_database() as db, (select id from layers where slug = ?) as id',
      [KEL],
    );
    const url = new URL(serverUrl() ?? '');
    url.pathname = `/${rows[0]?.db ?? ''}`;
    const files = await writeMapfile(dir, url.toString(), [
      {
        name: KEL,
        layerId: rows[0]?.id ?? 0,
        type: 'POLYGON',
        columns: [
          { name: 'nama', type: 'text' },
          { name: 'luas_km2', type: 'float8' },
        ],
      },
    ]);
    const R = 6378137;
    const x = (R * lon * Math.PI) / 180;
    const y = R * Math.log(Math.tan(Math.PI / 4 + (lat * Math.PI) / 360));
    const half = (32 * 5000 * 0.00028) / Math.cos((lat * Math.PI) / 180);
    const png = await mapserv(
      files,
      `SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&LAYERS=${KEL}&STYLES=&CRS=EPSG:3857&FORMAT=image/png` +
        `&BBOX=${x - half},${y - half},${x + half},${y + half}&WIDTH=64&HEIGHT=64&SLD_BODY=${encodeURIComponent(await sld())}`,
    );
    return (await decodeImage(png)).at(32, 32).slice(0, 3);
  }

  it('paints a category in its colour and the rest in the "other" colour', async () => {
    await putStyle({
      kind: 'categorized',
      property: 'nama',
      classes: [{ value: 'Pajang', color: '#00aa00' }],
      color: '#0000ff',
      fillOpacity: 1,
      width: 0,
    });
    expect(colourDistance(await mapserverPixel(AIRPORT.lon, AIRPORT.lat), [0, 170, 0])).toBeLessThanOrEqual(1);
    const { rows } = await s.db.knex.raw<{ rows: { lon: number; lat: number }[] }>(
      `select ST_X(p) as lon, ST_Y(p) as lat from (select ST_PointOnSurface(f.geom) as p from features f
         join layers l on l.storage_id = f.layer_id where l.slug = ? and f.properties ->> 'nama' = 'Cipondoh') x`,
      [KEL],
    );
    const cip = rows[0] as { lon: number; lat: number };
    expect(colourDistance(await mapserverPixel(cip.lon, cip.lat), [0, 0, 255])).toBeLessThanOrEqual(1);
  });

  it('puts a feature in the graduated class our renderer puts it in', async () => {
    await putStyle({ kind: 'graduated', property: 'luas_km2', k: 5, fillOpacity: 1, width: 0 });
    const { body } = await s.json<{ rule: { classes: { color: string }[] } }>(`/api/layers/${KEL}/style`);
    const last = rgbOf(body.rule.classes.at(-1)?.color ?? '');
    expect(colourDistance(await mapserverPixel(AIRPORT.lon, AIRPORT.lat), last)).toBeLessThanOrEqual(1);
  });
});
