import express, { Router, type Request } from 'express';
import { z } from 'zod';
import type { AppDeps } from '../app-deps.js';
import { requireToken } from '../auth/access.js';
import { cacheFor } from '../auth/caller.js';
import { parseBody } from '../http/body.js';
import { badRequest } from '../http/app-error.js';
import { MEASURES } from './derivation.js';
import { baseUrl, withQuery, type Link } from '../http/links.js';
import { intParam, parseQuery } from '../http/query.js';
import { CLASS_METHODS } from './classes.js';
import { elementDetail, elementSummary, valuesCsv } from './element-json.js';
import { FREQUENCIES, LEVELS, MEASURE_TYPES } from './element-types.js';
import type { ElementsService } from './elements-service.js';

const level = z.enum(LEVELS as ['kota', 'kecamatan', 'kelurahan']).optional();
const period = z
  .string()
  .regex(/^(\d{4}(-\d{2}|-\d{4})?)?$/, 'must be YYYY, YYYY-MM or YYYY-YYYY')
  .optional();

/** Queries of the /api/elements endpoints; also feed the OpenAPI document. */
export function elementSearchQuery(maxLimit: number) {
  return z.object({
    q: z.string().max(200, 'must be at most 200 characters').optional(),
    agency: z.string().min(1).max(64).optional(),
    theme: z.string().min(1).max(64).optional(),
    level,
    period,
    limit: intParam(1, maxLimit).default(50),
    offset: intParam(0, 1_000_000).default(0),
  });
}
/** A base period: values become the change since then. */
const since = z
  .string()
  .regex(/^(\d{4}(-\d{2}|-\d{4})?)?$/, 'must be YYYY, YYYY-MM or YYYY-YYYY')
  .optional();
export const elementValuesQuery = z.object({ level, period, since, format: z.enum(['json', 'csv']).default('json') });
export const elementSeriesQuery = z.object({ code: z.string().min(2).max(20) });
export const elementSliceQuery = z.object({ level, period });
export const elementClassesQuery = z.object({
  level,
  period,
  since,
  method: z.enum(CLASS_METHODS).default('quantile'),
  k: intParam(2, 9).default(5),
});

const slug = z.string().regex(/^[a-z0-9][a-z0-9-]{1,119}$/, 'must be 2-120 lower-case letters, digits and hyphens');
/** Body of POST /api/elements: an element computed from layers; also feeds the OpenAPI document. */
export const derivedElementBody = z
  .object({
    slug,
    name: z.string().min(3).max(300),
    definition: z.string().max(5000).optional(),
    unit: z.string().min(1).max(60).optional(),
    agency: z.string().min(1).max(64),
    theme: z.string().min(1).max(64),
    classification: z.enum(['publik', 'terbatas']).optional(),
    license: z.string().max(200).optional(),
    keywords: z.array(z.string().min(1).max(60)).max(30).optional(),
    measure: z.enum(MEASURES),
    population: slug.optional(),
    sources: z
      .array(
        z
          .object({
            layer: slug,
            period: z.string().regex(/^\d{4}(-\d{2}|-\d{4})?$/, 'must be YYYY, YYYY-MM or YYYY-YYYY'),
          })
          .strict(),
      )
      .min(1)
      .max(100),
  })
  .strict();

/** Body of POST /api/elements without `measure`: an element whose values producers upload. */
export const elementBody = z
  .object({
    slug,
    name: z.string().min(3).max(300),
    definition: z.string().max(5000).optional(),
    unit: z.string().min(1).max(60),
    measureType: z.enum(MEASURE_TYPES as ['count']),
    frequency: z.enum(FREQUENCIES as ['tahunan']),
    agency: z.string().min(1).max(64),
    theme: z.string().min(1).max(64),
    custodian: z.string().max(200).optional(),
    source: z.string().max(1000).optional(),
    classification: z.enum(['publik', 'terbatas']).optional(),
    license: z.string().max(200).optional(),
    keywords: z.array(z.string().min(1).max(60)).max(30).optional(),
    notes: z.string().max(5000).optional(),
    caveats: z.array(z.string().min(1).max(1000)).max(30).optional(),
  })
  .strict();

