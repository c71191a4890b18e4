import { utmToLonLat } from './utm.js';

/**
 * How a typed or pasted point was read: degrees (with a decimal point or comma, either order),
 * degrees-minutes-seconds with N/S/E/W or the Indonesian LU/LS/BT/BB, UTM metres with a zone
 * ("48S 676543 9318765"; without a zone Kota Tangerang's 48S is assumed and said so), or a map
 * link (Google Maps, OpenStreetMap, geo:). A pair that fits both orders (both numbers within ±90)
 * is ambiguous and refused with both readings, for the person to add a hemisphere.
 */
export type Reading =
  | { ok: true; lon: number; lat: number; from: 'degrees' | 'dms' | 'utm' | 'link'; zone?: string; assumed?: boolean }
  | { ok: false; why: 'unreadable' }
  | { ok: false; why: 'ambiguous'; options: [number, number][] };

const UNREADABLE: Reading = { ok: false, why: 'unreadable' };
const HEMISPHERES: Record<string, string> = { LU: 'N', LS: 'S', BT: 'E', BB: 'W' };
/** Kota Tangerang's UTM zone, assumed for metres without one. */
const HOME_ZONE = { zone: 48, south: true };

export function readCoordinates(text: string): Reading {
  const raw = text.trim();
  if (!raw || raw.length > 2000) return UNREADABLE;
  if (/^(https?:\/\/|geo:)/i.test(raw)) return fromLink(raw);
  // "6d 7m 32s": letters for degrees, minutes and seconds (only with a "d", so "48s" stays a zone).
  const marks = /\dd\b/i.test(raw)
    ? raw
        .replace(/(\d)d\b/gi, '$1°')
        .replace(/(\d)m\b/gi, "$1'")
        .replace(/(\d)s\b/gi, '$1"')
    : raw;
  const t = marks.toUpperCase().replace(/(?<![A-Z])(LU|LS|BT|BB)(?![A-Z])/g, (m) => HEMISPHERES[m] ?? m);
  const utm = fromUtm(t);
  if (utm) return utm;
  if (/[NSEW]/.test(t)) {
    const p = parseDms(t.replace(/(\d),(\d)/g, '$1.$2'));
    return p ? { ok: true, lon: p[0], lat: p[1], from: 'dms' } : UNREADABLE;
  }
  return fromDegrees(t);
}

/** The point as [lon, lat], or null when it cannot be read unambiguously. */
export function parseCoordinates(text: string): [number, number] | null {
  const r = readCoordinates(text);
  return r.ok ? [r.lon, r.lat] : null;
}

/** Two decimal numbers: "a b", "a, b", "a;b", each with a decimal point or comma ("-6,1781 106,63"). */
function fromDegrees(t: string): Reading {
  let parts = t.split(/[\s;]+|,\s+/).filter(Boolean);
  if (parts.length === 1) {
    const pieces = (parts[0] ?? '').split(',');
    // "-6.1781,106.63" (decimal points), or "-6,1781,106,63" (decimal commas, read in pairs).
    if (pieces.length === 2) parts = pieces;
    else if (pieces.length === 4) parts = [`${pieces[0]}.${pieces[1]}`, `${pieces[2]}.${pieces[3]}`];
    else return UNREADABLE;
  }
  if (parts.length !== 2 || parts.some((n) => !/^[-+]?\d{1,3}([.,]\d+)?$/.test(n))) return UNREADABLE;
  const [a, b] = parts.map((n) => Number(n.replace(',', '.'))) as [number, number];
  const latLon = Math.abs(a) <= 90 && Math.abs(b) <= 180;
  const lonLat = Math.abs(b) <= 90 && Math.abs(a) <= 180;
  if (latLon && lonLat && a !== b)
    return {
      ok: false,
      why: 'ambiguous',
      options: [
        [b, a],
        [a, b],
      ],
    };
  if (latLon) return { ok: true, lon: b, lat: a, from: 'degrees' };
  if (lonLat) return { ok: true, lon: a, lat: b, from: 'degrees' };
  return UNREADABLE;
}

/**
 * UTM metres: two numbers of four or more digits, with an optional zone ("48S", "49M", "zona
 * 48S", "UTM 48 S") and optional E/N labels. A zone's letter S means south, as Indonesian data
 * writes it (EPSG:32748 is "48S"); other letters are latitude bands (C–M south, N–X north).
 */
