import { Router, type Request } from 'express';
import { z } from 'zod';
import type { AppDeps } from '../app-deps.js';
import type { LayerRecord } from '../catalog/layer-types.js';
import { notFound } from '../http/app-error.js';
import { baseUrl } from '../http/links.js';
import { parseQuery } from '../http/query.js';
import { parseTileCoord, MAX_ZOOM } from '../tiles/tile-coords.js';
import { writeTile } from '../tiles/tile-response.js';
import type { TilesService } from '../tiles/tiles-service.js';
import { JSON_TYPE } from './ogc-json.js';
import type { OgcService } from './ogc-service.js';
import { webMercatorQuad, WEB_MERCATOR_QUAD_URI } from './tile-matrix-set.js';

const FORMAT = z.object({ f: z.enum(['json', 'html']).optional() });

function onlyWebMercatorQuad(id: string): void {
  if (id !== 'WebMercatorQuad')
    throw notFound('tile_matrix_set_not_found', 'Only WebMercatorQuad is offered: /ogc/tileMatrixSets.', {
      parameter: 'tileMatrixSetId',
    });
}

/** OGC API - Tiles (vector, WebMercatorQuad) over the tile engine, for the same collections. */
export function ogcTileRoutes(deps: AppDeps, ogc: OgcService, tiles: TilesService): Router {
  const router = Router();
  const base = (req: Request) => `${baseUrl(req, deps.config.publicUrl)}/ogc`;

  router.get('/ogc/tileMatrixSets', (req, res) => {
    parseQuery(req, FORMAT);
    res.json({
      tileMatrixSets: [
        {
          id: 'WebMercatorQuad',
          title: 'Google Maps Compatible for the World',
          uri: WEB_MERCATOR_QUAD_URI,
          links: [{ href: `${base(req)}/tileMatrixSets/WebMercatorQuad`, rel: 'self', type: JSON_TYPE }],
        },
      ],
    });
  });

  router.get('/ogc/tileMatrixSets/:tileMatrixSetId', (req, res) => {
    parseQuery(req, FORMAT);
    onlyWebMercatorQuad(req.params.tileMatrixSetId);
    res.json(webMercatorQuad(MAX_ZOOM));
  });

  /** The one tileset of a collection (WebMercatorQuad), as listed and as its own resource. */
  const tileset = (req: Request, layer: LayerRecord) => {
    const self = `${base(req)}/collections/${encodeURIComponent(layer.slug)}/tiles`;
    return {
      title: layer.title,
      dataType: 'vector',
      crs: 'http://www.opengis.net/def/crs/EPSG/0/3857',
      tileMatrixSetURI: WEB_MERCATOR_QUAD_URI,
      links: [
        { href: `${self}/WebMercatorQuad`, rel: 'self', type: JSON_TYPE },
        {
          href: `${base(req)}/tileMatrixSets/WebMercatorQuad`,
          rel: 'http://www.opengis.net/def/rel/ogc/1.0/tiling-scheme',
          type: JSON_TYPE,
        },
        {
          href: `${self}/WebMercatorQuad/{tileMatrix}/{tileRow}/{tileCol}`,
          rel: 'item',
          type: 'application/vnd.mapbox-vector-tile',
          templated: true,
        },
      ],
    };
  };

  router.get('/ogc/collections/:collectionId/tiles', async (req, res) => {
    parseQuery(req, FORMAT);
    const layer = await ogc.collection(req.caller, req.params.collectionId);
    res.json({
      links: [
        { href: `${base(req)}/collections/${encodeURIComponent(layer.slug)}/tiles`, rel: 'self', type: JSON_TYPE },
      ],
      tilesets: [tileset(req, layer)],
    });
  });

  router.get('/ogc/collections/:collectionId/tiles/:tileMatrixSetId', async (req, res) => {
    parseQuery(req, FORMAT);
    const layer = await ogc.collection(req.caller, req.params.collectionId);
    onlyWebMercatorQuad(req.params.tileMatrixSetId);
    res.json({
      ...tileset(req, layer),
      minTileMatrix: String(layer.minZoom),
      maxTileMatrix: String(MAX_ZOOM),
      layers: [
        {
          id: layer.slug,
          dataType: 'vector',
          geometryDimension: { Point: 0, LineString: 1, Polygon: 2 }[layer.geometryType],
        },
      ],
    });
  });

  router.get(
    '/ogc/collections/:collectionId/tiles/:tileMatrixSetId/:tileMatrix/:tileRow/:tileCol',
    async (req, res) => {
      parseQuery(req, FORMAT);
      onlyWebMercatorQuad(req.params.tileMatrixSetId);
      const layer = await ogc.collection(req.caller, req.params.collectionId);
      const coord = parseTileCoord(req.params.tileMatrix, req.params.tileCol, req.params.tileRow);
      const acceptGzip = /\bgzip\b/.test(req.headers['accept-encoding'] ?? '');
      writeTile(
        res,
        await tiles.tile(req.caller, layer.slug, coord, undefined, acceptGzip, req.headers['if-none-match']),
        undefined,
        req.caller.kind === 'anonymous',
      );
    },
  );

  return router;
}
