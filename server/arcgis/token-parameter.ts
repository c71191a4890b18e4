import express, { type RequestHandler } from 'express';

/**
 * ArcGIS clients send a token as the `token` parameter (esri-leaflet's and ArcGIS JS's token
 * option), in the query string or, for POSTed queries, in the form body. Mounted at
 * /arcgis/rest before the caller is identified, it reads the form and hands such a token on as
 * `Authorization: Bearer <token>`, so it goes through the same checks, failure counting and
 * private caching as any token (an Authorization header sent as well wins).
 */
export function tokenParameter(): RequestHandler[] {
  return [
    express.urlencoded({ extended: false, limit: '2mb', parameterLimit: 1000 }),
    (req, _res, next) => {
      if (req.headers.authorization === undefined) {
        const token = [req.query, req.body as unknown]
          .flatMap((source) => (source && typeof source === 'object' ? Object.entries(source) : []))
          .find(([k, v]) => k.toLowerCase() === 'token' && typeof v === 'string' && v !== '')?.[1] as
          string | undefined;
        if (token !== undefined) req.headers.authorization = `Bearer ${token}`;
      }
      next();
    },
  ];
}
