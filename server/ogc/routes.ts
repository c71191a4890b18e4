import { Router, type Request } from 'express';
import { z } from 'zod';
import type { AppDeps } from '../app-deps.js';
import type { CatalogService } from '../catalog/catalog-service.js';
import type { LayerRecord } from '../catalog/layer-types.js';
import { badRequest, notFound } from '../http/app-error.js';
import { baseUrl, withQuery, type Link } from '../http/links.js';
import { parseQuery } from '../http/query.js';
import { collectionJson, CONFORMANCE, GEOJSON, JSON_TYPE } from './ogc-json.js';
import { ogcHtml } from './html.js';
import { OgcService } from './ogc-service.js';
import { webMercatorQuad, WEB_MERCATOR_QUAD_URI } from './tile-matrix-set.js';
import { parseTileCoord, MAX_ZOOM } from '../tiles/tile-coords.js';
import { writeTile } from '../tiles/tile-response.js';
import type { TilesService } from '../tiles/tiles-service.js';

const FORMAT = z.object({ f: z.enum(['json', 'html']).optional() });

/** OGC API - Features (Part 1 core + GeoJSON, Part 3 filtering) and - Tiles (vector, WebMercatorQuad) under /ogc. */
export function ogcRoutes(deps: AppDeps, catalog: CatalogService, tiles: TilesService): Router {
  const router = Router();
  router.use('/ogc', ogcHtml());
  const service = new OgcService(deps.db.knex, catalog);
  const base = (req: Request) => `${baseUrl(req, deps.config.publicUrl)}/ogc`;

  router.get('/ogc', (req, res) => {
    parseQuery(req, FORMAT);
    const b = base(req);
    const links: Link[] = [
      { href: b, rel: 'self', type: JSON_TYPE, title: 'Landing page' },
      { href: `${b}/conformance`, rel: 'conformance', type: JSON_TYPE, title: 'Conformance classes' },
      { href: `${b}/collections`, rel: 'data', type: JSON_TYPE, title: 'Collections' },
      { href: `${baseUrl(req, deps.config.publicUrl)}/api/openapi.json`, rel: 'service-desc', type: 'application/vnd.oai.openapi+json;version=3.0', title: 'OpenAPI 3.0 definition' },
      { href: `${baseUrl(req, deps.config.publicUrl)}/ogc?f=html`, rel: 'service-doc', type: 'text/html', title: 'Browse as HTML' },
    ];
    res.json({ title: 'Satu Peta Kota Tangerang — OGC API Features', description: 'Lapisan geospasial publik Kota Tangerang (Satu Data Satu Peta).', links });
  });

  router.get('/ogc/conformance', (req, res) => {
    parseQuery(req, FORMAT);
    res.json({ conformsTo: CONFORMANCE });
  });

  router.get('/ogc/collections', async (req, res) => {
    parseQuery(req, FORMAT);
    const layers = await service.collections(req.caller);
    const root = baseUrl(req, deps.config.publicUrl);
    res.json({
      links: [{ href: `${base(req)}/collections`, rel: 'self', type: JSON_TYPE }],
      collections: layers.map((l) => collectionJson(l, root)),
    });
  });

  router.get('/ogc/collections/:collectionId', async (req, res) => {
    parseQuery(req, FORMAT);
    res.json(collectionJson(await service.collection(req.caller, req.params.collectionId), baseUrl(req, deps.config.publicUrl)));
  });

  router.get('/ogc/collections/:collectionId/queryables', async (req, res) => {
    parseQuery(req, FORMAT);
    const layer = await service.collection(req.caller, req.params.collectionId);
    const types: Record<string, object> = { string: { type: 'string' }, integer: { type: 'integer' }, number: { type: 'number' }, boolean: { type: 'boolean' }, date: { type: 'string', format: 'date' } };
    res.type('application/schema+json').json({
      $schema: 'https://json-schema.org/draft/2019-09/schema',
      $id: `${base(req)}/collections/${encodeURIComponent(layer.slug)}/queryables`,
      type: 'object',
      title: layer.title,
      properties: Object.fromEntries(layer.fields.map((f) => [f.name, { title: f.name, ...types[f.type] }])),
    });
  });

  router.get('/ogc/collections/:collectionId/items', async (req, res) => {
    const query = req.query as Record<string, unknown>;
    for (const [k, v] of Object.entries(query)) {
      if (typeof v !== 'string') throw badRequest('invalid_parameter', `Query parameter "${k}" must be given once.`, { parameter: k });
    }
    if (query.f !== undefined && query.f !== 'json' && query.f !== 'html') throw badRequest('invalid_parameter', 'f must be json or html.', { parameter: 'f' });
    const page = await service.items(req.caller, req.params.collectionId, query as Record<string, string>);
    const links: Link[] = [
      { href: withQuery(req, deps.config.publicUrl, {}), rel: 'self', type: GEOJSON, title: 'This page' },
      { href: `${base(req)}/collections/${encodeURIComponent(page.layer.slug)}`, rel: 'collection', type: JSON_TYPE, title: 'The collection' },
    ];
    if (page.next !== null) links.push({ href: withQuery(req, deps.config.publicUrl, { after: page.next, limit: page.limit }), rel: 'next', type: GEOJSON, title: 'Next page' });
    if (page.prev !== null) links.push({ href: withQuery(req, deps.config.publicUrl, { after: page.prev || undefined, limit: page.limit }), rel: 'prev', type: GEOJSON, title: 'Previous page' });
    links.push({ href: withQuery(req, deps.config.publicUrl, { f: 'html' }), rel: 'alternate', type: 'text/html', title: 'This page as HTML' });
    res.type(GEOJSON).send(
      `{"type":"FeatureCollection","timeStamp":${JSON.stringify(new Date().toISOString())},"numberMatched":${page.numberMatched},` +
      `"numberReturned":${page.numberReturned},"links":${JSON.stringify(links)},"features":[${page.features}]}`,
    );
  });

  router.get('/ogc/tileMatrixSets', (req, res) => {
    parseQuery(req, FORMAT);
    res.json({ tileMatrixSets: [{ id: 'WebMercatorQuad', title: 'Google Maps Compatible for the World', uri: WEB_MERCATOR_QUAD_URI,
      links: [{ href: `${base(req)}/tileMatrixSets/WebMercatorQuad`, rel: 'self', type: JSON_TYPE }] }] });
  });

  router.get('/ogc/tileMatrixSets/:tileMatrixSetId', (req, res) => {
    parseQuery(req, FORMAT);
    if (req.params.tileMatrixSetId !== 'WebMercatorQuad') throw notFound('tile_matrix_set_not_found', 'Only WebMercatorQuad is offered: /ogc/tileMatrixSets.', { parameter: 'tileMatrixSetId' });
    res.json(webMercatorQuad(MAX_ZOOM));
  });

  /** The one tileset of a collection (WebMercatorQuad), as listed and as its own resource. */
  const tileset = (req: Request, layer: LayerRecord) => {
    const self = `${base(req)}/collections/${encodeURIComponent(layer.slug)}/tiles`;
    return {
      title: layer.title, dataType: 'vector', crs: 'http://www.opengis.net/def/crs/EPSG/0/3857', tileMatrixSetURI: WEB_MERCATOR_QUAD_URI,
      links: [
        { href: `${self}/WebMercatorQuad`, rel: 'self', type: JSON_TYPE },
        { href: `${base(req)}/tileMatrixSets/WebMercatorQuad`, rel: 'http://www.opengis.net/def/rel/ogc/1.0/tiling-scheme', type: JSON_TYPE },
        { href: `${self}/WebMercatorQuad/{tileMatrix}/{tileRow}/{tileCol}`, rel: 'item', type: 'application/vnd.mapbox-vector-tile', templated: true },
      ],
    };
  };

  router.get('/ogc/collections/:collectionId/tiles', async (req, res) => {
    parseQuery(req, FORMAT);
    const layer = await service.collection(req.caller, req.params.collectionId);
    res.json({ links: [{ href: `${base(req)}/collections/${encodeURIComponent(layer.slug)}/tiles`, rel: 'self', type: JSON_TYPE }], tilesets: [tileset(req, layer)] });
  });

  router.get('/ogc/collections/:collectionId/tiles/:tileMatrixSetId', async (req, res) => {
    parseQuery(req, FORMAT);
    const layer = await service.collection(req.caller, req.params.collectionId);
    if (req.params.tileMatrixSetId !== 'WebMercatorQuad') throw notFound('tile_matrix_set_not_found', 'Only WebMercatorQuad is offered: /ogc/tileMatrixSets.', { parameter: 'tileMatrixSetId' });
    res.json({ ...tileset(req, layer), minTileMatrix: String(layer.minZoom), maxTileMatrix: String(MAX_ZOOM), layers: [{ id: layer.slug, dataType: 'vector', geometryDimension: { Point: 0, LineString: 1, Polygon: 2 }[layer.geometryType] }] });
  });

  router.get('/ogc/collections/:collectionId/tiles/:tileMatrixSetId/:tileMatrix/:tileRow/:tileCol', async (req, res) => {
    parseQuery(req, FORMAT);
    if (req.params.tileMatrixSetId !== 'WebMercatorQuad') throw notFound('tile_matrix_set_not_found', 'Only WebMercatorQuad is offered: /ogc/tileMatrixSets.', { parameter: 'tileMatrixSetId' });
    const layer = await service.collection(req.caller, req.params.collectionId);
    const coord = parseTileCoord(req.params.tileMatrix, req.params.tileCol, req.params.tileRow);
    const acceptGzip = /\bgzip\b/.test(req.headers['accept-encoding'] ?? '');
    writeTile(res, await tiles.tile(req.caller, layer.slug, coord, undefined, acceptGzip, req.headers['if-none-match']), undefined, req.caller.kind === 'anonymous');
  });

  router.get('/ogc/collections/:collectionId/items/:featureId', async (req, res) => {
    parseQuery(req, FORMAT);
    const { feature } = await service.item(req.caller, req.params.collectionId, req.params.featureId);
    res.type(GEOJSON).send(feature);
  });

  return router;
}
