import { beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../server/auth/access.js';
import { TokenStore } from '../server/auth/token-store.js';
import { tileOf } from './support/mvt.js';
import { fc, feature, point } from './support/upload-corpus.js';
import { useTestServer } from './support/use-test-server.js';

// Issue 15: a draft never leaks. Every caller, the draft's own producer included, gets the
// published version on every surface, byte for byte, while the draft is open, submitted and
// rejected; the draft is seen only by asking for it (?version=draft, tested in api-review).
const s = useTestServer({ writable: true, env: { REVIEW_REQUIRED: 'on', WRITE_RATE_LIMIT: '100000' } });

const CALLERS: { name: string; role?: Role; agencies?: 'own' | 'other' }[] = [
  { name: 'anonymous' },
  { name: 'viewer of another agency', role: 'viewer', agencies: 'other' },
  { name: 'editor of another agency', role: 'editor', agencies: 'other' },
  { name: 'viewer of the agency', role: 'viewer', agencies: 'own' },
  { name: 'editor of the agency (the producer)', role: 'editor', agencies: 'own' },
  { name: 'walidata', role: 'walidata' },
  { name: 'pembina', role: 'pembina' },
  { name: 'admin', role: 'admin' },
];
const tokens = new Map<string, string>();
let L = { slug: '', agency: '', fid: 0, tile: '', wmsBox: '' };

/** Every public surface that serves the layer's features or what is derived from them. */
const SURFACES = [
  '/api/layers/{L}',
  '/api/layers?q={L}',
  '/api/layers/{L}/features?limit=100',
  '/api/layers/{L}/features/{F}',
  '/api/layers/{L}/download.geojson',
  '/api/layers/{L}/download.csv',
  '/api/layers/{L}/metadata.xml',
  '/tiles/{L}.json',
  '/tiles/{L}/{T}.mvt',
  '/ogc/collections/{L}',
  '/ogc/collections/{L}/items?limit=100',
  '/ogc/collections/{L}/items/{F}',
  '/wfs?SERVICE=WFS&VERSION=2.0.0&REQUEST=GetFeature&TYPENAMES=satupeta:{L}&COUNT=100',
  '/wms?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&LAYERS={L}&STYLES=&CRS=EPSG:4326&BBOX={B}&WIDTH=128&HEIGHT=128&FORMAT=image/png',
  '/arcgis/rest/services/{A}/{L}/FeatureServer/0/query?where=1%3D1&outFields=*&f=json',
  '/api/3/action/package_show?id={L}',
  '/api/maps/static?layers={L}&bbox=106.55,-6.3,106.75,-6.1&width=64&height=64',
];
const fill = (p: string) =>
  p
    .replaceAll('{L}', L.slug)
    .replaceAll('{A}', L.agency)
    .replaceAll('{F}', String(L.fid))
    .replaceAll('{T}', L.tile)
    .replaceAll('{B}', L.wmsBox);

/** What a caller gets from every surface: status and body (the answers' time stamps aside). */
async function view(caller: string): Promise<Record<string, string>> {
  const token = tokens.get(caller);
  const out: Record<string, string> = {};
  for (const template of SURFACES) {
    const res = await s.get(fill(template), token ? { headers: { Authorization: `Bearer ${token}` } } : {});
    const bytes = Buffer.from(await res.arrayBuffer());
    const text = /json|xml|csv|text/.test(res.headers.get('content-type') ?? '');
    // The time of the answer (OGC items, WFS) is the one part that may change.
    const body = text
      ? bytes.toString('utf8').replace(/"timeStamp":"[^"]*"|timeStamp="[^"]*"/g, 'timeStamp')
      : bytes.toString('base64');
    out[template] = `${res.status} ${body}`;
  }
  return out;
}

const before = new Map<string, Record<string, string>>();
const producer = () => ({ Authorization: `Bearer ${tokens.get('editor of the agency (the producer)') ?? ''}` });

beforeAll(async () => {
  const knex = s.db.knex;
  const layer = await knex<{
    slug: string;
    agency_code: string;
    storage_id: number;
    classification: string;
    geometry_type: string;
    feature_count: number;
  }>('layers')
    .where({ classification: 'publik', geometry_type: 'Point' })
    .where('feature_count', '>', 2)
    .orderBy('slug')
    .first('slug', 'agency_code', 'storage_id');
  if (!layer) throw new Error('no publik point layer with features');
  const first = (
    await knex.raw<{ rows: { fid: number; x: number; y: number }[] }>(
      'select fid, ST_X(geom) as x, ST_Y(geom) as y from features where layer_id = ? order by fid limit 1',
      [layer.storage_id],
    )
  ).rows[0];
  if (!first) throw new Error('no feature');
  const t = tileOf(first.x, first.y, 14);
  L = {
    slug: layer.slug,
    agency: layer.agency_code,
    fid: first.fid,
    tile: `14/${t.x}/${t.y}`,
    wmsBox: `${first.y - 0.01},${first.x - 0.01},${first.y + 0.01},${first.x + 0.01}`,
  };
  const other = await knex<{ code: string }>('agencies').whereNot({ code: L.agency }).orderBy('code').first('code');
  if (!other) throw new Error('one agency only');
  const store = new TokenStore(knex);
  for (const c of CALLERS) {
    if (!c.role) continue;
    const agencies = c.agencies === 'own' ? [L.agency] : c.agencies === 'other' ? [other.code] : [];
    tokens.set(c.name, (await store.create({ name: c.name, role: c.role, agencies, createdBy: 'test' })).token);
  }
  for (const c of CALLERS) before.set(c.name, await view(c.name));
}, 300_000);

describe('a draft on every public surface, for every caller', { timeout: 300_000 }, () => {
  const same = async (phase: string) => {
    for (const c of CALLERS) {
      const now = await view(c.name);
      for (const template of SURFACES)
        expect(now[template], `${template} as ${c.name} while the draft is ${phase}`).toBe(
          before.get(c.name)?.[template],
        );
    }
  };

  it('serves the published version while a draft is open', async () => {
    // The producer replaces the layer's features with one moved point: a draft.
    const up = await s.get(`/api/layers/${L.slug}/features?mode=replace`, {
      method: 'POST',
      headers: { ...producer(), 'Content-Type': 'application/geo+json' },
      body: fc(feature(point(106.63, -6.17), { nama: 'Draf' })),
    });
    expect(up.status, await up.clone().text()).toBe(200);
    expect(((await up.json()) as { state: string }).state).toBe('draft');
    await same('open');
  });

  it('and while it is submitted', async () => {
    const r = await s.get(`/api/layers/${L.slug}/versions/draft/submit`, { method: 'POST', headers: producer() });
    expect(r.status).toBe(200);
    await same('submitted');
  });

  it('and after walidata rejects it', async () => {
    const r = await s.get(`/api/layers/${L.slug}/versions/draft/reject`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${tokens.get('walidata') ?? ''}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ note: 'Titik bergeser dari lokasi sebenarnya.' }),
    });
    expect(r.status).toBe(200);
    await same('rejected');
  });

  it('and the draft is there for who asks for it (the check is not blind)', async () => {
    const r = await s.get(`/api/layers/${L.slug}/features?version=draft`, { headers: producer() });
    expect(r.status).toBe(200);
    const body = (await r.json()) as { features: { properties: { nama: string } }[] };
    expect(body.features.map((f) => f.properties.nama)).toEqual(['Draf']);
  });

  it('and once walidata approves it, every caller gets the new version', async () => {
    expect(
      (await s.get(`/api/layers/${L.slug}/versions/draft/submit`, { method: 'POST', headers: producer() })).status,
    ).toBe(200);
    const ok = await s.get(`/api/layers/${L.slug}/versions/draft/approve`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${tokens.get('walidata') ?? ''}` },
    });
    expect(ok.status, await ok.clone().text()).toBe(200);
    for (const c of CALLERS) {
      const now = await view(c.name);
      for (const template of [
        '/api/layers/{L}/features?limit=100',
        '/tiles/{L}.json',
        '/ogc/collections/{L}/items?limit=100',
      ])
        expect(now[template], `${template} as ${c.name}`).not.toBe(before.get(c.name)?.[template]);
      // (jsonb writes a space after the colon)
      expect(now['/api/layers/{L}/features?limit=100']).toMatch(/"nama": ?"Draf"/);
    }
  });
});
