import { describe, expect, it } from 'vitest';
import { copyLines, inlineBindings } from '../server/db/copy-out.js';
import { adminAuth, createLayer, replaceFeatures } from './support/layers.js';
import { useTestServer } from './support/use-test-server.js';

/**
 * The whole-layer GeoJSON download as a stream: on PostgreSQL the database writes it by COPY and
 * the server turns line breaks into commas; on the embedded database it comes in chunks of
 * features. Both must give every character of every value back, and a client that leaves early
 * must leave no statement running behind it.
 */
const s = useTestServer({ writable: true });

interface Download {
  numberMatched: number;
  features: { id: number; properties: Record<string, unknown>; geometry: { coordinates: number[] } }[];
}

function createPointLayer(auth: Record<string, string>, slug: string): Promise<void> {
  return createLayer(s, auth, {
    slug,
    title: `Uji unduhan ${slug}`,
    agency: 'setda',
    theme: 'batas-wilayah',
    geometryType: 'Point',
    fields: [
      { name: 'nama', type: 'string' },
      { name: 'nomor', type: 'integer' },
    ],
  });
}

/** Values that COPY's own formats would escape or split a line at, and text beyond ASCII. */
const AWKWARD = [
  'baris satu\nbaris dua',
  'CR\r\nLF',
  'garis miring \\ dan "kutip" dan \'apostrof\'',
  'kontrol \u0001\u0002\u001f tab\t',
  'koma, titik koma; {kurung} [siku]',
  'Rp 1.000,- · Ü ñ 🗺️ 東京',
  '',
  '\\N',
];

describe('GeoJSON download stream', () => {
  it('gives back every character of every value, in id order, across many stream pieces', async () => {
    const auth = await adminAuth(s.db.knex, 'stream');
    const slug = 'setda-uji-unduhan-aliran';
    await createPointLayer(auth, slug);
    // 3,000 features, about 400 kB: many socket reads, so pieces end inside features and at commas.
    const features = Array.from({ length: 3000 }, (_, i) => ({
      type: 'Feature',
      properties: { nama: `${AWKWARD[i % AWKWARD.length]} #${i}`, nomor: i % 7 === 0 ? null : i },
      geometry: { type: 'Point', coordinates: [106.6 + (i % 100) * 0.001, -6.2 + Math.floor(i / 100) * 0.001] },
    }));
    await replaceFeatures(s, auth, slug, features);

    const res = await s.get(`/api/layers/${slug}/download.geojson`, { headers: auth });
    expect(res.status).toBe(200);
    const body = (await res.json()) as Download;
    expect(body.numberMatched).toBe(3000);
    expect(body.features).toHaveLength(3000);
    const ids = body.features.map((f) => f.id);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    body.features.forEach((f, i) => {
      const sent = features[i];
      expect(f.properties.nama, `feature ${i}`).toBe(sent?.properties.nama);
      expect(f.properties.nomor ?? null).toBe(sent?.properties.nomor);
      // RFC 7946 output keeps 7 decimals (about 1 cm).
      expect(f.geometry.coordinates).toEqual(sent?.geometry.coordinates.map((c) => Number(c.toFixed(7))));
    });
  });

  it('is the same features as the paged items inside a district, and clipped', async () => {
    const slug = 'batas-kelurahan-kota-tangerang';
    const district = '36.71.05';
    for (const clip of [false, true]) {
      const res = await s.get(`/api/layers/${slug}/download.geojson?district=${district}&clip=${clip}`);
      expect(res.status).toBe(200);
      const body = (await res.json()) as Download;
      const page = (await s.json<Download>(`/api/layers/${slug}/features?district=${district}&clip=${clip}&limit=1000`))
        .body;
      expect(body.numberMatched).toBe(page.numberMatched);
      expect(body.features).toEqual(page.features);
      expect(body.features.length).toBeGreaterThan(1);
    }
  });

  it('leaves no statement running when the client goes away mid-download, and keeps serving', async () => {
    const auth = await adminAuth(s.db.knex, 'stream');
    const slug = 'setda-uji-unduhan-putus';
    await createPointLayer(auth, slug);
    const { rows: layer } = await s.db.knex.raw<{ rows: { id: number }[] }>('select id from layers where slug = ?', [
      slug,
    ]);
    // About 20 MB of GeoJSON, far more than the sockets between server and client buffer.
    await s.db.knex.raw(
      `insert into features (layer_id, fid, properties, geom)
       select ?, i, jsonb_build_object('nama', repeat('sampel ', 140), 'nomor', i), ST_SetSRID(ST_MakePoint(106.6 + i * 1e-6, -6.2), 4326)
         from generate_series(1, 20000) i`,
      [layer[0]?.id ?? 0],
    );
    const controller = new AbortController();
    const res = await s.get(`/api/layers/${slug}/download.geojson`, { headers: auth, signal: controller.signal });
    expect(res.status).toBe(200);
    const reader = res.body?.getReader();
    const first = await reader?.read();
    expect(first?.value?.length).toBeGreaterThan(0);
    controller.abort();
    await reader?.cancel().catch(() => undefined);
    // The server notices the closed socket and ends the stream and the snapshot; on PostgreSQL
    // nothing of it may stay active or hold a transaction open (polled: the server may be busy).
    if (s.db.backend === 'postgresql') {
      let running = -1;
      for (let i = 0; i < 300 && running !== 0; i++) {
        await new Promise((r) => setTimeout(r, 100));
        const { rows } = await s.db.knex.raw<{ rows: { n: number }[] }>(
          `select count(*)::int as n from pg_stat_activity
            where datname = current_database() and pid <> pg_backend_pid()
              and state in ('active', 'idle in transaction')`,
        );
        running = rows[0]?.n ?? -1;
      }
      expect(running).toBe(0);
    }
    const after = await s.get(`/api/layers/${slug}/features?limit=1`, { headers: auth });
    expect(after.status).toBe(200);
    const whole = (await (await s.get(`/api/layers/${slug}/download.geojson`, { headers: auth })).json()) as Download;
    expect(whole.features).toHaveLength(20000);
  });
});

