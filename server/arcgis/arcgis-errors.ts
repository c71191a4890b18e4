import type { AppError } from '../http/app-error.js';
import type { ErrorAnswer } from '../http/error-middleware.js';

/** ArcGIS's own codes for token trouble: clients ask for a token on 499 and for a new one on 498. */
const ARCGIS_CODES: Partial<Record<AppError['code'], number>> = {
  authentication_required: 499,
  invalid_authorization: 498,
  invalid_token: 498,
};

/**
 * Errors as ArcGIS clients read them: `{"error": {"code", "message", "details": [...]}}` with
 * HTTP 200, because ArcGIS JS, esri-leaflet and GDAL take the message from the body of a 200
 * answer (ArcGIS Server answers so). Our stable error code is `messageCode` (ArcGIS has that
 * member for its own codes) and the request id is there to quote. Server faults (5xx) keep their
 * real status, so monitoring, retries and Retry-After still see them.
 */
export const arcgisErrorAnswer: ErrorAnswer = (e, requestId) => ({
  status: e.status >= 500 ? e.status : 200,
  body: {
    error: {
      code: ARCGIS_CODES[e.code] ?? e.status,
      message: e.message,
      details: Object.entries(e.details).map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`),
      messageCode: e.code,
      requestId,
    },
  },
});