export function elementRoutes(deps: AppDeps, service: ElementsService): Router {
  const router = Router();
  const base = (req: Request) => baseUrl(req, deps.config.publicUrl);
  const searchQuery = elementSearchQuery(deps.config.catalogMaxLimit);

  router.get('/elements', async (req, res) => {
    const q = parseQuery(req, searchQuery);
    const { total, items, facets } = await service.search(req.caller, q);
    const links: Link[] = [{ href: withQuery(req, deps.config.publicUrl, {}), rel: 'self', type: 'application/json' }];
    if (q.offset + items.length < total)
      links.push({
        href: withQuery(req, deps.config.publicUrl, { offset: q.offset + q.limit }),
        rel: 'next',
        type: 'application/json',
      });
    if (q.offset > 0)
      links.push({
        href: withQuery(req, deps.config.publicUrl, { offset: Math.max(0, q.offset - q.limit) || undefined }),
        rel: 'prev',
        type: 'application/json',
      });
    cacheFor(req, res, 60).json({ total, items: items.map((e) => elementSummary(e, base(req))), facets, links });
  });

  router.post('/elements', express.json({ limit: '64kb' }), async (req, res) => {
    requireToken(req.caller);
    parseQuery(req, z.object({}));
    const derived =
      typeof req.body === 'object' && req.body !== null && ('measure' in req.body || 'sources' in req.body);
    const element = derived
      ? await service.createDerived(
          req.caller,
          parseBody(
            derivedElementBody,
            req.body,
            'Computed from layers; required: slug, name, agency, theme, measure, sources [{ layer, period }]; see /api/openapi.json.',
            'invalid_element',
          ),
        )
      : await service.create(
          req.caller,
          parseBody(
            elementBody,
            req.body,
            'Required: slug, name, unit, measureType, frequency, agency, theme (or measure and sources for one computed from layers); see /api/openapi.json.',
            'invalid_element',
          ),
        );
    const { periods, derivation, sources } = await service.detail(req.caller, element.slug);
    res
      .status(201)
      .location(`${base(req)}/api/elements/${encodeURIComponent(element.slug)}`)
      .set('Cache-Control', 'no-store')
      .json(elementDetail(element, periods, base(req), derivation, sources));
  });

  router.get('/elements/:id', async (req, res) => {
    parseQuery(req, z.object({}));
    const { element, periods, derivation, sources } = await service.detail(req.caller, req.params.id);
    cacheFor(req, res, 60).json(elementDetail(element, periods, base(req), derivation, sources));
  });

  router.get('/elements/:id/values.csv', async (req, res) => {
    parseQuery(req, z.object({}));
    const { element, rows } = await service.allValues(req.caller, req.params.id);
    cacheFor(req, res, 60).type('text/csv; charset=utf-8').attachment(`${element.slug}.csv`).send(valuesCsv(rows));
  });

  router.get('/elements/:id/values', async (req, res) => {
    const q = parseQuery(req, elementValuesQuery);
    if (q.format === 'csv' && q.since !== undefined)
      throw badRequest('invalid_parameter', 'since is for the map (JSON); the CSV holds the values themselves.', {
        parameter: 'since',
        value: q.since,
      });
    const v = await service.values(req.caller, req.params.id, q.level, q.period, q.since);
    if (q.format === 'csv') {
      cacheFor(req, res, 60)
        .type('text/csv; charset=utf-8')
        .attachment(`${v.element.slug}-${v.level}-${v.period || 'tanpa-periode'}.csv`)
        .send(valuesCsv(v.rows.map((r) => ({ ...r, level: v.level, period: v.period }))));
      return;
    }
    cacheFor(req, res, 60).json({
      element: v.element.slug,
      unit: v.element.unit,
      level: v.level,
      period: v.period === '' ? null : v.period,
      ...(v.since !== null ? { since: v.since === '' ? null : v.since, change: true } : {}),
      total: v.rows.length,
      items: v.rows,
      links: [{ href: withQuery(req, deps.config.publicUrl, {}), rel: 'self', type: 'application/json' }],
    });
  });

  router.get('/elements/:id/series', async (req, res) => {
    const q = parseQuery(req, elementSeriesQuery);
    const r = await service.series(req.caller, req.params.id, q.code);
    cacheFor(req, res, 60).json({
      element: r.element.slug,
      unit: r.element.unit,
      district: { code: r.district.code, name: r.district.name, level: r.district.level },
      items: r.items.map((i) => ({ ...i, period: i.period === '' ? null : i.period })),
    });
  });

  router.get('/elements/:id/geojson', async (req, res) => {
    const q = parseQuery(req, elementSliceQuery);
    const g = await service.geojson(req.caller, req.params.id, q.level, q.period);
    cacheFor(req, res, 60)
      .type('application/geo+json')
      .send(
        `{"type":"FeatureCollection","element":${JSON.stringify(g.element.slug)},"unit":${JSON.stringify(g.element.unit)},` +
          `"level":${JSON.stringify(g.level)},"period":${JSON.stringify(g.period === '' ? null : g.period)},"features":[${g.features}]}`,
      );
  });

  router.get('/elements/:id/classes', async (req, res) => {
    const q = parseQuery(req, elementClassesQuery);
    const c = await service.classes(req.caller, req.params.id, q.method, q.k, q.level, q.period, q.since);
    cacheFor(req, res, 60).json({
      element: c.element.slug,
      unit: c.element.unit,
      level: c.level,
      period: c.period === '' ? null : c.period,
      ...(c.since !== null ? { since: c.since === '' ? null : c.since, change: true } : {}),
      method: c.method,
      k: c.k,
      breaks: c.breaks,
      classes: c.classes,
      noData: c.noData,
    });
  });

  router.get('/districts/:code/profile', async (req, res) => {
    parseQuery(req, z.object({}));
    const p = await service.profile(req.caller, req.params.code);
    cacheFor(req, res, 60).json({
      district: p.district,
      total: p.elements.length,
      elements: p.elements,
      layers: p.layers,
    });
  });

  return router;
}
