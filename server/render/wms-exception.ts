import type { ErrorRequestHandler } from 'express';
import { AppError } from '../http/app-error.js';
import { esc } from '../http/xml.js';
import type { WmsVersion } from './wms-params.js';

/** WMS exception codes (1.3.0 Annex A.3, 1.1.1 Annex A.5) for our error codes; others carry none. */
function wmsCode(e: AppError, version: WmsVersion): string | null {
  if (e.details.parameter === 'TIME') return 'InvalidDimensionValue';
  switch (e.code) {
    case 'layer_not_found':
      return 'LayerNotDefined';
    case 'unknown_crs':
      return version === '1.3.0' ? 'InvalidCRS' : 'InvalidSRS';
    case 'unknown_format':
      return 'InvalidFormat';
    case 'unknown_style':
      return 'StyleNotDefined';
    case 'invalid_point':
      return 'InvalidPoint';
    case 'operation_not_supported':
      return 'OperationNotSupported';
    default:
      return null;
  }
}

/** The request's WMS version as its exception report should be written (1.3.0 unless it says 1.1.x). */
function versionOf(query: Record<string, unknown>): WmsVersion {
  for (const [k, v] of Object.entries(query))
    if (/^(version|wmtver)$/i.test(k) && typeof v === 'string' && v.startsWith('1.1')) return '1.1.1';
  return '1.3.0';
}

/**
 * Our errors as a WMS ServiceExceptionReport with the same HTTP status, the WMS code where one
 * applies, the parameter as locator (1.3.0) and our stable code after the message.
 */
export function wmsExceptionReport(): ErrorRequestHandler {
  return (err: unknown, req, res, next) => {
    if (!(err instanceof AppError) || res.headersSent) {
      next(err);
      return;
    }
    const version = versionOf(req.query);
    const code = wmsCode(err, version);
    const attrs =
      (code ? ` code="${code}"` : '') +
      (version === '1.3.0' && typeof err.details.parameter === 'string'
        ? ` locator="${esc(err.details.parameter)}"`
        : '');
    const text = `${esc(err.message)} (code: ${err.code})`;
    const body =
      version === '1.3.0'
        ? `<ServiceExceptionReport version="1.3.0" xmlns="http://www.opengis.net/ogc" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" ` +
          `xsi:schemaLocation="http://www.opengis.net/ogc http://schemas.opengis.net/wms/1.3.0/exceptions_1_3_0.xsd">` +
          `<ServiceException${attrs}>${text}</ServiceException></ServiceExceptionReport>`
        : `<ServiceExceptionReport version="1.1.1"><ServiceException${attrs}>${text}</ServiceException></ServiceExceptionReport>`;
    res
      .status(err.status)
      .type(version === '1.3.0' ? 'text/xml; charset=utf-8' : 'application/vnd.ogc.se_xml; charset=utf-8')
      .send(`<?xml version="1.0" encoding="UTF-8"?>\n${body}\n`);
  };
}
