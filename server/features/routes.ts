import fs from 'node:fs/promises';
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { AppDeps } from '../app-deps.js';
import { cacheFor } from '../auth/caller.js';
import { badRequest, notFound } from '../http/app-error.js';
import { notModified, versionEtag } from '../http/etag.js';
import { withQuery, type Link } from '../http/links.js';
import { intParam, parseQuery } from '../http/query.js';
import { buildFeatureQuery, type FeatureQuery, type LimitPolicy } from './feature-query.js';
import type { FeaturePage, FeaturesService, PageCursor } from './features-service.js';
import { csvHeader, csvRows } from './csv-writer.js';
import { GEOJSON, writeFeatureCollection } from './geojson-writer.js';
import type { VersionsService } from '../ingest/versions-service.js';

/** Query of GET /api/layers/{id}/features; also feeds the OpenAPI document. */
export const featuresQuery = z.object({
  bbox: z.string().max(400).optional().describe('minLon,minLat,maxLon,maxLat (EPSG:4326); features that intersect it'),
  district: z.string().max(20).optional().describe('Kemendagri code of a kecamatan or kelurahan'),
  clip: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
  properties: z.string().max(2000).optional().describe('Property names to keep, comma-separated'),
  filter: z.string().max(20_000).optional().describe('CQL2 filter (text, or JSON with filter-lang=cql2-json)'),
  'filter-lang': z.enum(['cql2-text', 'cql2-json']).optional(),
  datetime: z
    .string()
    .max(100)
    .optional()
    .describe("RFC 3339 date or interval, against the layer's first date property"),
  sortby: z.string().max(500).optional().describe('Property names, "-" for descending, e.g. -luas_km2,nama'),
  // The cap is checked by buildFeatureQuery so the error can say what it is.
  limit: intParam(1, 1_000_000_000).optional(),
  after: intParam(0, 2_147_483_647).default(0).describe('Cursor from the next link (feature id order)'),
  offset: intParam(0, 100_000_000).default(0).describe('Features to skip (with sortby, or instead of the cursor)'),
  version: z
    .string()
    .regex(/^(draft|[1-9]\d{0,8})$/, 'must be a version number or "draft"')
    .transform((v) => (v === 'draft' ? ('draft' as const) : Number(v)))
    .optional()
    .describe(
      'A kept version of the layer (see /api/layers/{id}/versions), or "draft" (its open draft, for who may see it); the current one when absent',
    ),
});

/** Query of the whole-layer downloads: optionally only inside a district, clipped to it on request. */
export const downloadQuery = z.object({
  district: z
    .string()
    .max(20)
    .optional()
    .describe('Kemendagri code: only the features inside this kecamatan or kelurahan'),
  clip: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true')
    .describe('With district: cut geometries at its boundary'),
});

/** A download's file name: the layer id, and the district it was cut to. */
function downloadName(slug: string, req: Request): string {
  const d = typeof req.query.district === 'string' ? req.query.district.replace(/[^0-9.]/g, '') : '';
  return d ? `${slug}-${d}` : slug;
}

/** Sends a file as the body, a chunk at a time, stopping when the client goes away. */
async function streamFile(res: Response, file: string): Promise<void> {
  const handle = await fs.open(file);
  try {
    for await (const chunk of handle.createReadStream({ highWaterMark: 256 * 1024 })) {
      if (res.destroyed) return;
      await writeOrWait(res, chunk as Buffer);
    }
    res.end();
  } finally {
    await handle.close().catch(() => undefined);
  }
}

/** The query parameters of a page link: the cursor replaces the other way of paging. */
export function cursorParams(c: PageCursor, limit: number): Record<string, number | undefined> {
  return 'after' in c
    ? { after: c.after || undefined, offset: undefined, limit }
    : { offset: c.offset || undefined, after: undefined, limit };
}

