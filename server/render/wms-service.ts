import type { Caller } from '../auth/access.js';
import type { CatalogService } from '../catalog/catalog-service.js';
import type { LayerRecord } from '../catalog/layer-types.js';
import { buildFeatureQuery, timeField, type LimitPolicy } from '../features/feature-query.js';
import type { FeaturesService } from '../features/features-service.js';
import { AppError, badRequest } from '../http/app-error.js';
import { required } from '../http/kvp.js';
import { pixelBoxLonLat, type MapFrame } from './map-frame.js';
import { IMAGE_TYPES, type RenderService, type SqlWhere } from './render-service.js';
import { INFO_FORMATS, wmsCapabilities } from './wms-capabilities.js';
import { featureInfoHtml, featureInfoText, type LayerFeatures } from './wms-feature-info.js';
import {
  backgroundOf,
  checkStyles,
  frameOf,
  imageFormatOf,
  negotiateVersion,
  operationVersion,
  pointOf,
  type WmsVersion,
} from './wms-params.js';

export interface WmsAnswer {
  type: string;
  body: Buffer | string;
}

/** Pixels around the clicked one that GetFeatureInfo searches (points and lines are hard to hit exactly). */
const CLICK_RADIUS = 3;
const INFO_POLICY: LimitPolicy = { defaultLimit: 1, maxLimit: 50, overMax: 'clamp' };

/**
 * WMS 1.3.0 and 1.1.1 as an adapter: layers are the caller's visible layers, GetMap and
 * GetLegendGraphic are drawn by the render service, GetFeatureInfo runs the one feature query
 * (a box of a few pixels around the clicked one) for each queried layer.
 */
export class WmsService {
  constructor(
    private readonly catalog: CatalogService,
    private readonly features: FeaturesService,
    private readonly render: RenderService,
  ) {}

  async capabilities(caller: Caller, base: string, askedVersion: string | undefined): Promise<string> {
    const version = negotiateVersion(askedVersion);
    return wmsCapabilities(await this.catalog.visibleLayers(caller), version, {
      base,
      maxSize: this.render.limits.maxSize,
      maxLayers: this.render.limits.maxLayers,
    });
  }

  async getMap(caller: Caller, kvp: Map<string, string>): Promise<WmsAnswer> {
    const version = operationVersion(kvp);
    const format = imageFormatOf(kvp.get('FORMAT'));
    const { frame, layers } = await this.mapOf(caller, kvp, version);
    const body = await this.render.render(
      layers,
      frame,
      { format, ...backgroundOf(kvp) },
      1,
      undefined,
      mapFilters(layers, kvp),
    );
    return { type: IMAGE_TYPES[format], body };
  }

  async getFeatureInfo(caller: Caller, kvp: Map<string, string>): Promise<WmsAnswer> {
    const version = operationVersion(kvp);
    const { frame, layers } = await this.mapOf(caller, kvp, version);
    const queried = this.queryLayers(kvp, layers);
    const format = infoFormat(kvp.get('INFO_FORMAT'), version);
    const [i, j] = pointOf(kvp, version, frame);
    const count = featureCount(kvp.get('FEATURE_COUNT'));
    const box = clampBox(pixelBoxLonLat(frame, i, j, CLICK_RADIUS));
    const found: LayerFeatures[] = [];
    for (const layer of queried) {
      const query = buildFeatureQuery(layer, { bbox: box.join(','), limit: count }, INFO_POLICY);
      const page = await this.features.page(query);
      found.push({
        layer,
        features: page.features === '' ? [] : (JSON.parse(`[${page.features}]`) as LayerFeatures['features']),
      });
    }
    if (format === 'text/html') return { type: 'text/html; charset=utf-8', body: featureInfoHtml(found) };
    if (format === 'text/plain') return { type: 'text/plain; charset=utf-8', body: featureInfoText(found) };
    const features = found.flatMap(({ layer, features: fs }) => fs.map((f) => ({ ...f, layer: layer.slug })));
    return { type: 'application/json; charset=utf-8', body: JSON.stringify({ type: 'FeatureCollection', features }) };
  }

  async legendGraphic(caller: Caller, kvp: Map<string, string>): Promise<WmsAnswer> {
    const name = required(kvp, 'LAYER', '(one layer name from GetCapabilities)');
    const layer = await this.catalog.getLayer(caller, name);
    const style = kvp.get('STYLE')?.trim();
    if (style && style.toLowerCase() !== 'default')
      throw badRequest('unknown_style', `Style "${style}" is not offered: the layer has the style "default".`, {
        parameter: 'STYLE',
        value: style,
      });
    const format = imageFormatOf(kvp.get('FORMAT'), 'FORMAT');
    const w = kvp.get('WIDTH');
    const size = w === undefined ? 20 : Number(w);
    if (!/^\d{1,3}$/.test(w ?? '20') || size < 8 || size > 256)
      throw badRequest('invalid_parameter', 'WIDTH of a legend symbol must be 8 to 256 pixels.', {
        parameter: 'WIDTH',
      });
    return { type: IMAGE_TYPES[format], body: await this.render.legendImage(layer, format, size) };
  }

