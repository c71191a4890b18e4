import { Router } from 'express';
import type { AppDeps } from '../app-deps.js';
import { cacheFor } from '../auth/caller.js';
import { AppError } from '../http/app-error.js';
import { kvpParameters, required } from '../http/kvp.js';
import { baseUrl } from '../http/links.js';
import { wmsExceptionReport } from './wms-exception.js';
import type { WmsService } from './wms-service.js';

/** WMS 1.3.0 and 1.1.1 (KVP over GET) at /wms; errors are ServiceExceptionReports carrying our error code. */
export function wmsRoutes(deps: AppDeps, wms: WmsService): Router {
  const router = Router();

  router.get('/wms', async (req, res) => {
    const kvp = kvpParameters(req.query);
    const service = kvp.get('SERVICE');
    const request = required(kvp, 'REQUEST', '(GetCapabilities, GetMap, GetFeatureInfo or GetLegendGraphic)');
    // SERVICE may be left out of GetMap by 1.1.1 clients; when given it must say WMS.
    if (service !== undefined && service.toUpperCase() !== 'WMS')
      throw new AppError(400, 'invalid_parameter', `SERVICE must be WMS, not "${service}".`, { parameter: 'SERVICE' });
    switch (request.toLowerCase()) {
      case 'getcapabilities':
      case 'capabilities': {
        const xml = await wms.capabilities(req.caller, baseUrl(req, deps.config.publicUrl), kvp.get('VERSION'));
        const v111 = xml.includes('<WMT_MS_Capabilities');
        cacheFor(req, res, 60)
          .type(v111 ? 'application/vnd.ogc.wms_xml; charset=utf-8' : 'text/xml; charset=utf-8')
          .send(xml);
        return;
      }
      case 'getmap':
      case 'map': {
        const a = await wms.getMap(req.caller, kvp);
        cacheFor(req, res, 60).type(a.type).send(a.body);
        return;
      }
      case 'getfeatureinfo': {
        const a = await wms.getFeatureInfo(req.caller, kvp);
        cacheFor(req, res, 60).type(a.type).send(a.body);
        return;
      }
      case 'getlegendgraphic': {
        const a = await wms.legendGraphic(req.caller, kvp);
        cacheFor(req, res, 300).type(a.type).send(a.body);
        return;
      }
      default:
        throw new AppError(
          400,
          'operation_not_supported',
          `REQUEST=${request} is not offered: use GetCapabilities, GetMap, GetFeatureInfo or GetLegendGraphic.`,
          { parameter: 'REQUEST' },
        );
    }
  });

  router.use('/wms', wmsExceptionReport());
  return router;
}
