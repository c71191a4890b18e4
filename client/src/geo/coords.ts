/**
 * Reads a point typed by a person: decimal degrees in either order ("-6.1256, 106.6559" or
 * "106.6559 -6.1256") or degrees-minutes-seconds with hemispheres ("6°07'32\"S 106°39'21\"E",
 * "S 6 7 32.2 E 106 39 21"). Returns lon/lat, or null when it cannot be read unambiguously.
 * A bare pair is taken as lat, lon unless only the other order fits (|lat| <= 90).
 */
export function parseCoordinates(text: string): [number, number] | null {
  const t = text
    .trim()
    .replace(/(\d)d\b/g, '$1°')
    .replace(/(\d)m\b/g, "$1'")
    .replace(/(\d)s\b/g, '$1"')
    .toUpperCase();
  if (!t) return null;
  if (/[NSEW]/.test(t)) return parseDms(t);
  const nums = t.split(/[\s,;]+/).filter(Boolean);
  if (nums.length !== 2 || nums.some((n) => !/^[-+]?\d+(\.\d+)?$/.test(n))) return null;
  const [a, b] = nums.map(Number) as [number, number];
  if (Math.abs(a) <= 90 && Math.abs(b) <= 180) return [b, a];
  if (Math.abs(b) <= 90 && Math.abs(a) <= 180) return [a, b];
  return null;
}

/** Two parts, each one to three numbers (degrees, minutes, seconds) with a hemisphere letter before or after. */
function parseDms(t: string): [number, number] | null {
  if (/[^NSEW\d\s.,;°'"\u2032\u2033\u2019\u201D]/.test(t)) return null;
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
