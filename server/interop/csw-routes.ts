import express, { Router, type Request } from 'express';
import type { AppDeps } from '../app-deps.js';
import { AppError } from '../http/app-error.js';
import { baseUrl } from '../http/links.js';
import { owsExceptionReport } from '../http/ows-exception.js';
import { OWS10_NS } from './csw-capabilities.js';
import { kvpRequest, xmlRequest } from './csw-request.js';
import type { CswService } from './csw-service.js';
import type { NodeStatusService } from './node-status.js';

const XML = 'application/xml; charset=utf-8';

/** CSW 2.0.2 at /csw (GET KVP and POST XML), each layer's ISO 19139 record, and the node self-check. */
export function cswRoutes(deps: AppDeps, csw: CswService, nodeStatus: NodeStatusService): Router {
  const router = Router();
  const root = (req: Request) => baseUrl(req, deps.config.publicUrl);

  router.get('/csw', async (req, res) => {
    res.type(XML).send(await csw.answer(req.caller, kvpRequest(req.query), root(req)));
  });
  router.post('/csw', express.text({ type: () => true, limit: '1mb' }), async (req, res) => {
    if (typeof req.body !== 'string' || req.body.trim() === '')
      throw new AppError(400, 'missing_parameter', 'POST /csw takes a CSW request XML document as its body.', {
        parameter: 'body',
      });
    res.type(XML).send(await csw.answer(req.caller, xmlRequest(req.body), root(req)));
  });
  router.use('/csw', owsExceptionReport(OWS10_NS, '1.2.0'));

  // The node self-check: what national monitoring would probe, at PUBLIC_URL, else at this
  // server's own socket (never at the request's Host header: that would let a caller point the
  // probes at another machine).
  router.get('/api/node-status', async (req, res) => {
    const local = req.socket.localAddress ?? '127.0.0.1';
    const self = `http://${local.includes(':') ? `[${local}]` : local}:${req.socket.localPort ?? 80}`;
    res.set('Cache-Control', 'no-store').json(await nodeStatus.report(deps.config.publicUrl ?? self));
  });

  router.get('/api/layers/:id/metadata.xml', async (req, res) => {
    const { slug, xml } = await csw.metadataXml(req.caller, req.params.id, root(req));
    res.type(XML).set('Content-Disposition', `inline; filename="${slug}.xml"`).send(xml);
  });
  router.get('/api/elements/:id/metadata.xml', async (req, res) => {
    const { slug, xml } = await csw.elementMetadataXml(req.caller, req.params.id, root(req));
    res.type(XML).set('Content-Disposition', `inline; filename="elemen-${slug}.xml"`).send(xml);
  });
  return router;
}