describe('COPY out on PostgreSQL', () => {
  it('writes bound values into the statement as literals, never as text that changes it', () => {
    expect(inlineBindings('select $1, $2, $10, $3', ["it's", -5, true, 4, 5, 6, 7, 8, 9, 'x\\y'])).toBe(
      // pg's escapeLiteral writes a backslash's string in the E'' form, with a space before it.
      "select 'it''s', (-5),  E'x\\\\y', true",
    );
    expect(() => inlineBindings('select $1', [{}])).toThrow(/cannot be written/);
    expect(() => inlineBindings('select $2', [1])).toThrow(/has no value/);
    expect(() => inlineBindings('select $1', [Number.NaN])).toThrow(/cannot be written/);
  });

  it('cancels the statement when the reader stops early, so the transaction ends at once', async () => {
    if (s.db.backend !== 'postgresql') {
      // The embedded database has no COPY stream: downloads there go by chunks (tested above).
      expect(s.db.backend).toBe('embedded');
      return;
    }
    const trx = await s.db.knex.transaction(undefined, { isolationLevel: 'repeatable read', readOnly: true });
    const pid = (await trx.raw<{ rows: { pid: number }[] }>('select pg_backend_pid() as pid')).rows[0]?.pid;
    // About 2 GB if read to the end.
    const lines = copyLines(
      trx,
      trx.select(trx.raw(`repeat('x', 2000) || i as line`)).from(trx.raw('generate_series(1, 1000000) i')),
    );
    const first = await lines.next();
    expect(first.done).toBe(false);
    expect((first.value as Buffer).subarray(0, 5).toString()).toBe('xxxxx');
    await lines.return(undefined);
    // The statement was cancelled, not read to its end: the transaction is in error and rolls back.
    await expect(trx.raw('select 1')).rejects.toThrow(/current transaction is aborted/);
    await trx.rollback().catch(() => undefined);
    const { rows } = await s.db.knex.raw<{ rows: { state: string | null }[] }>(
      // The pool may hand this very connection back (then it is idle by definition).
      'select state from pg_stat_activity where pid = ? and pid <> pg_backend_pid()',
      [pid ?? 0],
    );
    expect(rows[0]?.state ?? 'idle').toBe('idle');
  });
});
