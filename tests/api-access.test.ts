import { beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../server/auth/access.js';
import { TokenStore } from '../server/auth/token-store.js';
import { tileOf } from './support/mvt.js';
import { useTestServer } from './support/use-test-server.js';

// Its own database copy: this file creates and revokes tokens. A low failure limit to test it.
const s = useTestServer({ writable: true, env: { AUTH_FAILURE_LIMIT: '8', WRITE_RATE_LIMIT: '15' } });

interface Fixture {
  slug: string;
  agency: string;
  fid: number;
  district: string;
  tile: string;
  publik: string;
  otherAgency: string;
}
let f: Fixture;
const tokens = new Map<string, string>();

/** The callers the matrix runs as, and whether each may see the terbatas layer. */
const CALLERS: { name: string; role?: Role; agencies?: 'own' | 'other'; sees: boolean }[] = [
  { name: 'anonymous', sees: false },
  { name: 'viewer of another agency', role: 'viewer', agencies: 'other', sees: false },
  { name: 'editor of another agency', role: 'editor', agencies: 'other', sees: false },
  { name: 'viewer of the agency', role: 'viewer', agencies: 'own', sees: true },
  { name: 'editor of the agency', role: 'editor', agencies: 'own', sees: true },
  { name: 'admin', role: 'admin', sees: true },
];

beforeAll(async () => {
  const knex = s.db.knex;
  const layer = await knex<{ id: number; agency_code: string; slug: string }>('layers')
    .where({ slug: s.terbatas })
    .first('id', 'agency_code');
  if (!layer) throw new Error('no terbatas layer');
  const feature = (
    await knex.raw<{ rows: { fid: number; x: number; y: number }[] }>(
      'select fid, ST_X(ST_PointOnSurface(geom)) as x, ST_Y(ST_PointOnSurface(geom)) as y from features where layer_id = ? order by fid limit 1',
      [layer.id],
    )
  ).rows[0];
  const district = (
    await knex.raw<{ rows: { code: string }[] }>(
      `select ld.district_code as code from layer_districts ld join districts d on d.code = ld.district_code
      where ld.layer_id = ? and d.level = 'kecamatan' order by 1 limit 1`,
      [layer.id],
    )
  ).rows[0];
  const other = await knex<{ agency_code: string; classification: string }>('layers')
    .where({ classification: 'terbatas' })
    .whereNot({ agency_code: layer?.agency_code })
    .orderBy('slug')
    .first('agency_code');
  const publik = await knex<{ slug: string; classification: string }>('layers')
    .where({ classification: 'publik' })
    .orderBy('slug')
    .first('slug');
  if (!layer || !feature || !district || !other || !publik)
    throw new Error('fixtures lack a terbatas layer with features');
  const t = tileOf(feature.x, feature.y, 14);
  f = {
    slug: s.terbatas,
    agency: layer.agency_code,
    fid: feature.fid,
    district: district.code,
    tile: `14/${t.x}/${t.y}`,
    publik: publik.slug,
    otherAgency: other.agency_code,
  };
  const store = new TokenStore(knex);
  for (const c of CALLERS) {
    if (!c.role) continue;
    const agencies = c.role === 'admin' ? [] : [c.agencies === 'own' ? f.agency : f.otherAgency];
    tokens.set(c.name, (await store.create({ name: c.name, role: c.role, agencies, createdBy: 'test' })).token);
  }
});

const as = (caller: string): RequestInit => {
  const token = tokens.get(caller);
  return token ? { headers: { Authorization: `Bearer ${token}` } } : {};
};
const getAs = (caller: string, p: string) => s.get(p, as(caller));
async function jsonAs<T>(caller: string, p: string): Promise<T> {
  const res = await getAs(caller, p);
  expect(res.status, p).toBe(200);
  return (await res.json()) as T;
}

/** Every endpoint that names one layer; {L} is the layer, {F} a feature, {T} a tile holding it. */
const DIRECT = [
  '/api/layers/{L}',
  '/api/layers/{L}/features',
  '/api/layers/{L}/features/{F}',
  '/api/layers/{L}/features?district={D}',
  '/tiles/{L}.json',
  '/tiles/{P},{L}.json',
  '/tiles/{L}/{T}.mvt',
  '/tiles/{P},{L}/{T}.mvt',
  '/ogc/collections/{L}',
  '/ogc/collections/{L}/items',
  '/ogc/collections/{L}/items/{F}',
  '/ogc/collections/{L}/queryables',
  '/ogc/collections/{L}/tiles',
  '/ogc/collections/{L}/tiles/WebMercatorQuad',
  '/ogc/collections/{L}/tiles/WebMercatorQuad/{T}',
  '/api/layers/{L}/history',
  '/api/layers/{L}/legend',
  '/api/layers/{L}/legend.png',
  '/api/layers/{L}/thumbnail.png',
  '/api/layers/{L}/style',
  '/api/layers/{L}/style.sld',
  '/api/maps/static?layers={P},{L}&bbox=106.55,-6.3,106.75,-6.1&width=64&height=64',
];
const fill = (p: string, slug: string) =>
  p
    .replaceAll('{L}', slug)
    .replaceAll('{F}', String(f.fid))
    .replaceAll('{D}', f.district)
    .replaceAll('{P}', f.publik)
    .replaceAll('{T}', p.includes('WebMercatorQuad') ? ogcTile(f.tile) : f.tile);
const ogcTile = (zxy: string) => {
  const [z, x, y] = zxy.split('/');
  return `${z}/${y}/${x}`;
};

describe('a terbatas layer on every endpoint that names it', () => {
  for (const c of CALLERS) {
    it(`${c.sees ? 'answers' : 'hides with the not-found answer'} for ${c.name}`, async () => {
      for (const template of DIRECT) {
        const res = await getAs(c.name, fill(template, f.slug));
        if (c.sees) {
          expect([200, 204], `${template} as ${c.name}`).toContain(res.status);
          if (res.status === 200 && template.endsWith('.mvt'))
            expect(res.headers.get('cache-control'), template).toMatch(/^private/);
        } else {
          const missing = await getAs(c.name, fill(template, 'tidak-ada-lapisan'));
          expect(res.status, `${template} as ${c.name}`).toBe(404);
          const [hidden, absent] = [await res.json(), await missing.json()] as {
            error: { code: string; message: string };
          }[];
          expect(hidden?.error.code, template).toBe(absent?.error.code);
          expect(hidden?.error.message.replaceAll(f.slug, 'X'), template).toBe(
            absent?.error.message.replaceAll('tidak-ada-lapisan', 'X'),
          );
        }
      }
    });
  }
});

/** How many layers (or data elements) the rule lets this caller see, computed in SQL independently of the app. */
async function expectedCount(
  c: (typeof CALLERS)[number],
  agency?: string,
  table: 'layers' | 'elements' = 'layers',
): Promise<number> {
  const q = s.db.knex(table).count<{ n: string }[]>('* as n');
  if (agency) void q.where({ agency_code: agency });
  if (c.role !== 'admin') {
    const own = c.agencies === 'own' ? [f.agency] : c.agencies === 'other' ? [f.otherAgency] : [];
    void q.where((w) => {
      void w.where({ classification: 'publik' }).orWhereIn('agency_code', own);
    });
  }
  return Number((await q)[0]?.n);
}

describe('a terbatas layer on the WFS and the CSW', () => {
  const WFS = [
    '/wfs?SERVICE=WFS&VERSION=2.0.0&REQUEST=DescribeFeatureType&TYPENAMES=satupeta:{L}',
    '/wfs?SERVICE=WFS&VERSION=2.0.0&REQUEST=GetFeature&TYPENAMES=satupeta:{L}&COUNT=1',
    '/wfs?SERVICE=WFS&VERSION=2.0.0&REQUEST=GetFeature&TYPENAMES={L}&RESULTTYPE=hits',
    '/wfs?SERVICE=WFS&VERSION=2.0.0&REQUEST=GetFeature&TYPENAMES=satupeta:{L}&RESOURCEID={L}.{F}',
  ];
  for (const c of CALLERS) {
    it(`${c.sees ? 'serves' : 'hides'} it for ${c.name}, in capabilities, schemas and features`, async () => {
      const caps = await (await getAs(c.name, '/wfs?SERVICE=WFS&REQUEST=GetCapabilities')).text();
      expect(caps.includes(`<wfs:Name>satupeta:${f.slug}</wfs:Name>`), c.name).toBe(c.sees);
      const all = await (await getAs(c.name, '/wfs?SERVICE=WFS&VERSION=2.0.0&REQUEST=DescribeFeatureType')).text();
      expect(all.includes(`name="${f.slug}"`), c.name).toBe(c.sees);
      const byId = await (
        await getAs(c.name, `/csw?service=CSW&version=2.0.2&request=GetRecordById&id=${f.slug}`)
      ).text();
      expect(byId.includes(`<dc:identifier>${f.slug}</dc:identifier>`), `CSW as ${c.name}`).toBe(c.sees);
      const hits = await (
        await getAs(c.name, '/csw?service=CSW&version=2.0.2&request=GetRecords&resultType=hits')
      ).text();
      // Records are layers and data elements, each as the caller may see it.
      const records = (await expectedCount(c)) + (await expectedCount(c, undefined, 'elements'));
      expect(hits).toContain(`numberOfRecordsMatched="${records}"`);
      expect((await getAs(c.name, `/api/layers/${f.slug}/metadata.xml`)).status).toBe(c.sees ? 200 : 404);
      for (const template of WFS) {
        const res = await getAs(c.name, fill(template, f.slug));
        const text = await res.text();
        if (c.sees) {
          expect(res.status, `${template} as ${c.name}`).toBe(200);
          if (template.includes('RESOURCEID')) expect(text).toContain(`gml:id="${f.slug}.${f.fid}"`);
        } else {
          expect(res.status, `${template} as ${c.name}`).toBe(404);
          const absent = await (await getAs(c.name, fill(template, 'tidak-ada-lapisan'))).text();
          expect(text.replaceAll(f.slug, 'X'), template).toBe(absent.replaceAll('tidak-ada-lapisan', 'X'));
        }
      }
    });
  }
});

describe('a terbatas layer on the WMS', () => {
  const WMS = [
    '/wms?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&LAYERS={P},{L}&STYLES=&CRS=CRS:84&BBOX=106.5,-6.3,106.8,-6.0&WIDTH=64&HEIGHT=64&FORMAT=image/png',
    '/wms?SERVICE=WMS&VERSION=1.1.1&REQUEST=GetMap&LAYERS={L}&STYLES=&SRS=EPSG:4326&BBOX=106.5,-6.3,106.8,-6.0&WIDTH=64&HEIGHT=64&FORMAT=image/png',
    '/wms?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetFeatureInfo&LAYERS={L}&QUERY_LAYERS={L}&STYLES=&CRS=CRS:84&BBOX=106.5,-6.3,106.8,-6.0&WIDTH=64&HEIGHT=64&I=32&J=32&INFO_FORMAT=application/json',
    '/wms?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetLegendGraphic&LAYER={L}&FORMAT=image/png',
  ];
  for (const c of CALLERS) {
    it(`${c.sees ? 'draws' : 'hides as LayerNotDefined'} it for ${c.name}, in capabilities and every operation`, async () => {
      const caps = await (await getAs(c.name, '/wms?SERVICE=WMS&REQUEST=GetCapabilities')).text();
      expect(caps.includes(`<Name>${f.slug}</Name>`), c.name).toBe(c.sees);
      for (const template of WMS) {
        const res = await getAs(c.name, fill(template, f.slug));
        const body = await res.text();
        if (c.sees) expect(res.status, `${template} as ${c.name}`).toBe(200);
        else {
          expect(res.status, `${template} as ${c.name}`).toBe(404);
          expect(body).toContain('code="LayerNotDefined"');
          const absent = await (await getAs(c.name, fill(template, 'tidak-ada-lapisan'))).text();
          expect(body.replaceAll(f.slug, 'X'), template).toBe(absent.replaceAll('tidak-ada-lapisan', 'X'));
        }
      }
    });
  }
});

describe('a terbatas layer in every list and count', () => {
  for (const c of CALLERS) {
    it(`${c.sees ? 'includes' : 'leaves out'} the layer for ${c.name}`, async () => {
      const ids = {
        search: (
          await jsonAs<{ items: { id: string }[] }>(c.name, `/api/layers?agency=${f.agency}&limit=500`)
        ).items.map((l) => l.id),
        index: (await jsonAs<{ items: { id: string }[] }>(c.name, '/api/layer-index')).items.map((l) => l.id),
        district: (
          await jsonAs<{ items: { slug: string }[] }>(c.name, `/api/districts/${f.district}/layers`)
        ).items.map((l) => l.slug),
        ogc: (await jsonAs<{ collections: { id: string }[] }>(c.name, '/ogc/collections')).collections.map((l) => l.id),
        quality: (
          await jsonAs<{ items: { id: string }[] }>(c.name, `/api/quality?agency=${f.agency}&limit=500`)
        ).items.map((l) => l.id),
      };
      for (const [surface, list] of Object.entries(ids))
        expect(list.includes(f.slug), `${surface} as ${c.name}`).toBe(c.sees);

      const total = await expectedCount(c);
      expect((await jsonAs<{ catalog: { layers: number } }>(c.name, '/api/health')).catalog.layers).toBe(total);
      expect(ids.index.length).toBe(total);
      expect(ids.ogc.length).toBe(total);
      expect((await jsonAs<{ total: number }>(c.name, '/api/layers?limit=1')).total).toBe(total);
      expect((await jsonAs<{ total: number }>(c.name, '/api/quality?limit=1')).total).toBe(total);
      const agencies = (await jsonAs<{ items: { code: string; layerCount: number }[] }>(c.name, '/api/agencies')).items;
      expect(agencies.reduce((sum, a) => sum + a.layerCount, 0)).toBe(total);
      expect(agencies.find((a) => a.code === f.agency)?.layerCount).toBe(await expectedCount(c, f.agency));
      const themes = (await jsonAs<{ items: { layerCount: number }[] }>(c.name, '/api/themes')).items;
      expect(themes.reduce((sum, t) => sum + t.layerCount, 0)).toBe(total);
    });
  }

  it('never reaches the national catalogs (CKAN, DCAT), whoever asks: they publish open data only', async () => {
    const publik = await expectedCount(CALLERS[0]!);
    for (const c of CALLERS) {
      const list = (await jsonAs<{ result: string[] }>(c.name, '/api/3/action/package_list')).result;
      expect(list.includes(f.slug), c.name).toBe(false);
      // Layers; data elements are listed beside them as elemen-<id>.
      expect(list.filter((id) => !id.startsWith('elemen-')).length).toBe(publik);
      expect((await getAs(c.name, `/api/3/action/package_show?id=${f.slug}`)).status).toBe(404);
      // Layers come first in the catalog, by id: the first 3,000 datasets hold them all.
      for (const page of [1, 2, 3]) {
        const dcat = JSON.stringify(await jsonAs<unknown>(c.name, `/catalog/dcat.jsonld?page=${page}&page_size=1000`));
        expect(dcat.includes(`/${f.slug}`), c.name).toBe(false);
      }
    }
  });
});

describe('tokens', () => {
  it('answers 401 with a reason for a malformed header, an unknown token and a revoked one', async () => {
    const cases: [Record<string, string>, string][] = [
      [{ Authorization: 'Basic YWRtaW46YWRtaW4=' }, 'invalid_authorization'],
      [{ Authorization: 'Bearer' }, 'invalid_authorization'],
      [{ Authorization: 'Bearer sp_tidak-ada' }, 'invalid_token'],
      [{ Authorization: "Bearer ' or 1=1 --" }, 'invalid_authorization'],
    ];
    for (const [headers, code] of cases) {
      const res = await s.get('/api/layers?limit=1', { headers });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe(code);
    }
    const store = new TokenStore(s.db.knex);
    const { token, info } = await store.create({
      name: 'to revoke',
      role: 'viewer',
      agencies: [f.agency],
      createdBy: 'test',
    });
    expect((await s.get(`/api/layers/${f.slug}`, { headers: { Authorization: `Bearer ${token}` } })).status).toBe(200);
    await store.revoke(info.id);
    const revoked = await s.get(`/api/layers/${f.slug}`, { headers: { Authorization: `Bearer ${token}` } });
    expect(revoked.status).toBe(401);
  });

  it('stores only a hash of each token', async () => {
    const rows = await s.db.knex<{ token_hash: string; prefix: string }>('api_tokens').select('token_hash', 'prefix');
    const secrets = [...tokens.values()];
    for (const r of rows) {
      expect(secrets).not.toContain(r.token_hash);
      expect(r.token_hash).toMatch(/^[0-9a-f]{64}$/);
    }
  });

  it('lets only an admin create, list and revoke tokens over HTTP, with the secret shown once', async () => {
    const body = JSON.stringify({ name: 'Dinkes viewer', role: 'viewer', agencies: [f.agency] });
    const post = (caller: string) =>
      s.get('/api/tokens', {
        method: 'POST',
        body,
        headers: { ...(as(caller).headers as Record<string, string>), 'Content-Type': 'application/json' },
      });
    expect((await post('anonymous')).status).toBe(401);
    expect((await post('editor of the agency')).status).toBe(403);
    const created = await post('admin');
    expect(created.status).toBe(201);
    const { token, id } = (await created.json()) as { token: string; id: number };
    expect(token).toMatch(/^sp_[A-Za-z0-9_-]{43}$/);
    const me = (await (await s.get('/api/me', { headers: { Authorization: `Bearer ${token}` } })).json()) as {
      role: string;
      agencies: string[];
    };
    expect(me).toMatchObject({ role: 'viewer', agencies: [f.agency] });
    const listed = await jsonAs<{ items: { id: number; prefix: string }[] }>('admin', '/api/tokens');
    expect(JSON.stringify(listed)).not.toContain(token);
    expect(listed.items.find((t) => t.id === id)?.prefix).toBe(token.slice(0, 9));
    expect((await getAs('viewer of the agency', '/api/tokens')).status).toBe(403);
    const del = await s.get(`/api/tokens/${id}`, { method: 'DELETE', ...as('admin') });
    expect(del.status).toBe(200);
    expect((await s.get('/api/me', { headers: { Authorization: `Bearer ${token}` } })).status).toBe(401);
  });

  it('refuses token requests that would grant a wrong scope', async () => {
    const cases = [
      { name: 'x', role: 'editor', agencies: [] },
      { name: 'x', role: 'editor', agencies: [f.agency, f.otherAgency] },
      { name: 'x', role: 'viewer', agencies: [] },
      { name: 'x', role: 'admin', agencies: [f.agency] },
      { name: 'x', role: 'viewer', agencies: ['tidak-ada'] },
      { name: 'x', role: 'superuser', agencies: [] },
      { name: '', role: 'viewer', agencies: [f.agency] },
      { name: 'x', role: 'viewer', agencies: [f.agency], extra: true },
    ];
    const before = await s.db.knex('api_tokens').count<{ n: string }[]>('* as n');
    for (const body of cases) {
      const res = await s.get('/api/tokens', {
        method: 'POST',
        body: JSON.stringify(body),
        headers: { ...(as('admin').headers as Record<string, string>), 'Content-Type': 'application/json' },
      });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(((await res.json()) as { error: { code: string } }).error.code).toMatch(
        /^(invalid_token_request|unknown_agency)$/,
      );
    }
    expect(await s.db.knex('api_tokens').count<{ n: string }[]>('* as n')).toEqual(before);
  });
});

describe('browser-facing headers', () => {
  it('lets any site read, with or without a token, and no site write from a browser', async () => {
    const read = await s.get('/api/layers?limit=1', { headers: { Origin: 'https://example.org' } });
    expect(read.headers.get('access-control-allow-origin')).toBe('*');
    const preflightRead = await s.get('/api/layers', {
      method: 'OPTIONS',
      headers: {
        Origin: 'https://example.org',
        'Access-Control-Request-Method': 'GET',
        'Access-Control-Request-Headers': 'authorization',
      },
    });
    expect(preflightRead.status).toBe(204);
    expect(preflightRead.headers.get('access-control-allow-headers')).toMatch(/Authorization/);
    const preflightWrite = await s.get('/api/layers', {
      method: 'OPTIONS',
      headers: { Origin: 'https://example.org', 'Access-Control-Request-Method': 'POST' },
    });
    expect(preflightWrite.status).toBe(403);
    expect(preflightWrite.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('keeps the viewer unframeable by other sites and the embed page frameable by any', async () => {
    const viewer = await s.get('/');
    expect(viewer.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(viewer.headers.get('content-security-policy')).toMatch(/frame-ancestors 'self'/);
    const embed = await s.get('/embed');
    expect(embed.status).toBe(200);
    expect(embed.headers.get('x-frame-options')).toBeNull();
    expect(embed.headers.get('content-security-policy')).toMatch(/frame-ancestors \*/);
  });

  it('marks what a token reads private and lets anyone cache what anyone reads', async () => {
    // Public for shared caches only with PUBLIC_URL set (tests/cache-headers.test.ts); this server has none.
    expect((await getAs('anonymous', '/api/layer-index')).headers.get('cache-control')).toMatch(/max-age=60/);
    expect((await getAs('admin', '/api/layer-index')).headers.get('cache-control')).toMatch(/^private/);
    expect((await getAs('admin', `/tiles/${f.publik}.json`)).headers.get('cache-control')).toMatch(/^private/);
  });
});

describe('writes from one token', () => {
  it('are answered 429 past WRITE_RATE_LIMIT a minute, while its reads go on', async () => {
    const { token } = await new TokenStore(s.db.knex).create({
      name: 'busy',
      role: 'viewer',
      agencies: [f.agency],
      createdBy: 'test',
    });
    const headers = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
    const statuses: number[] = [];
    for (let i = 0; i < 16; i++)
      statuses.push((await s.get('/api/tokens', { method: 'POST', headers, body: '{}' })).status);
    expect(statuses.slice(0, 15).every((st) => st === 403)).toBe(true);
    const limited = await s.get('/api/tokens', { method: 'POST', headers, body: '{}' });
    expect(limited.status).toBe(429);
    expect(((await limited.json()) as { error: { code: string } }).error.code).toBe('rate_limited');
    expect((await s.get(`/api/layers/${f.slug}`, { headers: { Authorization: `Bearer ${token}` } })).status).toBe(200);
  });

  it('never counts reads that protocols POST (CKAN actions, WFS GetFeature) as writes', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 20; i++) {
      const ckan = await s.get('/api/3/action/package_show', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ id: f.publik }),
      });
      const wfs = await s.get('/wfs', {
        method: 'POST',
        headers: { 'Content-Type': 'application/xml' },
        body: `<GetFeature count="1"><Query typeNames="satupeta:${f.publik}"/></GetFeature>`,
      });
      statuses.push(ckan.status, wfs.status);
    }
    expect(statuses.filter((st) => st !== 200)).toEqual([]);
  });
});

describe('wrong tokens from one address', () => {
  it('are answered 429 after the limit, while a valid token from the same address and anonymous reads go on', async () => {
    let status = 0;
    for (let i = 0; i < 12 && status !== 429; i++)
      status = (await s.get('/api/me', { headers: { Authorization: `Bearer sp_guess${i}` } })).status;
    expect(status).toBe(429);
    const blocked = await s.get('/api/me', { headers: { Authorization: 'Bearer sp_guess99' } });
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    // An office behind one address: its colleague's valid token still works.
    expect((await getAs('admin', '/api/me')).status).toBe(200);
    expect((await s.get('/api/layers?limit=1')).status).toBe(200);
  });
});