/** self/next/prev links of a page, each of the given media type. */
export function pageLinks(req: Request, publicUrl: string | undefined, page: FeaturePage, type: string): Link[] {
  const links: Link[] = [{ href: withQuery(req, publicUrl, {}), rel: 'self', type, title: 'This page' }];
  if (page.next)
    links.push({
      href: withQuery(req, publicUrl, cursorParams(page.next, page.limit)),
      rel: 'next',
      type,
      title: 'Next page',
    });
  if (page.prev)
    links.push({
      href: withQuery(req, publicUrl, cursorParams(page.prev, page.limit)),
      rel: 'prev',
      type,
      title: 'Previous page',
    });
  return links;
}

export function featureRoutes(deps: AppDeps, features: FeaturesService, versions: VersionsService): Router {
  const router = Router();
  const policy: LimitPolicy = {
    defaultLimit: deps.config.featuresDefaultLimit,
    maxLimit: deps.config.featuresMaxLimit,
    overMax: 'reject',
  };

  router.get('/layers/:id/features', async (req, res) => {
    const q = parseQuery(req, featuresQuery);
    const layer =
      q.version === undefined
        ? await features.layer(req.caller, req.params.id)
        : await versions.layerAt(req.caller, req.params.id, q.version);
    const query = buildFeatureQuery(layer, { ...q, filterLang: q['filter-lang'], bboxStyle: 'api' }, policy);
    // A shared cache may keep an anonymous page for a minute (public only with PUBLIC_URL); the
    // page is a function of the layer's data version and the URL, so that is its ETag.
    cacheFor(req, res, 60);
    if (notModified(req, res, versionEtag(req, layer.dataVersion))) return;
    const page = await features.page(query);
    writeFeatureCollection(
      res,
      {
        numberMatched: page.numberMatched,
        numberReturned: page.numberReturned,
        dataVersion: layer.dataVersion,
      },
      pageLinks(req, deps.config.publicUrl, page, GEOJSON),
      page.features,
    );
  });

  /**
   * The whole layer as one GeoJSON FeatureCollection, streamed a chunk at a time (no `limit`):
   * what CKAN resources and DCAT distributions link as the download.
   */
  /** A whole-layer download (or its part in a district): the layer, its snapshot stream, and the count read first from it. */
  const openDownload = async <T>(
    req: Request<{ id: string }>,
    open: (q: FeatureQuery) => AsyncGenerator<{ numberMatched: number } | T>,
  ) => {
    const q = parseQuery(req, downloadQuery);
    const layer = await features.layer(req.caller, req.params.id);
    const chunks = open(buildFeatureQuery(layer, { bboxStyle: 'api', ...q }, policy));
    const first = await chunks.next();
    const numberMatched =
      !first.done && typeof first.value === 'object' && first.value !== null && 'numberMatched' in first.value
        ? first.value.numberMatched
        : 0;
    return { layer, chunks, numberMatched };
  };

  router.get('/layers/:id/download.geojson', async (req, res) => {
    const { layer, chunks, numberMatched } = await openDownload(req, (q) => features.geojsonText(q));
    cacheFor(req, res, 60)
      .type(GEOJSON)
      .attachment(`${downloadName(layer.slug, req)}.geojson`)
      .set('ETag', versionEtag(req, layer.dataVersion));
    res.write(
      `{"type":"FeatureCollection","name":${JSON.stringify(layer.slug)},"numberMatched":${numberMatched},"dataVersion":${layer.dataVersion},"features":[`,
    );
    await streamChunks(res, chunks, (piece) => piece);
    if (!res.destroyed) res.end(']}');
  });

  /** The whole layer as CSV: fid, every field, the geometry as WKT (EPSG:4326), from the same snapshot stream. */
  router.get('/layers/:id/download.csv', async (req, res) => {
    const { layer, chunks, numberMatched } = await openDownload(req, (q) => features.download(q));
    cacheFor(req, res, 60)
      .type('text/csv; charset=utf-8')
      .attachment(`${downloadName(layer.slug, req)}.csv`)
      .set({ ETag: versionEtag(req, layer.dataVersion), 'X-Number-Matched': String(numberMatched) });
    // A byte-order mark, so spreadsheet programs read the file as UTF-8.
    res.write(`\ufeff${csvHeader(layer)}`);
    await streamChunks(res, chunks, (chunk) => csvRows(chunk, layer));
    if (!res.destroyed) res.end();
  });

  /**
   * The layer (or its part in a district) as a GeoPackage or a zipped Shapefile: built once per
   * data version and kept, so a second download of the same version is a file read.
   */
  const FILES = [
    ['gpkg', 'application/geopackage+sqlite3', (q: FeatureQuery) => features.geopackage(q)],
    ['shp.zip', 'application/zip', (q: FeatureQuery) => features.shapefile(q)],
  ] as const;
  for (const [ext, type, build] of FILES)
    router.get(`/layers/:id/download.${ext}`, async (req, res) => {
      const q = parseQuery(req, downloadQuery);
      const layer = await features.layer(req.caller, req.params.id);
      cacheFor(req, res, 60);
      if (notModified(req, res, versionEtag(req, layer.dataVersion))) return;
      const { file, size } = await build(buildFeatureQuery(layer, { bboxStyle: 'api', ...q }, policy));
      res
        .attachment(`${downloadName(layer.slug, req)}.${ext}`)
        .type(type)
        .set('Content-Length', String(size));
      await streamFile(res, file);
    });

  router.get('/layers/:id/features/:fid', async (req, res) => {
    const { version } = parseQuery(req, featuresQuery.pick({ version: true }));
    const fid = z
      .string()
      .regex(/^\d{1,9}$/)
      .transform(Number)
      .safeParse(req.params.fid);
    if (!fid.success || fid.data < 1) {
      throw badRequest('invalid_parameter', 'Feature id must be a positive whole number.', {
        parameter: 'fid',
        value: req.params.fid,
      });
    }
    const layer =
      version === undefined
        ? await features.layer(req.caller, req.params.id)
        : await versions.layerAt(req.caller, req.params.id, version);
    const feature = await features.one(layer, fid.data);
    if (!feature)
      throw notFound('feature_not_found', `Layer "${layer.slug}" has no feature with id ${fid.data}.`, {
        parameter: 'fid',
        value: fid.data,
      });
    cacheFor(req, res, 60).type(GEOJSON).send(feature);
  });

  return router;
}

