import type { Response } from 'express';
import type { Link } from '../http/links.js';

export const GEOJSON = 'application/geo+json';

/**
 * Writes a FeatureCollection for every protocol: its members, links, then the features as the
 * database wrote them (JSON text, never re-parsed). next/prev links are also sent as Link
 * headers (RFC 8288) for clients that page by headers. Sent with res.send so the /ogc HTML view
 * and compression see one body.
 */
export function writeFeatureCollection(
  res: Response,
  members: Record<string, unknown>,
  links: Link[],
  features: string,
): void {
  const header = links
    .filter((l) => l.rel === 'next' || l.rel === 'prev')
    .map((l) => `<${l.href}>; rel="${l.rel}"; type="${l.type}"`);
  if (header.length > 0) res.setHeader('Link', header.join(', '));
  res
    .type(GEOJSON)
    .send(
      `{"type":"FeatureCollection"${jsonMembers(members)},"links":${JSON.stringify(links)},"features":[${features}]}`,
    );
}

/** Adds members (links) to one Feature's JSON text from the database without re-parsing it. */
export function withMembers(featureText: string, members: Record<string, unknown>): string {
  return `${featureText.slice(0, -1)}${jsonMembers(members)}}`;
}

function jsonMembers(members: Record<string, unknown>): string {
  let out = '';
  for (const [key, value] of Object.entries(members)) out += `,${JSON.stringify(key)}:${JSON.stringify(value)}`;
  return out;
}
