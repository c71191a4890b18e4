import { AppError, badRequest } from '../http/app-error.js';
import { isJsonNumber, type Bbox } from '../http/coordinates.js';
import type { MapFrame } from './map-frame.js';
import type { ImageFormat } from './render-service.js';

/**
 * WMS KVP parameters (1.3.0 and 1.1.1) as a map frame and image options. Names arrive upper-cased
 * (kvpParameters); values keep their case.
 */
export type WmsVersion = '1.3.0' | '1.1.1';

/** GetCapabilities negotiation (WMS 1.3.0 §6.2.4): the asked version, else the nearest below, else the lowest. */
export function negotiateVersion(asked: string | undefined): WmsVersion {
  if (asked === undefined || asked.trim() === '') return '1.3.0';
  const v = asked.trim();
  if (!/^\d+\.\d+\.\d+$/.test(v))
    throw badRequest('invalid_parameter', `VERSION "${v}" is not a version number such as 1.3.0.`, {
      parameter: 'VERSION',
    });
  const n = v.split('.').map(Number) as [number, number, number];
  const order = n[0] * 1e6 + n[1] * 1e3 + n[2];
  return order >= 1_003_000 ? '1.3.0' : '1.1.1';
}

/** The VERSION of an operation other than GetCapabilities: 1.3.0 or 1.1.1 (1.1.0 read as 1.1.1). */
export function operationVersion(kvp: Map<string, string>): WmsVersion {
  const v = kvp.get('VERSION')?.trim() || kvp.get('WMTVER')?.trim();
  if (v === undefined || v === '' || v === '1.3.0') return '1.3.0';
  if (v === '1.1.1' || v === '1.1.0') return '1.1.1';
  throw new AppError(400, 'version_not_supported', `This WMS speaks 1.3.0 and 1.1.1; VERSION was "${v}".`, {
    parameter: 'VERSION',
  });
}

interface CrsForm {
  srid: 4326 | 3857;
  /** The BBOX is given latitude first (EPSG:4326 in WMS 1.3.0). */
  latFirst: boolean;
}

const MERCATOR = /^EPSG:(3857|900913|3785|102100|102113)$/i;

/** CRS (1.3.0) or SRS (1.1.1) of GetMap/GetFeatureInfo. */
export function crsOf(kvp: Map<string, string>, version: WmsVersion): CrsForm & { parameter: string } {
  const parameter = version === '1.3.0' ? 'CRS' : 'SRS';
  // Some 1.1.1 clients send CRS and some 1.3.0 clients SRS: read either.
  const name = (kvp.get(parameter) ?? kvp.get(version === '1.3.0' ? 'SRS' : 'CRS'))?.trim();
  if (!name)
    throw new AppError(400, 'missing_parameter', `${parameter} is required: EPSG:4326, CRS:84 or EPSG:3857.`, {
      parameter,
    });
  if (/^EPSG:4326$/i.test(name) || /^urn:ogc:def:crs:EPSG:[\d.]*:4326$/i.test(name))
    return { srid: 4326, latFirst: version === '1.3.0', parameter };
  if (/^CRS:84$/i.test(name) || /^urn:ogc:def:crs:OGC:[\d.]*:CRS84$/i.test(name))
    return { srid: 4326, latFirst: false, parameter };
  if (MERCATOR.test(name)) return { srid: 3857, latFirst: false, parameter };
  throw badRequest('unknown_crs', `${parameter} "${name}" is not offered: use EPSG:4326, CRS:84 or EPSG:3857.`, {
    parameter,
    value: name,
  });
}

function pixels(kvp: Map<string, string>, name: string): number {
  const v = kvp.get(name)?.trim();
  if (!v) throw new AppError(400, 'missing_parameter', `${name} is required (pixels).`, { parameter: name });
  if (!/^\d{1,9}$/.test(v) || Number(v) < 1)
    throw badRequest('invalid_parameter', `${name} must be a whole number of pixels, at least 1.`, {
      parameter: name,
      value: v,
    });
  return Number(v);
}