/**
 * Writes a download's chunks as they come, waiting for the client to drain; a client that went
 * away ends the loop, which closes the snapshot (the generator's finally).
 */
async function streamChunks<T extends string | Buffer>(
  res: Response,
  chunks: AsyncGenerator<{ numberMatched: number } | T>,
  encode: (chunk: T) => string | Buffer,
): Promise<void> {
  for await (const chunk of chunks) {
    if (typeof chunk !== 'string' && !Buffer.isBuffer(chunk)) continue;
    await writeOrWait(res, encode(chunk));
    if (res.destroyed) return;
  }
}

/** Who waits for each response to drain: one pair of listeners per response, however long it runs. */
const drainWaiters = new WeakMap<Response, Array<() => void>>();

/**
 * Writes to the response, and when its buffer is full waits until it drains or the client has
 * gone. The listeners are added once per response: with compression on, `drain` listeners live
 * on the gzip stream, where removing them through the response does not reach.
 */
async function writeOrWait(res: Response, chunk: string | Buffer): Promise<void> {
  if (res.write(chunk)) return;
  let waiters = drainWaiters.get(res);
  if (!waiters) {
    const list: Array<() => void> = [];
    const wake = () => list.splice(0).forEach((resolve) => resolve());
    res.on('drain', wake);
    res.on('close', wake);
    drainWaiters.set(res, list);
    waiters = list;
  }
  if (res.destroyed) return;
  await new Promise<void>((resolve) => waiters.push(resolve));
}
