import { describe, expect, it } from 'vitest';
import { useTestServer } from './support/use-test-server.js';

interface ErrorBody {
  error: { code: string; message: string; details: Record<string, unknown> };
}

const s = useTestServer();

const F = '/api/layers/batas-kecamatan-kota-tangerang/features';

// [request, status, code, parameter named in details (if any)]
const cases: [string, number, string, string?][] = [
  [`${F}?bbox=1,2,3`, 400, 'invalid_bbox', 'bbox'],
  [`${F}?bbox=a,b,c,d`, 400, 'invalid_bbox', 'bbox'],
  [`${F}?bbox=106.7,-6.2,106.6,-6.1`, 400, 'invalid_bbox', 'bbox'],
  [`${F}?bbox=106.6,-6.2,106.7`, 400, 'invalid_bbox', 'bbox'],
  [`${F}?bbox=-6.2,106.6,-6.1,106.7`, 400, 'coordinates_out_of_range', 'bbox'],
  [`${F}?bbox=190,-6.2,200,-6.1`, 400, 'coordinates_out_of_range', 'bbox'],
  [`${F}?bbox=1e5,0,2e5,1`, 400, 'coordinates_out_of_range', 'bbox'],
  [`${F}?bbox=106.6,-6.2,106.7,-6.1,0`, 400, 'invalid_bbox', 'bbox'],
  [`${F}?bbox=106.6,-6.2,0x1F,-6.1`, 400, 'invalid_bbox', 'bbox'],
  [`${F}?bbox=106.6,-6.2,Infinity,-6.1`, 400, 'invalid_bbox', 'bbox'],
  [`${F}?sortby=warna`, 400, 'unknown_property', 'sortby'],
  [`${F}?after=5&sortby=nama`, 400, 'invalid_parameter', 'after'],
  [`${F}?filter=nama%20%3D`, 400, 'invalid_filter', 'filter'],
  [`${F}?datetime=kemarin`, 400, 'invalid_parameter', 'datetime'],
  [`${F}?bbox=NaN,0,1,1`, 400, 'invalid_bbox', 'bbox'],
  [`${F}?properties=nama,tidak_ada`, 400, 'unknown_property', 'properties'],
  [`${F}?properties=nama%27%3B%20drop%20table%20layers%3B--`, 400, 'unknown_property', 'properties'],
  [`${F}?limit=10001`, 400, 'limit_too_large', 'limit'],
  [`${F}?limit=0`, 400, 'invalid_parameter', 'limit'],
  [`${F}?limit=-5`, 400, 'invalid_parameter', 'limit'],
  [`${F}?limit=abc`, 400, 'invalid_parameter', 'limit'],
  [`${F}?limit=1&limit=2`, 400, 'invalid_parameter', 'limit'],
  [`${F}?after=-1`, 400, 'invalid_parameter', 'after'],
  [`${F}?district=99.99`, 400, 'unknown_district', 'district'],
  [`${F}?district=36.71.01%27%20or%201%3D1--`, 400, 'unknown_district', 'district'],
  [`${F}?clip=true`, 400, 'invalid_parameter', 'clip'],
  [`${F}?clip=yes`, 400, 'invalid_parameter', 'clip'],
  [`${F}?bbbox=1,2,3,4`, 400, 'unknown_parameter', 'bbbox'],
  [`${F}/0`, 400, 'invalid_parameter', 'fid'],
  [`${F}/abc`, 400, 'invalid_parameter', 'fid'],
  [`${F}/99999`, 404, 'feature_not_found', 'fid'],
  ['/api/layers/tidak-ada/features', 404, 'layer_not_found', 'id'],
  ["/api/layers/x'%20or%20'1'='1", 404, 'layer_not_found', 'id'],
  ['/api/layers?agency=tidak-ada', 400, 'unknown_agency', 'agency'],
  ["/api/layers?agency=disdik'--", 400, 'unknown_agency', 'agency'],
  ['/api/layers?theme=tidak-ada', 400, 'unknown_theme', 'theme'],
  ['/api/layers?district=36.71.99', 400, 'unknown_district', 'district'],
  ['/api/layers?geometryType=Circle', 400, 'invalid_parameter', 'geometryType'],
  ['/api/layers?limit=100000', 400, 'invalid_parameter', 'limit'],
  ['/api/layers?offset=-1', 400, 'invalid_parameter', 'offset'],
  [`/api/layers?q=${'a'.repeat(201)}`, 400, 'invalid_parameter', 'q'],
  ['/api/layers?sort=title', 400, 'unknown_parameter', 'sort'],
  ['/api/districts/lookup?lon=106.6', 400, 'invalid_parameter', 'lat'],
  ['/api/districts/lookup?lon=-6.17&lat=106.63', 400, 'invalid_parameter', 'lat'],
  ['/api/districts/lookup?lon=abc&lat=-6.1', 400, 'invalid_parameter', 'lon'],
  ['/api/districts/lookup?lon=181&lat=-6.1', 400, 'invalid_parameter', 'lon'],
  ['/api/districts/lookup?lon=106.6&lat=-6.1;select', 400, 'invalid_parameter', 'lat'],
  ['/api/districts?level=provinsi', 400, 'invalid_parameter', 'level'],
  ['/api/districts?format=kml', 400, 'invalid_parameter', 'format'],
  ['/api/districts/99.99.99', 404, 'district_not_found', 'code'],
  ['/api/tidak-ada', 404, 'not_found'],
  ['/api/layers/%E0%A4%A', 400, 'bad_request'],
];

describe('bad input', () => {
  it.each(cases)('%s answers %i %s', async (path, status, code, parameter) => {
    const res = await s.get(path);
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    const body = (await res.json()) as ErrorBody;
    expect(body.error.code).toBe(code);
    expect(body.error.message.length).toBeGreaterThan(10);
    if (parameter) expect(body.error.details.parameter).toBe(parameter);
    expect(JSON.stringify(body)).not.toMatch(/select |syntax error|\bat .*\.ts:\d+/i);
  });

  it('hides a terbatas layer on every layer endpoint with the same 404 as a missing one', async () => {
    for (const path of [
      `/api/layers/${s.terbatas}`,
      `/api/layers/${s.terbatas}/features`,
      `/api/layers/${s.terbatas}/features/1`,
    ]) {
      const res = await s.get(path);
      expect(res.status).toBe(404);
      expect(((await res.json()) as ErrorBody).error.code).toBe('layer_not_found');
    }
  });

  it('leaves the catalog untouched by injection attempts and keeps serving', async () => {
    const before = await s.db.knex('layers').count<{ n: string }[]>('* as n');
    await s.get("/api/layers?q=x');drop table layers;--");
    await s.get('/api/layers?q=%00%27%22%5C');
    const after = await s.db.knex('layers').count<{ n: string }[]>('* as n');
    expect(after).toEqual(before);
    expect((await s.get('/api/health')).status).toBe(200);
  });
});
