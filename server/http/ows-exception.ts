import type { ErrorRequestHandler } from 'express';
import { AppError } from './app-error.js';
import { esc } from './xml.js';

/** OWS exception codes (OGC 06-121r3, table 25) for our error codes. */
function owsCode(e: AppError): string {
  if (e.code === 'missing_parameter') return 'MissingParameterValue';
  if (e.code === 'operation_not_supported') return 'OperationNotSupported';
  if (e.code === 'version_not_supported') return 'VersionNegotiationFailed';
  return e.status >= 500 ? 'NoApplicableCode' : 'InvalidParameterValue';
}

/**
 * Our errors as an ows:ExceptionReport (OWS 1.1 for WFS 2.0, OWS 1.0 for CSW 2.0.2) with the same
 * HTTP status, the parameter as locator and our stable code as the second ExceptionText; any
 * other error goes on to the JSON handler.
 */
export function owsExceptionReport(namespace: string, version: string): ErrorRequestHandler {
  // OWS 1.0 names the language attribute `language`, OWS 1.1 `xml:lang`.
  const lang = version.startsWith('1.') ? 'language' : 'xml:lang';
  return (err: unknown, _req, res, next) => {
    if (!(err instanceof AppError) || res.headersSent) {
      next(err);
      return;
    }
    const locator = typeof err.details.parameter === 'string' ? ` locator="${esc(err.details.parameter)}"` : '';
    res
      .status(err.status)
      .type('application/xml; charset=utf-8')
      .send(
        `<?xml version="1.0" encoding="UTF-8"?>\n<ows:ExceptionReport xmlns:ows="${namespace}" version="${version}" ${lang}="en">` +
          `<ows:Exception exceptionCode="${owsCode(err)}"${locator}><ows:ExceptionText>${esc(err.message)}</ows:ExceptionText>` +
          `<ows:ExceptionText>code: ${err.code}</ows:ExceptionText></ows:Exception></ows:ExceptionReport>\n`,
      );
  };
}
