import { AppError } from '../http/app-error.js';

/** The facet fields package_search counts, as CKAN names them. */
export const FACET_FIELDS = ['organization', 'groups', 'tags', 'license_id', 'res_format'] as const;
export type FacetField = (typeof FACET_FIELDS)[number];

export interface FacetItem {
  name: string;
  display_name: string;
  count: number;
}

/**
 * `facet.field` as CKAN reads it: a JSON list of names (a bare name is taken as a list of one);
 * names we do not count are refused, so a client does not mistake an empty facet for "none".
 */
export function parseFacetFields(raw: string | undefined): FacetField[] {
  if (raw === undefined || raw.trim() === '') return [];
  const refuse = (message: string) =>
    new AppError(409, 'invalid_facet', message, { parameter: 'facet.field', value: raw });
  const shape = 'facet.field must be a JSON list of field names, e.g. ["organization"].';
  let names: unknown;
  try {
    names = raw.trim().startsWith('[') ? (JSON.parse(raw) as unknown) : [raw.trim()];
  } catch {
    throw refuse(shape);
  }
  if (!Array.isArray(names)) throw refuse(shape);
  const list: unknown[] = names;
  if (list.some((n) => typeof n !== 'string')) throw refuse(shape);
  const unknown = (list as string[]).find((n) => !(FACET_FIELDS as readonly string[]).includes(n));
  if (unknown !== undefined) throw refuse(`facet.field "${unknown}" is not counted; use ${FACET_FIELDS.join(', ')}.`);
  return [...new Set(list as FacetField[])];
}

/** What one package contributes to a facet: (name, display name) pairs, each counted once per package. */
function valuesOf(pkg: Record<string, unknown>, field: FacetField): [string, string][] {
  const named = (list: unknown, name: string, title: string): [string, string][] =>
    Array.isArray(list)
      ? list.map((x: Record<string, unknown>) => [String(x[name]), String(x[title] ?? x[name])] as [string, string])
      : [];
  switch (field) {
    case 'organization':
      return named([pkg.organization], 'name', 'title');
    case 'groups':
      return named(pkg.groups, 'name', 'display_name');
    case 'tags':
      return named(pkg.tags, 'name', 'display_name');
    case 'license_id':
      return [[String(pkg.license_id), String(pkg.license_title ?? pkg.license_id)]];
    case 'res_format':
      return named(pkg.resources, 'format', 'format');
  }
}

/**
 * Counts of every matching package per value of each asked field, as CKAN answers them: `facets`
 * (name → count) and `search_facets` (title and items with display names), most frequent first,
 * at most `limit` values (negative: all), none below `mincount`.
 */
export function facetCounts(
  packages: Record<string, unknown>[],
  fields: FacetField[],
  limit: number,
  mincount: number,
): {
  facets: Record<string, Record<string, number>>;
  search_facets: Record<string, { title: string; items: FacetItem[] }>;
} {
  const facets: Record<string, Record<string, number>> = {};
  const searchFacets: Record<string, { title: string; items: FacetItem[] }> = {};
  for (const field of fields) {
    const counts = new Map<string, FacetItem>();
    for (const pkg of packages)
      for (const [name, display] of new Map(valuesOf(pkg, field))) {
        const item = counts.get(name) ?? { name, display_name: display, count: 0 };
        item.count += 1;
        counts.set(name, item);
      }
    const items = [...counts.values()]
      .filter((i) => i.count >= mincount)
      .sort((a, b) => b.count - a.count || a.name.localeCompare(b.name))
      .slice(0, limit < 0 ? undefined : limit);
    facets[field] = Object.fromEntries(items.map((i) => [i.name, i.count]));
    searchFacets[field] = { title: field, items };
  }
  return { facets, search_facets: searchFacets };
}