function fromUtm(t: string): Reading | null {
  const cleaned = t.replace(/\b(UTM|ZONA|ZONE|WGS\s*84|WGS84)\b/g, ' ');
  const metres = [...cleaned.matchAll(/(?<![\d.,])(\d{4,8}(?:[.,]\d{1,3})?)(?![\d])/g)];
  if (metres.length !== 2) return null;
  const zoneMatch = /(?<![\d.,])([1-9]|[1-5]\d|60)\s?([C-HJ-NP-X])(?![A-Z])/.exec(cleaned);
  const rest = cleaned
    .replace(zoneMatch?.[0] ?? '\u0000', ' ')
    .replace(/(?<![\d.,])\d{4,8}(?:[.,]\d{1,3})?(?![\d])/g, ' ')
    .replace(/[EN:=,;]/g, ' ')
    .trim();
  if (rest !== '') return UNREADABLE;
  const zone = zoneMatch ? Number(zoneMatch[1]) : HOME_ZONE.zone;
  const band = zoneMatch?.[2];
  const south = band === undefined ? HOME_ZONE.south : band === 'S' || band <= 'M';
  let [e, n] = metres.map((m) => Number((m[1] ?? '').replace(',', '.'))) as [number, number];
  // Labels say which is which; without them the easting is the one a zone can hold.
  const labelled = /N\s*\d[\s\S]*E\s*\d|\d\s*N[\s\S]*\d\s*E/.test(cleaned.replace(zoneMatch?.[0] ?? '\u0000', ' '));
  if (labelled || !(e >= 100_000 && e <= 900_000)) [e, n] = [n, e];
  if (!(e >= 100_000 && e <= 900_000) || !(n >= 0 && n <= 10_000_000)) return UNREADABLE;
  const [lon, lat] = utmToLonLat(zone, south, e, n);
  if (!(Math.abs(lat) <= 84) || !(Math.abs(lon) <= 180)) return UNREADABLE;
  return {
    ok: true,
    lon,
    lat,
    from: 'utm',
    zone: `${zone}${south ? 'S' : 'N'}`,
    ...(zoneMatch ? {} : { assumed: true }),
  };
}

/** A pasted map link: Google Maps (!3d…!4d…, @lat,lon, q=lat,lon), OpenStreetMap (#map=z/lat/lon, mlat/mlon) or geo:lat,lon. */
function fromLink(url: string): Reading {
  const u = decodeURIComponent(url.replace(/\+/g, ' '));
  const num = '(-?\\d{1,3}(?:\\.\\d+)?)';
  const patterns = [
    new RegExp(`!3d${num}!4d${num}`),
    new RegExp(`[?&](?:q|query|ll|center|destination|daddr)=(?:loc:)?\\s*${num}\\s*,\\s*${num}`),
    new RegExp(`@${num},${num}`),
    new RegExp(`[?&]mlat=${num}&mlon=${num}`),
    new RegExp(`#map=\\d+/${num}/${num}`),
    new RegExp(`^geo:${num},${num}`),
  ];
  for (const re of patterns) {
    const m = re.exec(u);
    if (!m) continue;
    const lat = Number(m[1]);
    const lon = Number(m[2]);
    if (Math.abs(lat) <= 90 && Math.abs(lon) <= 180) return { ok: true, lon, lat, from: 'link' };
  }
  return UNREADABLE;
}

/** Two parts, each one to three numbers (degrees, minutes, seconds) with a hemisphere letter before or after. */
function parseDms(t: string): [number, number] | null {
  if (/[^NSEW\d\s.,;°'"\u00BA\u2032\u2033\u2019\u201D]/.test(t)) return null;
  const letters = [...t.matchAll(/[NSEW]/g)];
  if (letters.length !== 2) return null;
  const firstDigit = t.search(/\d/);
  const [l1, l2] = letters.map((m) => m.index) as [number, number];
  const prefix = l1 < firstDigit;
  const parts = prefix ? [t.slice(l1, l2), t.slice(l2)] : [t.slice(0, l1 + 1), t.slice(l1 + 1, l2 + 1)];
  const read = (part: string): { v: number; lat: boolean } | null => {
    const h = /[NSEW]/.exec(part)?.[0];
    const nums = (part.match(/\d+(?:\.\d+)?/g) ?? []).map(Number);
    if (!h || nums.length < 1 || nums.length > 3) return null;
    const [d = 0, m = 0, s = 0] = nums;
    if (m >= 60 || s >= 60) return null;
    const v = d + m / 60 + s / 3600;
    return { v: h === 'S' || h === 'W' ? -v : v, lat: h === 'N' || h === 'S' };
  };
  const [a, b] = parts.map(read);
  if (!a || !b || a.lat === b.lat) return null;
  const [lat, lon] = a.lat ? [a.v, b.v] : [b.v, a.v];
  return Math.abs(lat) <= 90 && Math.abs(lon) <= 180 ? [lon, lat] : null;
}
