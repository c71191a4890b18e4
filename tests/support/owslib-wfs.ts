import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { expect } from 'vitest';
import { PYTHON } from './clients.js';
import type { SharedTestServer } from './use-test-server.js';

const run = promisify(execFile);

/** What both OWSLib WFS scripts (2.0.0 and 1.1.0) report of the kelurahan layer. */
export interface OwslibWfsCommon {
  types: string[];
  crs: string[];
  wgs84: number[];
  schema: string[];
  bbox: number[];
  filter: number[];
}

/**
 * Runs an OWSLib script against the server's /wfs for the kelurahan layer and checks what every
 * version must agree on: every visible type and no terbatas one, the CRSs, a longitude-first
 * WGS 84 box, the schema, and the features a box and a filter select (as SQL selects them).
 */
export async function owslibWfs<T extends OwslibWfsCommon>(
  s: SharedTestServer,
  script: string,
  layer: string,
  fids: (where: string, bindings?: (string | number)[]) => Promise<number[]>,
): Promise<T> {
  const { stdout } = await run(PYTHON, [script, `${s.url}/wfs`, layer], {
    timeout: 120_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  const got = JSON.parse(stdout) as T;
  const visible = await s.json<{ total: number }>('/api/layers?limit=1');
  expect(got.types).toHaveLength(visible.body.total);
  expect(got.types).not.toContain(`satupeta:${s.terbatas}`);
  expect(got.crs).toEqual(['urn:ogc:def:crs:EPSG::4326', 'urn:ogc:def:crs:EPSG::3857']);
  expect(got.wgs84[0]).toBeGreaterThan(106);
  expect(got.schema).toEqual(['kode', 'level', 'luas_km2', 'nama']);
  expect(got.bbox).toEqual(
    await fids('ST_Intersects(f.geom, ST_MakeEnvelope(?, ?, ?, ?, 4326))', [106.62, -6.2, 106.66, -6.16]),
  );
  expect(got.filter).toEqual(
    await fids(`f.properties ->> 'kode' like '36.71.04.%' and (f.properties ->> 'luas_km2')::numeric > 1`),
  );
  return got;
}
