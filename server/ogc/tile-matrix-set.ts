/** OGC Two Dimensional Tile Matrix Set (2.0) description of WebMercatorQuad, zoom 0–22. */
const WORLD = 40075016.68557849;
const ORIGIN = -WORLD / 2;
export const WEB_MERCATOR_QUAD_URI = 'http://www.opengis.net/def/tilematrixset/OGC/1.0/WebMercatorQuad';

export function webMercatorQuad(maxZoom: number): Record<string, unknown> {
  return {
    id: 'WebMercatorQuad',
    title: 'Google Maps Compatible for the World',
    uri: WEB_MERCATOR_QUAD_URI,
    crs: 'http://www.opengis.net/def/crs/EPSG/0/3857',
    orderedAxes: ['X', 'Y'],
    wellKnownScaleSet: 'http://www.opengis.net/def/wkss/OGC/1.0/GoogleMapsCompatible',
    tileMatrices: Array.from({ length: maxZoom + 1 }, (_, z) => {
      const cellSize = WORLD / 256 / 2 ** z;
      return {
        id: String(z),
        // 0.28 mm standardised rendering pixel.
        scaleDenominator: cellSize / 0.00028,
        cellSize,
        cornerOfOrigin: 'topLeft',
        pointOfOrigin: [ORIGIN, -ORIGIN],
        tileWidth: 256,
        tileHeight: 256,
        matrixWidth: 2 ** z,
        matrixHeight: 2 ** z,
      };
    }),
  };
}
