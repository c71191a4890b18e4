import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../server/config.js';
import { buildFeatureQuery } from '../server/features/feature-query.js';
import { buildServices } from '../server/services.js';
import { ANONYMOUS } from '../server/auth/access.js';
import { useTestServer } from './support/use-test-server.js';

const s = useTestServer();

interface Download {
  type: string;
  numberMatched: number;
  dataVersion: number;
  features: { id: number; properties: Record<string, unknown> }[];
}

async function biggestPublik(): Promise<{ slug: string; n: number }> {
  const { rows } = await s.db.knex.raw<{ rows: { slug: string; n: number }[] }>(
    `select l.slug, (select count(*)::int from features f where f.layer_id = l.id) as n
       from layers l where l.classification = 'publik' order by l.feature_count desc, l.slug limit 1`,
  );
  const row = rows[0];
  if (!row) throw new Error('no layer');
  return row;
}

describe('full GeoJSON download', () => {
  it('is the whole layer in one FeatureCollection, however many features, as an attachment', async () => {
    const big = await biggestPublik();
    const res = await s.get(`/api/layers/${big.slug}/download.geojson`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/application\/geo\+json/);
    expect(res.headers.get('content-disposition')).toContain(`${big.slug}.geojson`);
    const body = (await res.json()) as Download;
    expect(body.type).toBe('FeatureCollection');
    expect(body.numberMatched).toBe(big.n);
    expect(body.features).toHaveLength(big.n);
    expect(new Set(body.features.map((f) => f.id)).size).toBe(big.n);
  });

  it('reads chunk after chunk by id from one snapshot (seven at a time here), in id order', async () => {
    const big = await biggestPublik();
    const services = buildServices({
      db: s.db,
      config: loadConfig({ LOG_LEVEL: 'silent' }),
      log: pino({ level: 'silent' }),
    });
    const layer = await services.features.layer(ANONYMOUS, big.slug);
    const q = buildFeatureQuery(layer, { bboxStyle: 'api' }, { defaultLimit: 10, maxLimit: 10_000, overMax: 'clamp' });
    const chunks: string[] = [];
    let matched = -1;
    for await (const c of services.features.download(q, 7)) {
      if (typeof c === 'string') chunks.push(c);
      else matched = c.numberMatched;
    }
    const ids = (JSON.parse(`[${chunks.join(',')}]`) as { id: number }[]).map((f) => f.id);
    expect(matched).toBe(big.n);
    expect(chunks.length).toBe(Math.ceil(big.n / 7));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(ids).toHaveLength(big.n);
  });

  it('answers 404 for a layer the caller may not see, and is what CKAN and DCAT link', async () => {
    expect((await s.get(`/api/layers/${s.terbatas}/download.geojson`)).status).toBe(404);
    const pkg = (
      await s.json<{ result: { resources: { format: string; url: string }[] } }>(
        '/api/3/action/package_show?id=batas-kota-tangerang',
      )
    ).body.result;
    expect(pkg.resources.find((r) => r.format === 'GeoJSON')?.url).toMatch(
      /\/api\/layers\/batas-kota-tangerang\/download\.geojson$/,
    );
  });
});
