import { Router, type Request } from 'express';
import { z } from 'zod';
import type { AppDeps } from '../app-deps.js';
import { pageLinks } from '../features/routes.js';
import { cacheFor } from '../auth/caller.js';
import { withMembers, writeFeatureCollection } from '../features/geojson-writer.js';
import { badRequest } from '../http/app-error.js';
import { notModified, versionEtag } from '../http/etag.js';
import { baseUrl, withQuery, type Link } from '../http/links.js';
import { parseQuery } from '../http/query.js';
import { ogcHtml } from './html.js';
import {
  CONFORMANCE,
  GEOJSON,
  JSON_TYPE,
  OPENAPI_TYPE,
  collectionJson,
  htmlAlternate,
  queryablesJson,
} from './ogc-json.js';
import { ogcOpenApi } from './ogc-openapi.js';
import type { OgcService } from './ogc-service.js';

const FORMAT = z.object({ f: z.enum(['json', 'html']).optional() });
/** Clients such as OWSLib send a list as repeated keys (properties=a&properties=b). */
const LIST_PARAMETERS = ['properties', 'sortby'];

/** The items query as single strings: lists joined, anything else given twice is a 400. */
function itemsQuery(req: Request): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.query as Record<string, unknown>)) {
    if (Array.isArray(v) && LIST_PARAMETERS.includes(k) && v.every((x) => typeof x === 'string')) out[k] = v.join(',');
    else if (typeof v === 'string') out[k] = v;
    else throw badRequest('invalid_parameter', `Query parameter "${k}" must be given once.`, { parameter: k });
  }
  if (out.f !== undefined && out.f !== 'json' && out.f !== 'html')
    throw badRequest('invalid_parameter', 'f must be json or html.', { parameter: 'f', value: out.f });
  return out;
}

/** OGC API - Features (Part 1 core + GeoJSON + HTML, Part 3 filtering) under /ogc. */
export function ogcRoutes(deps: AppDeps, ogc: OgcService): Router {
  const router = Router();
  router.use('/ogc', ogcHtml());
  const root = (req: Request) => baseUrl(req, deps.config.publicUrl);
  const base = (req: Request) => `${root(req)}/ogc`;
  const collectionUrl = (req: Request, slug: string) => `${base(req)}/collections/${encodeURIComponent(slug)}`;

  router.get('/ogc', (req, res) => {
    parseQuery(req, FORMAT);
    const b = base(req);
    const links: Link[] = [
      { href: b, rel: 'self', type: JSON_TYPE, title: 'Landing page' },
      htmlAlternate(b),
      { href: `${b}/conformance`, rel: 'conformance', type: JSON_TYPE, title: 'Conformance classes' },
      { href: `${b}/collections`, rel: 'data', type: JSON_TYPE, title: 'Collections' },
      { href: `${b}/api`, rel: 'service-desc', type: OPENAPI_TYPE, title: 'OpenAPI 3.0 definition of /ogc' },
      { href: `${b}/api?f=html`, rel: 'service-doc', type: 'text/html', title: 'Browse as HTML' },
    ];
    res.json({
      title: 'Satu Peta Kota Tangerang — OGC API Features',
      description: 'Lapisan geospasial publik Kota Tangerang (Satu Data Satu Peta).',
      links,
    });
  });

  router.get('/ogc/api', async (req, res) => {
    parseQuery(req, FORMAT);
    const doc = ogcOpenApi(base(req), await ogc.collections(req.caller), ogc.limits);
    res.type(OPENAPI_TYPE).send(JSON.stringify(doc));
  });

  router.get('/ogc/conformance', (req, res) => {
    parseQuery(req, FORMAT);
    res.json({
      conformsTo: CONFORMANCE,
      links: [
        { href: `${base(req)}/conformance`, rel: 'self', type: JSON_TYPE },
        htmlAlternate(`${base(req)}/conformance`),
      ],
    });
  });

  router.get('/ogc/collections', async (req, res) => {
    parseQuery(req, FORMAT);
    const layers = await ogc.collections(req.caller);
    const self = `${base(req)}/collections`;
    res.json({
      links: [{ href: self, rel: 'self', type: JSON_TYPE, title: 'Collections' }, htmlAlternate(self)],
      collections: layers.map((l) => collectionJson(l, root(req))),
    });
  });

  router.get('/ogc/collections/:collectionId', async (req, res) => {
    parseQuery(req, FORMAT);
    res.json(collectionJson(await ogc.collection(req.caller, req.params.collectionId), root(req)));
  });

  router.get('/ogc/collections/:collectionId/queryables', async (req, res) => {
    parseQuery(req, FORMAT);
    const layer = await ogc.collection(req.caller, req.params.collectionId);
    res
      .type('application/schema+json')
      .send(JSON.stringify(queryablesJson(layer, `${collectionUrl(req, layer.slug)}/queryables`)));
  });

  router.get('/ogc/collections/:collectionId/items', async (req, res) => {
    const page = await ogc.items(req.caller, req.params.collectionId, itemsQuery(req));
    const links = [
      ...pageLinks(req, deps.config.publicUrl, page, GEOJSON),
      htmlAlternate(withQuery(req, deps.config.publicUrl, {})),
      { href: collectionUrl(req, page.layer.slug), rel: 'collection', type: JSON_TYPE, title: 'The collection' },
    ];
    cacheFor(req, res, 60);
    // A function of the data version and the URL: no body is hashed to tag it.
    if (notModified(req, res, versionEtag(req, page.layer.dataVersion))) return;
    writeFeatureCollection(
      res,
      {
        timeStamp: new Date().toISOString(),
        numberMatched: page.numberMatched,
        numberReturned: page.numberReturned,
      },
      links,
      page.features,
    );
  });

  router.get('/ogc/collections/:collectionId/items/:featureId', async (req, res) => {
    parseQuery(req, FORMAT);
    const { layer, feature } = await ogc.item(req.caller, req.params.collectionId, req.params.featureId);
    const self = `${collectionUrl(req, layer.slug)}/items/${encodeURIComponent(req.params.featureId)}`;
    const links: Link[] = [
      { href: self, rel: 'self', type: GEOJSON, title: 'This feature' },
      htmlAlternate(self, 'This feature as HTML'),
      { href: collectionUrl(req, layer.slug), rel: 'collection', type: JSON_TYPE, title: 'The collection' },
    ];
    cacheFor(req, res, 60).type(GEOJSON).send(withMembers(feature, { links }));
  });

  return router;
}
