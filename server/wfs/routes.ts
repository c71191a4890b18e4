import express, { Router, type Request, type Response } from 'express';
import type { AppDeps } from '../app-deps.js';
import { writeFeatureCollection } from '../features/geojson-writer.js';
import { AppError } from '../http/app-error.js';
import { baseUrl } from '../http/links.js';
import {
  GML32_TYPE,
  GML311_NS,
  GML311_TYPE,
  FEATURE_NS,
  FEATURE_PREFIX,
  GML_NS,
  OWS_NS,
  WFS11_NS,
  WFS_NS,
  XSI_NS,
  type WfsVersion,
} from './wfs-names.js';
import { kvpParameters, required } from '../http/kvp.js';
import type { WfsService } from './wfs-service.js';
import { owsExceptionReport } from '../http/ows-exception.js';
import { esc, type XmlElement } from '../http/xml.js';
import { xmlGetFeature } from './wfs-xml-request.js';

const VERSIONS = ['2.0.0', '2.0.2', '1.1.0'];
const XML = 'application/xml; charset=utf-8';

/**
 * WFS 2.0.0 (KVP over GET, XML over POST) at /wfs, and WFS 1.1.0 when a request names that
 * version; errors are OWS ExceptionReports carrying our error code.
 */
export function wfsRoutes(deps: AppDeps, wfs: WfsService): Router {
  const router = Router();
  const root = (req: Request) => baseUrl(req, deps.config.publicUrl);

  const getFeature = async (req: Request, res: Response, kvp: Map<string, string>, filter?: XmlElement) => {
    const version = checkVersion(kvp);
    const result = await wfs.getFeature(req.caller, kvp, filter, version);
    const stamp = new Date().toISOString();
    if (result.kind === 'geojson') {
      const { page } = result;
      writeFeatureCollection(
        res,
        { timeStamp: stamp, numberMatched: page.numberMatched, numberReturned: page.numberReturned },
        [],
        page.features,
      );
      return;
    }
    if (version === '1.1.0') {
      sendCollection110(res, result, stamp, `${root(req)}/wfs`);
      return;
    }
    const open =
      `<?xml version="1.0" encoding="UTF-8"?>\n<wfs:FeatureCollection xmlns:wfs="${WFS_NS}" xmlns:gml="${GML_NS}" ` +
      `xmlns:${FEATURE_PREFIX}="${FEATURE_NS}" xmlns:xsi="${XSI_NS}" timeStamp="${stamp}"`;
    if (result.kind === 'hits') {
      res.type(GML32_TYPE).send(`${open} numberMatched="${result.numberMatched}" numberReturned="0"/>\n`);
      return;
    }
    const { page } = result;
    const schema = `${root(req)}/wfs?SERVICE=WFS&VERSION=2.0.0&REQUEST=DescribeFeatureType&TYPENAMES=${FEATURE_PREFIX}:${result.typeName}`;
    const pageUrl = (start: number) => esc(pagedUrl(req, root(req), start, page.limit));
    // Links repeat a GET's query; a POSTed query has no URL to page by, and COUNT=0 no next page.
    const linkable = req.method === 'GET' && page.limit > 0;
    const next = linkable && page.next ? ` next="${pageUrl(result.startIndex + page.limit)}"` : '';
    const prev =
      linkable && result.startIndex > 0 ? ` previous="${pageUrl(Math.max(0, result.startIndex - page.limit))}"` : '';
    res
      .type(GML32_TYPE)
      .send(
        `${open} numberMatched="${page.numberMatched}" numberReturned="${page.numberReturned}"${next}${prev} ` +
          `xsi:schemaLocation="${WFS_NS} http://schemas.opengis.net/wfs/2.0/wfs.xsd ${GML_NS} http://schemas.opengis.net/gml/3.2.1/gml.xsd ${FEATURE_NS} ${esc(schema)}">` +
          `${page.features}</wfs:FeatureCollection>\n`,
      );
  };

  router.get('/wfs', async (req, res) => {
    const kvp = kvpParameters(req.query);
    const service = kvp.get('SERVICE');
    if (service !== undefined && service.toUpperCase() !== 'WFS')
      throw new AppError(400, 'invalid_parameter', `SERVICE must be WFS, not "${service}".`, { parameter: 'SERVICE' });
    const request = required(kvp, 'REQUEST', '(GetCapabilities, DescribeFeatureType or GetFeature)');
    if (request.toLowerCase() === 'getcapabilities') {
      // The first version of ACCEPTVERSIONS we speak (OWS 1.1 negotiation), else VERSION, else 2.0.0.
      const accept = kvp.get('ACCEPTVERSIONS');
      const wanted = accept?.split(',').map((v) => v.trim()) ?? [kvp.get('VERSION') ?? '2.0.0'];
      const chosen = wanted.find((v) => VERSIONS.includes(v));
      if (chosen === undefined)
        throw new AppError(
          400,
          'version_not_supported',
          `This WFS speaks 2.0.0 and 1.1.0; ${accept !== undefined ? 'ACCEPTVERSIONS' : 'VERSION'} was "${accept ?? kvp.get('VERSION')}".`,
          { parameter: accept !== undefined ? 'ACCEPTVERSIONS' : 'VERSION' },
        );
      res
        .type(XML)
        .send(
          chosen === '1.1.0'
            ? await wfs.capabilities110(req.caller, root(req))
            : await wfs.capabilities(req.caller, root(req)),
        );
      return;
    }
    const version = checkVersion(kvp);
    if (request.toLowerCase() === 'describefeaturetype') {
      res
        .type(version === '1.1.0' ? GML311_TYPE : GML32_TYPE)
        .send(await wfs.describe(req.caller, kvp.get('TYPENAMES') ?? kvp.get('TYPENAME'), version));
      return;
    }
    if (request.toLowerCase() !== 'getfeature')
      throw new AppError(
        400,
        'operation_not_supported',
        `REQUEST=${request} is not offered: use GetCapabilities, DescribeFeatureType or GetFeature.`,
        {
          parameter: 'REQUEST',
        },
      );
    await getFeature(req, res, kvp);
  });

  // The XML encoding of GetFeature (OWSLib sends its filters this way).
  router.post('/wfs', express.text({ type: () => true, limit: '1mb' }), async (req, res) => {
    if (typeof req.body !== 'string' || req.body.trim() === '')
      throw new AppError(400, 'missing_parameter', 'POST /wfs takes a wfs:GetFeature XML document as its body.', {
        parameter: 'body',
      });
    const { kvp, filter } = xmlGetFeature(req.body);
    await getFeature(req, res, kvp, filter);
  });

  router.use('/wfs', owsExceptionReport(OWS_NS, '2.0.0'));
  return router;
}

