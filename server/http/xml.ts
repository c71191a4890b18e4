import { XMLParser } from 'fast-xml-parser';

// Markup characters, control characters XML 1.0 cannot hold, surrogates (lone or paired), U+FFFE/F.
// eslint-disable-next-line no-control-regex
const NEEDS_WORK = /[&<>"\u0000-\u0008\u000b\u000c\u000e-\u001f\ud800-\udfff\ufffe\uffff]/;

/** Text or attribute value escaped for XML 1.0; characters XML cannot hold at all are dropped. */
export function esc(value: string): string {
  // Most text needs nothing: one scan instead of a walk over every character.
  if (!NEEDS_WORK.test(value)) return value;
  let out = '';
  for (const ch of value) {
    const c = ch.codePointAt(0) ?? 0;
    if (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) continue;
    if (c === 0xfffe || c === 0xffff || (c >= 0xd800 && c <= 0xdfff)) continue;
    if (ch === '&') out += '&amp;';
    else if (ch === '<') out += '&lt;';
    else if (ch === '>') out += '&gt;';
    else if (ch === '"') out += '&quot;';
    else out += ch;
  }
  return out;
}

/** One element of a parsed XML document: local name (prefix dropped), attributes, children, text. */
export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const MAX_DEPTH = 64;

/**
 * Parses a small XML document (a filter) into elements with their prefixes dropped. Entities of a
 * DOCTYPE are not expanded (no entity bombs, no external files); returns null when the text is not
 * well-formed or nests deeper than 64 elements.
 */
export function parseXml(text: string): XmlElement | null {
  const parser = new XMLParser({
    preserveOrder: true,
    ignoreAttributes: false,
    attributeNamePrefix: '',
    removeNSPrefix: true,
    processEntities: false,
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: true,
    ignoreDeclaration: true,
    ignorePiTags: true,
  });
  let raw: unknown;
  try {
    raw = parser.parse(text, true);
  } catch {
    return null;
  }
  const roots = toElements(raw, 0);
  return roots?.length === 1 ? (roots[0] ?? null) : null;
}

/** fast-xml-parser's ordered form: [{ tag: [children], ':@': { attrs } } | { '#text': value }]. */
function toElements(nodes: unknown, depth: number): XmlElement[] | null {
  if (depth > MAX_DEPTH || !Array.isArray(nodes)) return null;
  const out: XmlElement[] = [];
  for (const node of nodes as Record<string, unknown>[]) {
    const tag = Object.keys(node).find((k) => k !== ':@' && k !== '#text');
    if (tag === undefined) continue;
    const children = toElements(node[tag], depth + 1);
    if (children === null) return null;
    const texts = (node[tag] as Record<string, unknown>[])
      .filter((c) => '#text' in c)
      .map((c) => String(c['#text']))
      .join('');
    const attrs: Record<string, string> = {};
    for (const [k, v] of Object.entries((node[':@'] ?? {}) as Record<string, unknown>)) {
      // Namespace declarations are not attributes of the document's meaning.
      if (k === 'xmlns' || k.startsWith('xmlns:')) continue;
      attrs[k.replace(/^.*:/, '')] = decodeEntities(String(v));
    }
    out.push({ name: tag.replace(/^.*:/, ''), attrs, children, text: decodeEntities(texts) });
  }
  return out;
}

/** The five predefined entities and character references; anything else stays as written. */
function decodeEntities(text: string): string {
  return text.replace(/&(lt|gt|amp|quot|apos|#\d{1,7}|#x[0-9a-f]{1,6});/gi, (m, e: string) => {
    const named: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
    const n = named[e.toLowerCase()];
    if (n) return n;
    const code = e[1]?.toLowerCase() === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : m;
  });
}
