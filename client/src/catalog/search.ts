import { normalizeSearchText } from '../../../server/catalog/search-text.js';
import type { LayerEntry, Named } from './layer-index.js';

/**
 * Client-side catalog search over every visible layer, with the server's normaliser: every
 * query word must start some word of the layer; a word found in the title weighs most, then
 * keywords, then agency and theme names. Exact words beat prefixes; ties go by title.
 */
interface Doc {
  entry: LayerEntry;
  title: string[];
  keywords: string[];
  other: string[];
}

export interface SearchIndex {
  docs: Doc[];
}

export interface SearchFilters {
  agency?: string | null;
  theme?: string | null;
  /** Layers with features in the chosen district (from the server); null for no district filter. */
  inDistrict?: Set<string> | null;
}

export interface SearchResult {
  items: LayerEntry[];
  /** Matches per agency and per theme, each ignoring its own filter (facet counts). */
  agencyCounts: Map<string, number>;
  themeCounts: Map<string, number>;
}

const words = (text: string) => normalizeSearchText(text).split(' ').filter(Boolean);

export function buildIndex(entries: LayerEntry[], agencies: Named[], themes: Named[]): SearchIndex {
  const agencyText = new Map(agencies.map((a) => [a.code, `${a.name} ${a.shortName ?? ''}`]));
  const themeText = new Map(themes.map((t) => [t.code, t.name]));
  return {
    docs: entries.map((entry) => ({
      entry,
      title: words(entry.title),
      keywords: words(entry.keywords.join(' ')),
      other: words(`${agencyText.get(entry.agency) ?? ''} ${themeText.get(entry.theme) ?? ''}`),
    })),
  };
}

function wordScore(list: string[], token: string, weight: number): number {
  let best = 0;
  for (const w of list) {
    if (w === token) return weight + 1;
    if (best === 0 && w.startsWith(token)) best = weight;
  }
  return best;
}

/** Score of a document for the query tokens; 0 when some token matches nothing. */
function score(doc: Doc, tokens: string[]): number {
  let total = 0;
  for (const token of tokens) {
    const s = Math.max(
      wordScore(doc.title, token, 10),
      wordScore(doc.keywords, token, 6),
      wordScore(doc.other, token, 3),
    );
    if (s === 0) return 0;
    total += s;
  }
  return total;
}

export function search(index: SearchIndex, query: string, f: SearchFilters = {}): SearchResult {
  const tokens = words(query);
  const scored: { doc: Doc; s: number }[] = [];
  const agencyCounts = new Map<string, number>();
  const themeCounts = new Map<string, number>();
  for (const doc of index.docs) {
    const s = tokens.length ? score(doc, tokens) : 1;
    if (s === 0) continue;
    if (f.inDistrict && !f.inDistrict.has(doc.entry.id)) continue;
    const agencyOk = !f.agency || doc.entry.agency === f.agency;
    const themeOk = !f.theme || doc.entry.theme === f.theme;
    if (themeOk) agencyCounts.set(doc.entry.agency, (agencyCounts.get(doc.entry.agency) ?? 0) + 1);
    if (agencyOk) themeCounts.set(doc.entry.theme, (themeCounts.get(doc.entry.theme) ?? 0) + 1);
    if (agencyOk && themeOk) scored.push({ doc, s });
  }
  scored.sort((a, b) => b.s - a.s || a.doc.entry.title.localeCompare(b.doc.entry.title));
  return { items: scored.map((x) => x.doc.entry), agencyCounts, themeCounts };
}
