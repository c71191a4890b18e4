import type { Feature } from 'geojson';
import type { LayerSpecification } from 'maplibre-gl';
import { authHeaders } from './auth/session.js';
import type { LayerEntry, Named } from './catalog/layer-index.js';

/** Thin typed fetches of the satupeta API (same origin). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** `reload`: ask the server again instead of the browser's cache (after a change of ours). */
async function getJson<T>(path: string, signal?: AbortSignal, reload = false): Promise<T> {
  const res = await fetch(path, {
    signal: signal ?? null,
    headers: authHeaders(path),
    ...(reload ? { cache: 'no-cache' as const } : {}),
  });
  if (!res.ok) {
    const body = (await res.json().catch(() => null)) as { error?: { code: string; message: string } } | null;
    throw new ApiError(res.status, body?.error?.code ?? 'http_error', body?.error?.message ?? `HTTP ${res.status}`);
  }
  return (await res.json()) as T;
}

export interface District {
  code: string;
  name: string;
  level: 'kota' | 'kecamatan' | 'kelurahan';
  parentCode: string | null;
  areaKm2: number;
}
export interface Lookup {
  inside: boolean;
  kota: District | null;
  kecamatan: District | null;
  kelurahan: District | null;
  ambiguous: boolean;
  message: string;
}
export interface LayerDetail {
  id: string;
  title: string;
  description: string;
  geometryType: string;
  featureCount: number;
  classification: string;
  bbox: [number, number, number, number] | null;
  dataVersion: number;
  agency: { code: string; name: string };
  theme: { code: string; name: string };
  fields: { name: string; type: string }[];
  style: { color?: string };
  metadata: Record<string, unknown> & { sampleData: boolean };
}
export interface Me {
  kind: 'token';
  name: string;
  role: string;
  agencies: string[];
}
/** A layer's legend as the server writes it (styles and legends). */
export interface LayerLegend {
  layer: string;
  title: string;
  geometryType: 'Point' | 'LineString' | 'Polygon';
  kind: 'single' | 'categorized' | 'graduated';
  property: string | null;
  classes: {
    label: string;
    symbol: { kind: 'fill' | 'line' | 'circle'; color: string; fillOpacity: number; width: number; radius: number };
  }[];
}

/** /styles/{layers}.json: a MapLibre style with our legends in its metadata. */
export interface MapStyle {
  layers: (LayerSpecification & { metadata?: { layer?: string } })[];
  metadata: { 'satupeta:legends': LayerLegend[] };
}

export interface TileJson {
  tiles: string[];
  vector_layers: { id: string }[];
}

export interface ElementSummary {
  id: string;
  name: string;
  unit: string;
  measureType: string;
  agency: { code: string; name: string };
  theme: { code: string; name: string };
  levels: ('kota' | 'kecamatan' | 'kelurahan')[];
  firstPeriod: string | null;
  lastPeriod: string | null;
  classification: string;
  isSample: boolean;
}
export interface ElementDetail extends ElementSummary {
  definition: string;
  source: string | null;
  caveats: string[];
  periods: { level: string; period: string | null; values: number; missing: number; districts: number }[];
}
export interface ElementValue {
  code: string;
  name: string;
  parentCode: string | null;
  value: number | null;
  missingReason: string | null;
  status: string;
  /** With a `since` period: the value the change started from. */
  base?: number | null;
}
export interface ElementSeriesPoint {
  period: string | null;
  value: number | null;
  missingReason: string | null;
  status: string;
}
export interface ElementClasses {
  level: string;
  period: string | null;
  breaks: number[];
  classes: { from: number; to: number; count: number }[];
  noData: number;
}
export interface ProfileElement {
  slug: string;
  name: string;
  unit: string;
  period: string;
  value: number;
  isSample: boolean;
  rank: number | null;
  siblings: number | null;
  change: number | null;
}
export interface Facet {
  code: string;
  count: number;
}

const qs = (params: Record<string, string | number | null | undefined>) =>
  Object.entries(params)
    .filter(([, v]) => v !== null && v !== undefined && v !== '')
    .map(([k, v]) => `${k}=${encodeURIComponent(String(v))}`)
    .join('&');