  /** The map of GetMap and GetFeatureInfo: BBOX/CRS/WIDTH/HEIGHT as a frame, LAYERS and STYLES. */
  private async mapOf(
    caller: Caller,
    kvp: Map<string, string>,
    version: WmsVersion,
  ): Promise<{ frame: MapFrame; layers: LayerRecord[] }> {
    const frame = frameOf(kvp, version);
    this.render.checkSize(frame.width, frame.height);
    const list = required(kvp, 'LAYERS', '(layer names from GetCapabilities)');
    const layers = await this.render.layers(caller, list, 'LAYERS');
    checkStyles(kvp, layers.length);
    return { frame, layers };
  }

  /** QUERY_LAYERS: layers of LAYERS (WMS 1.3.0 §7.4.3.3); any other is LayerNotDefined. */
  private queryLayers(kvp: Map<string, string>, drawn: LayerRecord[]): LayerRecord[] {
    const text = required(kvp, 'QUERY_LAYERS', '(the layers of LAYERS to query)');
    const names = [...new Set(text.split(',').map((n) => n.trim()))];
    const bySlug = new Map(drawn.map((l) => [l.slug, l]));
    return names.map((n) => {
      const l = bySlug.get(n);
      if (!l)
        throw new AppError(404, 'layer_not_found', `QUERY_LAYERS names "${n}", which is not one of LAYERS.`, {
          parameter: 'QUERY_LAYERS',
          value: n,
        });
      return l;
    });
  }
}

/**
 * TIME (WMS 1.3.0 Annex C: a date, or start/end) for layers that have a date property (others
 * ignore it, having no time dimension) and CQL_FILTER (as GeoServer and MapStore send it: CQL2
 * text, one per layer separated by ";", or one for all), each compiled by the one feature query.
 */
function mapFilters(layers: LayerRecord[], kvp: Map<string, string>): (SqlWhere | null)[] {
  const time = kvp.get('TIME')?.trim() || undefined;
  const cql = kvp.get('CQL_FILTER')?.trim() || undefined;
  if (!time && !cql) return [];
  const filters = cql?.split(';').map((f) => f.trim()) ?? [];
  if (filters.length > 1 && filters.length !== layers.length)
    throw badRequest(
      'invalid_filter',
      `CQL_FILTER has ${filters.length} filters for ${layers.length} layers; give one per layer, separated by ";".`,
      {
        parameter: 'CQL_FILTER',
      },
    );
  return layers.map((layer, i) => {
    const filter = filters.length === 1 ? filters[0] : filters[i];
    try {
      // A TIME that is no date is refused even where a layer has no time dimension to apply it to.
      if (time && i === 0) buildFeatureQuery(layer, { datetime: time }, INFO_POLICY);
      return buildFeatureQuery(
        layer,
        {
          ...(time && timeField(layer) ? { datetime: time } : {}),
          ...(filter && filter.toUpperCase() !== 'INCLUDE' ? { filter } : {}),
        },
        INFO_POLICY,
      ).where;
    } catch (e) {
      // The same problem, named by this protocol's parameter.
      if (e instanceof AppError)
        throw new AppError(e.status, e.code, e.message.replace(/^datetime/, 'TIME'), {
          ...e.details,
          parameter: e.details.parameter === 'datetime' ? 'TIME' : 'CQL_FILTER',
        });
      throw e;
    }
  });
}

function infoFormat(text: string | undefined, version: WmsVersion): string {
  const t = (text ?? '').trim().toLowerCase().replace(/;.*$/, '');
  if (t === '') {
    if (version === '1.3.0')
      throw new AppError(400, 'missing_parameter', `INFO_FORMAT is required: ${INFO_FORMATS.join(', ')}.`, {
        parameter: 'INFO_FORMAT',
      });
    return 'text/plain';
  }
  if (['application/json', 'application/geo+json', 'application/geojson', 'json'].includes(t))
    return 'application/json';
  if (t === 'text/html' || t === 'text/plain') return t;
  throw badRequest('unknown_format', `INFO_FORMAT "${text}" is not offered: use ${INFO_FORMATS.join(', ')}.`, {
    parameter: 'INFO_FORMAT',
    value: text,
  });
}

function featureCount(text: string | undefined): number {
  if (text === undefined || text.trim() === '') return 1;
  if (!/^\d{1,6}$/.test(text.trim()) || Number(text) < 1)
    throw badRequest('invalid_parameter', 'FEATURE_COUNT must be a whole number of at least 1.', {
      parameter: 'FEATURE_COUNT',
      value: text,
    });
  return Math.min(Number(text), INFO_POLICY.maxLimit);
}

function clampBox([w, s, e, n]: [number, number, number, number]): [number, number, number, number] {
  const lon = (v: number) => Math.max(-180, Math.min(180, v));
  const lat = (v: number) => Math.max(-90, Math.min(90, v));
  return [lon(w), lat(s), lon(e), lat(n)];
}
