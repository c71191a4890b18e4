/** The licence register CKAN clients expect (`license_list`), with the ids CKAN ships. */
export interface CkanLicense {
  id: string;
  title: string;
  url: string;
  od_conformance: 'approved' | 'not reviewed' | 'rejected';
  isopen: boolean;
}

export const LICENSES: CkanLicense[] = [
  {
    id: 'cc-by',
    title: 'Creative Commons Attribution 4.0',
    url: 'https://creativecommons.org/licenses/by/4.0/',
    od_conformance: 'approved',
    isopen: true,
  },
  {
    id: 'cc-by-sa',
    title: 'Creative Commons Attribution Share-Alike 4.0',
    url: 'https://creativecommons.org/licenses/by-sa/4.0/',
    od_conformance: 'approved',
    isopen: true,
  },
  {
    id: 'cc-zero',
    title: 'Creative Commons CCZero',
    url: 'https://creativecommons.org/publicdomain/zero/1.0/',
    od_conformance: 'approved',
    isopen: true,
  },
  {
    id: 'odc-odbl',
    title: 'Open Data Commons Open Database License (ODbL)',
    url: 'https://opendatacommons.org/licenses/odbl/',
    od_conformance: 'approved',
    isopen: true,
  },
  { id: 'other-open', title: 'Other (Open)', url: '', od_conformance: 'not reviewed', isopen: true },
  { id: 'other-closed', title: 'Other (Not Open)', url: '', od_conformance: 'not reviewed', isopen: false },
  { id: 'notspecified', title: 'License not specified', url: '', od_conformance: 'not reviewed', isopen: false },
];

/**
 * A licence as producers write it (free text, e.g. "CC BY 4.0", "Terbatas: hanya untuk internal
 * …") → the register entry it is; text we cannot place is "not specified" and keeps its words as
 * the title.
 */
export function licenseFor(text: string | null): CkanLicense & { text: string | null } {
  const t = (text ?? '').trim();
  const find = (id: string) => LICENSES.find((l) => l.id === id) as CkanLicense;
  let id = 'notspecified';
  if (/^CC[ -]?BY[ -]SA\b/i.test(t)) id = 'cc-by-sa';
  else if (/^CC[ -]?BY\b/i.test(t)) id = 'cc-by';
  else if (/^CC0\b|^CC[ -]?ZERO/i.test(t)) id = 'cc-zero';
  else if (/^ODbL\b/i.test(t)) id = 'odc-odbl';
  else if (/^terbatas\b/i.test(t)) id = 'other-closed';
  else if (/^MIT\b/i.test(t)) id = 'other-open';
  const entry = find(id);
  return { ...entry, title: id === 'notspecified' && t ? t : entry.title, text: t || null };
}