export const api = {
  elements: (
    params: { q?: string; agency?: string; theme?: string; level?: string; limit?: number; offset?: number },
    signal?: AbortSignal,
  ) =>
    getJson<{ total: number; items: ElementSummary[]; facets: Record<'agency' | 'theme' | 'level', Facet[]> }>(
      `/api/elements?${qs(params)}`,
      signal,
    ),
  districtProfile: (code: string, signal?: AbortSignal) =>
    getJson<{ total: number; elements: ProfileElement[] }>(
      `/api/districts/${encodeURIComponent(code)}/profile`,
      signal,
    ),
  element: (id: string) => getJson<ElementDetail>(`/api/elements/${encodeURIComponent(id)}`),
  /** `period` '' asks for the undated period; null for the latest with values. */
  elementValues: (
    id: string,
    level: string | null,
    period: string | null,
    signal?: AbortSignal,
    since: string | null = null,
  ) =>
    getJson<{ level: string; period: string | null; unit: string; items: ElementValue[] }>(
      `/api/elements/${encodeURIComponent(id)}/values?${qs({ level, period, since })}${period === '' ? '&period=' : ''}`,
      signal,
    ),
  elementClasses: (
    id: string,
    level: string,
    period: string | null,
    method: string,
    k: number,
    signal?: AbortSignal,
    since: string | null = null,
  ) =>
    getJson<ElementClasses>(
      `/api/elements/${encodeURIComponent(id)}/classes?${qs({ level, method, k, period, since })}${period === '' ? '&period=' : ''}`,
      signal,
    ),
  elementSeries: (id: string, code: string) =>
    getJson<{ unit: string; items: ElementSeriesPoint[] }>(
      `/api/elements/${encodeURIComponent(id)}/series?code=${encodeURIComponent(code)}`,
    ),
  districtsGeojson: (level: string) =>
    getJson<{ type: 'FeatureCollection'; features: Feature[] }>(`/api/districts?format=geojson&level=${level}`),
  layerIndex: (signal?: AbortSignal) =>
    getJson<{ items: LayerEntry[] }>('/api/layer-index', signal).then((r) => r.items),
  agencies: () =>
    getJson<{ items: (Named & { shortName: string; layerCount: number })[] }>('/api/agencies').then((r) => r.items),
  themes: () => getJson<{ items: (Named & { layerCount: number })[] }>('/api/themes').then((r) => r.items),
  districts: () => getJson<{ items: District[] }>('/api/districts').then((r) => r.items),
  districtLayers: (code: string, signal?: AbortSignal) =>
    getJson<{ items: { slug: string; title: string; featureCount: number }[] }>(
      `/api/districts/${encodeURIComponent(code)}/layers`,
      signal,
    ).then((r) => r.items),
  districtGeometry: (code: string) => getJson<Feature>(`/api/districts/${encodeURIComponent(code)}`),
  lookup: (lon: number, lat: number, signal?: AbortSignal) =>
    getJson<Lookup>(`/api/districts/lookup?lon=${lon.toFixed(6)}&lat=${lat.toFixed(6)}`, signal),
  me: (token: string) =>
    fetch('/api/me', { headers: { Authorization: `Bearer ${token}` } }).then(async (r) =>
      r.ok ? ((await r.json()) as Me) : Promise.reject(new ApiError(r.status, 'invalid_token', `HTTP ${r.status}`)),
    ),
  layer: (id: string) => getJson<LayerDetail>(`/api/layers/${encodeURIComponent(id)}`),
  clientConfig: () => getJson<{ basemapStyleUrl: string | null; tilesMaxLayers: number }>('/api/client-config'),
  mapStyle: (ids: string[], signal?: AbortSignal, reload = false) =>
    getJson<MapStyle>(`/styles/${ids.map(encodeURIComponent).join(',')}.json`, signal, reload),
  tileJson: (ids: string[], signal?: AbortSignal, reload = false) =>
    getJson<TileJson>(`/tiles/${ids.map(encodeURIComponent).join(',')}.json`, signal, reload),
  /** Every feature of a layer, following `next` links (optionally only inside a district). */
  async allFeatures(id: string, district: string | null): Promise<Feature[]> {
    const out: Feature[] = [];
    let next: string | undefined =
      `/api/layers/${encodeURIComponent(id)}/features?limit=10000${district ? `&district=${encodeURIComponent(district)}` : ''}`;
    while (next) {
      const page: { features: Feature[]; links: { rel: string; href: string }[] } = await getJson(next);
      out.push(...page.features);
      const link = page.links.find((l) => l.rel === 'next')?.href;
      next = link ? new URL(link).pathname + new URL(link).search : undefined;
    }
    return out;
  },
};