/** BBOX, CRS, WIDTH and HEIGHT as a frame; x is always east in the frame. */
export function frameOf(kvp: Map<string, string>, version: WmsVersion): MapFrame {
  const crs = crsOf(kvp, version);
  const text = kvp.get('BBOX')?.trim();
  if (!text) throw new AppError(400, 'missing_parameter', 'BBOX is required.', { parameter: 'BBOX' });
  // An unencoded "+" of an exponent (1.2E+2) arrives as a space.
  const parts = text.split(',').map((p) => p.trim().replace(/([eE]) (?=\d)/, '$1+'));
  if (parts.length !== 4 || !parts.every(isJsonNumber))
    throw badRequest(
      'invalid_bbox',
      `BBOX must be four numbers: ${crs.latFirst ? 'minLat,minLon,maxLat,maxLon for EPSG:4326 in WMS 1.3.0' : 'minX,minY,maxX,maxY'}.`,
      { parameter: 'BBOX', value: text },
    );
  const [a, b, c, d] = parts.map(Number) as [number, number, number, number];
  const bbox: Bbox = crs.latFirst ? [b, a, d, c] : [a, b, c, d];
  if (!(bbox[0] < bbox[2] && bbox[1] < bbox[3]))
    throw badRequest('invalid_bbox', 'BBOX minimum must be below its maximum on both axes.', {
      parameter: 'BBOX',
      value: text,
    });
  return { srid: crs.srid, bbox, width: pixels(kvp, 'WIDTH'), height: pixels(kvp, 'HEIGHT') };
}

/** FORMAT of GetMap / GetLegendGraphic, in the spellings clients use. */
export function imageFormatOf(text: string | undefined, parameter = 'FORMAT'): ImageFormat {
  const t = (text ?? '').trim().toLowerCase().replace(/;.*$/, '');
  if (t === '' && parameter !== 'FORMAT') return 'png';
  if (t === 'image/png' || t === 'png' || t === 'image/png8') return 'png';
  if (t === 'image/jpeg' || t === 'image/jpg' || t === 'jpeg' || t === 'jpg') return 'jpeg';
  if (t === 'image/webp' || t === 'webp') return 'webp';
  if (t === '')
    throw new AppError(400, 'missing_parameter', 'FORMAT is required: image/png, image/jpeg or image/webp.', {
      parameter,
    });
  throw badRequest(
    'unknown_format',
    `${parameter} "${text}" is not offered: use image/png, image/jpeg or image/webp.`,
    {
      parameter,
      value: text,
    },
  );
}

/** TRANSPARENT=TRUE|FALSE (default FALSE) and BGCOLOR=0xRRGGBB (default white). */
export function backgroundOf(kvp: Map<string, string>): { transparent: boolean; background: string } {
  const t = (kvp.get('TRANSPARENT') ?? 'FALSE').trim().toUpperCase();
  if (t !== 'TRUE' && t !== 'FALSE')
    throw badRequest('invalid_parameter', 'TRANSPARENT must be TRUE or FALSE.', { parameter: 'TRANSPARENT' });
  const bg = kvp.get('BGCOLOR')?.trim();
  if (bg !== undefined && !/^(0x|#)[0-9a-f]{6}$/i.test(bg))
    throw badRequest('invalid_parameter', 'BGCOLOR must be a colour like 0xFFFFFF.', {
      parameter: 'BGCOLOR',
      value: bg,
    });
  return { transparent: t === 'TRUE', background: bg === undefined ? '#ffffff' : `#${bg.slice(bg.length - 6)}` };
}

/** STYLES: empty, or one entry per layer, each empty or "default" (every layer has one style). */
export function checkStyles(kvp: Map<string, string>, layerCount: number): void {
  const text = kvp.get('STYLES');
  if (text === undefined || text.trim() === '') return;
  const styles = text.split(',').map((s) => s.trim());
  if (styles.length !== layerCount)
    throw badRequest('unknown_style', `STYLES lists ${styles.length} styles for ${layerCount} layers.`, {
      parameter: 'STYLES',
      value: text,
    });
  const bad = styles.find((s) => s !== '' && s.toLowerCase() !== 'default');
  if (bad !== undefined)
    throw badRequest('unknown_style', `Style "${bad}" is not offered: each layer has the style "default".`, {
      parameter: 'STYLES',
      value: bad,
    });
}

/** I/J (1.3.0) or X/Y (1.1.1): a pixel inside the image. */
export function pointOf(kvp: Map<string, string>, version: WmsVersion, frame: MapFrame): [number, number] {
  const [ni, nj] = version === '1.3.0' ? ['I', 'J'] : ['X', 'Y'];
  const read = (name: string, max: number): number => {
    const v = kvp.get(name)?.trim();
    if (!v)
      throw new AppError(400, 'missing_parameter', `${name} is required (a pixel of the map).`, { parameter: name });
    if (!/^\d{1,9}$/.test(v) || Number(v) >= max)
      throw badRequest('invalid_point', `${name} must be a whole pixel from 0 to ${max - 1}.`, {
        parameter: name,
        value: v,
      });
    return Number(v);
  };
  return [read(ni, frame.width), read(nj, frame.height)];
}
