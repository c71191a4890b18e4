import { inPosition } from '../features/crs-names.js';
import { badRequest } from '../http/app-error.js';
import type { Bbox } from '../http/coordinates.js';

/**
 * The part of the map an image shows: a box in the frame's CRS (x east: longitude or easting,
 * y north) stretched over width × height pixels, y down. EPSG:3857 boxes are in metres,
 * EPSG:4326 boxes in degrees (plate carrée, as WMS draws geographic CRSs).
 */
export interface MapFrame {
  srid: 4326 | 3857;
  bbox: Bbox;
  width: number;
  height: number;
}

const R = 6378137;
const WORLD = 2 * Math.PI * R;
const MAX_LAT = 85.0511287798066;

export function lonLatTo3857(lon: number, lat: number): [number, number] {
  const phi = (Math.max(-MAX_LAT, Math.min(MAX_LAT, lat)) * Math.PI) / 180;
  return [(R * lon * Math.PI) / 180, R * Math.log(Math.tan(Math.PI / 4 + phi / 2))];
}

/** Map units per pixel along x and y. */
export function pixelSize(f: MapFrame): { x: number; y: number } {
  return { x: (f.bbox[2] - f.bbox[0]) / f.width, y: (f.bbox[3] - f.bbox[1]) / f.height };
}

/** The map position of pixel (i, j), counted from the top left corner, at the pixel's centre. */
export function pixelToMap(f: MapFrame, i: number, j: number): [number, number] {
  const px = pixelSize(f);
  return [f.bbox[0] + (i + 0.5) * px.x, f.bbox[3] - (j + 0.5) * px.y];
}

/** A square of `radius` pixels around pixel (i, j), as a lon/lat box. */
export function pixelBoxLonLat(f: MapFrame, i: number, j: number, radius: number): Bbox {
  const [x, y] = pixelToMap(f, i, j);
  const px = pixelSize(f);
  const crs = { epsg: f.srid, latFirst: false, name: '' };
  const [w, s] = inPosition(crs, x - radius * px.x, y - radius * px.y);
  const [e, n] = inPosition(crs, x + radius * px.x, y + radius * px.y);
  return [w, s, e, n];
}

/** The frame of a slippy map view: centre in lon/lat, zoom as in web maps (256-pixel tiles). */
export function frameAtZoom(lon: number, lat: number, zoom: number, width: number, height: number): MapFrame {
  const [x, y] = lonLatTo3857(lon, lat);
  const res = WORLD / 256 / 2 ** zoom;
  return {
    srid: 3857,
    bbox: [x - (width / 2) * res, y - (height / 2) * res, x + (width / 2) * res, y + (height / 2) * res],
    width,
    height,
  };
}

/** A lon/lat box fitted into width × height in Web Mercator, grown on one side to keep the aspect. */
export function frameAroundBox(bbox: Bbox, width: number, height: number): MapFrame {
  const [x0, y0] = lonLatTo3857(bbox[0], bbox[1]);
  const [x1, y1] = lonLatTo3857(bbox[2], bbox[3]);
  const res = Math.max((x1 - x0) / width, (y1 - y0) / height);
  if (!(res > 0)) throw badRequest('invalid_bbox', 'bbox must have an area: its minimum equals its maximum.');
  const cx = (x0 + x1) / 2;
  const cy = (y0 + y1) / 2;
  return {
    srid: 3857,
    bbox: [cx - (width / 2) * res, cy - (height / 2) * res, cx + (width / 2) * res, cy + (height / 2) * res],
    width,
    height,
  };
}

/** The map scale 1:N of a Web Mercator frame at its centre latitude, for OGC's 0.28 mm pixel. */
export function scaleDenominator(f: MapFrame): number {
  const px = pixelSize(f).x;
  if (f.srid === 4326) return (px * (WORLD / 360)) / 0.00028;
  const [, lat] = inPosition({ epsg: 3857, latFirst: false, name: '' }, 0, (f.bbox[1] + f.bbox[3]) / 2);
  return (px * Math.cos((lat * Math.PI) / 180)) / 0.00028;
}

/**
 * The web-map zoom level a frame shows, for the style's zoom ranges and zoom expressions: 0 is
 * the world in 256 pixels. A lon/lat frame is read at the equator's metres per degree.
 */
export function frameZoom(f: MapFrame): number {
  const px = pixelSize(f).x;
  const metres = f.srid === 4326 ? (px * WORLD) / 360 : px;
  return Math.log2(WORLD / 256 / metres);
}

/**
 * A Web Mercator frame of width × height pixels centred on a lon/lat at a print scale
 * 1:denominator and resolution (dots per inch): a pixel is denominator × 0.0254 / dpi metres on
 * the ground, which Web Mercator stretches by 1 / cos(latitude) at the centre.
 */
export function frameAtScale(
  lon: number,
  lat: number,
  denominator: number,
  width: number,
  height: number,
  dpi: number,
): MapFrame {
  const [x, y] = lonLatTo3857(lon, lat);
  const res = (denominator * 0.0254) / dpi / Math.cos((lat * Math.PI) / 180);
  return {
    srid: 3857,
    bbox: [x - (width / 2) * res, y - (height / 2) * res, x + (width / 2) * res, y + (height / 2) * res],
    width,
    height,
  };
}

/** A lon/lat as a position in a Web Mercator frame's pixels (x right, y down from the top left). */
export function lonLatToPixel(f: MapFrame, lon: number, lat: number): [number, number] {
  const [x, y] = lonLatTo3857(lon, lat);
  const px = pixelSize(f);
  return [(x - f.bbox[0]) / px.x, (f.bbox[3] - y) / px.y];
}
