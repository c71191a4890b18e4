import type { Lang } from '../i18n.js';

export interface ActiveLayer {
  id: string;
  /** 0..1 */
  opacity: number;
  visible: boolean;
}

export type ClassMethod = 'quantile' | 'jenks' | 'equal';
export const CLASS_METHODS: ClassMethod[] = ['quantile', 'jenks', 'equal'];

/** A data element shown as a choropleth: which, at which level and period, classed how. */
export interface ThematicMap {
  id: string;
  level: 'kota' | 'kecamatan' | 'kelurahan' | null;
  /** null = the latest period with values; '' = the undated period. */
  period: string | null;
  method: ClassMethod;
  /** Number of classes, 3–7. */
  k: number;
  /** A base period: the map shows the change since then ("change since" mode). */
  since: string | null;
}

/** Everything a shared link restores. Layers are listed top-most first. */
export interface ViewState {
  /** lon/lat, EPSG:4326 */
  center: [number, number];
  zoom: number;
  layers: ActiveLayer[];
  district: string | null;
  /** Last boundary-check point, lon/lat. */
  point: [number, number] | null;
  /** The data element on the map (Data tab), if any. */
  thematic: ThematicMap | null;
  lang: Lang;
}

export const DEFAULT_STATE: ViewState = {
  center: [106.65, -6.177],
  zoom: 11.3,
  layers: [],
  district: null,
  point: null,
  thematic: null,
  lang: 'id',
};

const SLUG = /^[a-z0-9][a-z0-9-]{1,119}$/;
const DISTRICT = /^\d{2}(\.\d{2}){1,2}(\.\d{4})?$/;
const PERIOD = /^(\d{4}(-\d{2}|-\d{4})?)?$/;

/**
 * State to query string: c=lon,lat z=zoom l=id[:opacity[:h]],… d=district p=lon,lat lang=en.
 * Defaults are left out so links stay short.
 */
export function toQuery(s: ViewState): string {
  const q = new URLSearchParams();
  q.set('c', `${s.center[0].toFixed(5)},${s.center[1].toFixed(5)}`);
  q.set('z', s.zoom.toFixed(2));
  if (s.layers.length) {
    q.set(
      'l',
      s.layers
        .map((l) =>
          [l.id, l.opacity === 1 && l.visible ? '' : String(Math.round(l.opacity * 100) / 100), l.visible ? '' : 'h']
            .join(':')
            .replace(/:+$/, ''),
        )
        .join(','),
    );
  }
  if (s.district) q.set('d', s.district);
  if (s.point) q.set('p', `${s.point[0].toFixed(6)},${s.point[1].toFixed(6)}`);
  if (s.thematic) {
    const m = s.thematic;
    q.set(
      'e',
      [m.id, m.level ?? '', m.period ?? '*', m.method, String(m.k), m.since ?? ''].join(':').replace(/:$/, ''),
    );
  }
  if (s.lang !== 'id') q.set('lang', s.lang);
  return q.toString().replace(/%2C/g, ',').replace(/%3A/g, ':');
}

/** Query string to state; anything malformed falls back to the default for that part. */
export function fromQuery(query: string): ViewState {
  const q = new URLSearchParams(query);
  const pair = (v: string | null, maxLon = 180, maxLat = 90): [number, number] | null => {
    const m = /^(-?\d+(?:\.\d+)?),(-?\d+(?:\.\d+)?)$/.exec(v ?? '');
    if (!m) return null;
    const [lon, lat] = [Number(m[1]), Number(m[2])];
    return Math.abs(lon) <= maxLon && Math.abs(lat) <= maxLat ? [lon, lat] : null;
  };
  const zoom = Number(q.get('z'));
  const layers: ActiveLayer[] = [];
  for (const part of (q.get('l') ?? '').split(',')) {
    const [id = '', opacity, hidden] = part.split(':');
    if (!SLUG.test(id) || layers.some((l) => l.id === id)) continue;
    const o = opacity ? Number(opacity) : 1;
    layers.push({ id, opacity: Number.isFinite(o) ? Math.min(1, Math.max(0, o)) : 1, visible: hidden !== 'h' });
  }
  const district = q.get('d');
  // e=element:level:period:method:k[:since], period * = latest, empty = undated.
  const [eid = '', elevel = '', eperiod = '*', emethod = 'quantile', ek = '5', esince = ''] = (q.get('e') ?? '').split(
    ':',
  );
  const k = Number(ek);
  const thematic: ThematicMap | null = SLUG.test(eid)
    ? {
        id: eid,
        level: elevel === 'kota' || elevel === 'kecamatan' || elevel === 'kelurahan' ? elevel : null,
        period: eperiod !== '*' && PERIOD.test(eperiod) ? eperiod : null,
        method: CLASS_METHODS.includes(emethod as ClassMethod) ? (emethod as ClassMethod) : 'quantile',
        k: Number.isInteger(k) && k >= 3 && k <= 7 ? k : 5,
        since: esince !== '' && PERIOD.test(esince) ? esince : null,
      }
    : null;
  return {
    center: pair(q.get('c')) ?? DEFAULT_STATE.center,
    zoom: Number.isFinite(zoom) && q.get('z') !== null && zoom >= 0 && zoom <= 22 ? zoom : DEFAULT_STATE.zoom,
    layers,
    district: district && DISTRICT.test(district) ? district : null,
    point: pair(q.get('p')),
    thematic,
    lang: q.get('lang') === 'en' ? 'en' : 'id',
  };
}