/** The version a request speaks: 1.1.0 when it says so, else 2.0.0; another is refused. */
function checkVersion(kvp: Map<string, string>): WfsVersion {
  const service = kvp.get('SERVICE');
  if (service !== undefined && service.toUpperCase() !== 'WFS')
    throw new AppError(400, 'invalid_parameter', `SERVICE must be WFS, not "${service}".`, { parameter: 'SERVICE' });
  const version = kvp.get('VERSION');
  if (version !== undefined && !VERSIONS.includes(version))
    throw new AppError(400, 'version_not_supported', `This WFS speaks 2.0.0 and 1.1.0; VERSION was "${version}".`, {
      parameter: 'VERSION',
    });
  return version === '1.1.0' ? '1.1.0' : '2.0.0';
}

/**
 * A WFS 1.1.0 answer: a wfs:FeatureCollection whose numberOfFeatures is the count (hits) or the
 * features in it, members as gml:featureMember in GML 3.1.1; GeoJSON as for 2.0.
 */
function sendCollection110(
  res: Response,
  result: Awaited<ReturnType<WfsService['getFeature']>>,
  stamp: string,
  wfsUrl: string,
): void {
  const open =
    `<?xml version="1.0" encoding="UTF-8"?>\n<wfs:FeatureCollection xmlns:wfs="${WFS11_NS}" xmlns:gml="${GML311_NS}" ` +
    `xmlns:${FEATURE_PREFIX}="${FEATURE_NS}" xmlns:xsi="${XSI_NS}" timeStamp="${stamp}"`;
  if (result.kind === 'hits') {
    res.type(GML311_TYPE).send(`${open} numberOfFeatures="${result.numberMatched}"/>\n`);
    return;
  }
  if (result.kind === 'geojson') throw new Error('GeoJSON is written before this');
  const schema = `${wfsUrl}?SERVICE=WFS&VERSION=1.1.0&REQUEST=DescribeFeatureType&TYPENAME=${FEATURE_PREFIX}:${result.typeName}`;
  res
    .type(GML311_TYPE)
    .send(
      `${open} numberOfFeatures="${result.page.numberReturned}" ` +
        `xsi:schemaLocation="${WFS11_NS} http://schemas.opengis.net/wfs/1.1.0/wfs.xsd ${FEATURE_NS} ${esc(schema)}">` +
        `${result.page.features}</wfs:FeatureCollection>\n`,
    );
}

/** The request's URL with STARTINDEX and COUNT set, whatever case the client spelled them in. */
function pagedUrl(req: Request, root: string, start: number, count: number): string {
  const url = new URL(req.originalUrl, `${root}/`);
  const out = new URL(`${root}${url.pathname}`);
  url.searchParams.forEach((v, k) => {
    if (!['STARTINDEX', 'COUNT', 'MAXFEATURES'].includes(k.toUpperCase())) out.searchParams.set(k, v);
  });
  out.searchParams.set('STARTINDEX', String(start));
  out.searchParams.set('COUNT', String(count));
  return out.toString();
}
