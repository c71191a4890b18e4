import { Router, type Request, type RequestHandler, type Response } from 'express';
import type { AppDeps } from '../app-deps.js';
import { cacheFor } from '../auth/caller.js';
import { notModified, versionEtag } from '../http/etag.js';
import { baseUrl } from '../http/links.js';
import type { ArcgisService, QueryResult } from './arcgis-service.js';
import { folderJson, infoJson, layerJson, rootJson, serviceJson } from './layer-json.js';
import { format, readParams, type Format } from './query-params.js';
import { notFound } from '../http/app-error.js';

const ROOT = '/arcgis/rest';
const SERVICE = `${ROOT}/services/:folder/:service/FeatureServer`;
const JSON_TYPE = 'application/json; charset=utf-8';

function send(res: Response, f: Format, body: unknown): void {
  res
    .type(f === 'geojson' ? 'application/geo+json' : JSON_TYPE)
    .send(JSON.stringify(body, null, f === 'pjson' ? 2 : 0));
}

/** A query answer; a page of features is spliced from the texts the database wrote. */
function sendQuery(res: Response, r: QueryResult): void {
  if (r.kind === 'json') {
    send(res, r.format, r.body);
    return;
  }
  let text =
    r.format === 'geojson'
      ? `{"type":"FeatureCollection","features":[${r.features}]${r.exceededTransferLimit ? ',"properties":{"exceededTransferLimit":true}' : ''}}`
      : `${JSON.stringify({ ...r.head, exceededTransferLimit: r.exceededTransferLimit }).slice(0, -1)},"features":[${r.features}]}`;
  if (r.format === 'pjson') text = JSON.stringify(JSON.parse(text) as unknown, null, 2);
  res.type(r.format === 'geojson' ? 'application/geo+json' : JSON_TYPE).send(text);
}

/**
 * The GeoServices REST API (ArcGIS REST) at /arcgis/rest, read-only: the services directory
 * (info, folders by agency, one FeatureServer per visible layer) and layer queries, by GET or by
 * a POSTed form. Errors are written by arcgisErrorAnswer (mounted in app.ts).
 */
export function arcgisRoutes(deps: AppDeps, arcgis: ArcgisService): Router {
  const router = Router();
  const params = (req: Request) => readParams(req.query, req.body);
  /** GET and POST alike; a POSTed answer may be read by pages on other sites, as a GET's is. */
  const both = (path: string, handler: RequestHandler) => {
    router.get(path, handler);
    router.post(path, (req, res, next) => {
      res.set('Access-Control-Allow-Origin', '*');
      return handler(req, res, next);
    });
  };
  const directory = (req: Request, res: Response) => {
    if (req.method === 'GET') cacheFor(req, res, 60);
    return format(params(req), false);
  };

  both(`${ROOT}/info`, (req, res) => {
    send(res, directory(req, res), infoJson(`${baseUrl(req, deps.config.publicUrl)}/arcgis`));
  });
  both(`${ROOT}/services`, async (req, res) => {
    const f = directory(req, res);
    send(res, f, rootJson(await arcgis.folders(req.caller)));
  });
  both(`${ROOT}/services/:folder`, async (req, res) => {
    const f = directory(req, res);
    const folder = String(req.params.folder);
    send(res, f, folderJson(folder, await arcgis.folder(req.caller, folder)));
  });
  both(SERVICE, async (req, res) => {
    const f = directory(req, res);
    const layer = await arcgis.layer(req.caller, String(req.params.folder), String(req.params.service));
    send(res, f, serviceJson(layer, arcgis.maxRecordCount));
  });
  both(`${SERVICE}/layers`, async (req, res) => {
    const f = directory(req, res);
    const layer = await arcgis.layer(req.caller, String(req.params.folder), String(req.params.service));
    send(res, f, { layers: [layerJson(layer, arcgis.maxRecordCount)], tables: [] });
  });
  both(`${SERVICE}/:layer`, async (req, res) => {
    const f = directory(req, res);
    const { folder, service, layer: id } = req.params;
    send(
      res,
      f,
      layerJson(await arcgis.layer(req.caller, String(folder), String(service), String(id)), arcgis.maxRecordCount),
    );
  });
  both(`${SERVICE}/:layer/query`, async (req, res) => {
    const { folder, service, layer: id } = req.params;
    const layer = await arcgis.layer(req.caller, String(folder), String(service), String(id));
    if (req.method === 'GET') {
      // The answer is a function of the layer's data version and the URL, as feature pages are.
      cacheFor(req, res, 60);
      if (notModified(req, res, versionEtag(req, layer.dataVersion))) return;
    }
    sendQuery(res, await arcgis.query(layer, params(req)));
  });
  router.use(ROOT, (req) => {
    throw notFound('service_not_found', `No resource at ${ROOT}${req.path}. See ${ROOT}/services for the list.`, {
      path: `${ROOT}${req.path}`,
    });
  });
  return router;
}
