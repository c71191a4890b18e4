import { badRequest } from '../http/app-error.js';

export const MAX_ZOOM = 22;

export interface TileCoord {
  z: number;
  x: number;
  y: number;
}

/** z/x/y of the XYZ (WebMercatorQuad) scheme, y from the top. */
export function parseTileCoord(z: string, x: string, y: string): TileCoord {
  const nums = [z, x, y].map((s) => (/^\d{1,8}$/.test(s) ? Number(s) : NaN));
  const [zz, xx, yy] = nums as [number, number, number];
  if (nums.some(Number.isNaN)) {
    throw badRequest('invalid_tile', 'Tile coordinates must be whole numbers: /tiles/{layers}/{z}/{x}/{y}.mvt.', {
      z,
      x,
      y,
    });
  }
  if (zz > MAX_ZOOM)
    throw badRequest('tile_out_of_range', `Zoom ${zz} is past the maximum zoom ${MAX_ZOOM}.`, {
      z: zz,
      maxZoom: MAX_ZOOM,
    });
  const n = 2 ** zz;
  if (xx >= n || yy >= n) {
    throw badRequest('tile_out_of_range', `At zoom ${zz}, x and y must lie within 0..${n - 1}.`, {
      z: zz,
      x: xx,
      y: yy,
    });
  }
  return { z: zz, x: xx, y: yy };
}

/** A comma-separated list of layer ids, checked for shape, duplicates and count. */
export function parseLayerList(text: string, max: number): string[] {
  const ids = text.split(',');
  if (ids.some((id) => !/^[a-z0-9][a-z0-9-]{1,119}$/.test(id))) {
    throw badRequest(
      'invalid_layer_list',
      'Layers must be layer ids separated by commas, e.g. /tiles/batas-kecamatan-kota-tangerang,sekolah-x/{z}/{x}/{y}.mvt.',
      { parameter: 'layers', value: text.slice(0, 200) },
    );
  }
  const dupes = ids.filter((id, i) => ids.indexOf(id) !== i);
  if (dupes.length > 0)
    throw badRequest('duplicate_layer', `Layer "${dupes[0]}" is listed more than once.`, {
      parameter: 'layers',
      duplicates: [...new Set(dupes)],
    });
  if (ids.length > max)
    throw badRequest(
      'too_many_layers',
      `A composite tile may combine at most ${max} layers; ${ids.length} were asked.`,
      { parameter: 'layers', max, asked: ids.length },
    );
  return ids;
}
