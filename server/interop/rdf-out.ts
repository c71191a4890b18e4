import type { NamedNode, Quad, Term } from '@rdfjs/types';
import { DataFactory, Writer } from 'n3';
import { esc } from '../http/xml.js';

/** The RDF serialisations the catalog answers in, by media type. */
export const RDF_TYPES = {
  jsonld: 'application/ld+json',
  turtle: 'text/turtle',
  rdfxml: 'application/rdf+xml',
  ntriples: 'application/n-triples',
} as const;
export type RdfFormat = keyof typeof RDF_TYPES;

/** File extensions that pick a format without an Accept header (what harvest sources are set up with). */
export const RDF_EXTENSIONS: Record<string, RdfFormat> = {
  jsonld: 'jsonld',
  ttl: 'turtle',
  rdf: 'rdfxml',
  xml: 'rdfxml',
  nt: 'ntriples',
};

const XSD_STRING = 'http://www.w3.org/2001/XMLSchema#string';
const RDF_NS = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#';

/**
 * The triples of a JSON-LD document of the shape our catalog writes: an inline context of
 * prefixes only, compact IRIs (`dct:title`) as keys and types, `@graph`, `@id`, `@type`,
 * `{ @value, @type | @language }`, nested objects (blank nodes without `@id`), arrays, strings.
 * The JSON-LD 1.1 algorithms (jsonld-streaming-parser) read the same triples (tests/dcat.test.ts
 * compares), at 6,000 triples a second; this reads a 100-dataset page in milliseconds.
 */
export function jsonldQuads(doc: { '@context': Record<string, string>; '@graph': object[] }): Quad[] {
  const ctx = doc['@context'];
  const iri = (compact: string): string => {
    const colon = compact.indexOf(':');
    const space = colon > 0 ? ctx[compact.slice(0, colon)] : undefined;
    return space !== undefined && !compact.startsWith('//', colon + 1) ? space + compact.slice(colon + 1) : compact;
  };
  const quads: Quad[] = [];
  const namedNode = (v: string) => DataFactory.namedNode(v);
  const blankNode = () => DataFactory.blankNode();
  const literal = (v: string, tag: string | NamedNode) => DataFactory.literal(v, tag);
  const quad = (s: Quad['subject'], p: NamedNode, o: Quad['object']) => DataFactory.quad(s, p, o);
  const rdfType = namedNode(`${RDF_NS}type`);
  const subjectOf = (node: Record<string, unknown>): Quad['subject'] => {
    const id = node['@id'];
    const subject = typeof id === 'string' ? namedNode(iri(id)) : blankNode();
    const types = node['@type'];
    for (const t of Array.isArray(types) ? types : types === undefined ? [] : [types])
      quads.push(quad(subject, rdfType, namedNode(iri(String(t)))));
    for (const [key, value] of Object.entries(node)) {
      if (key.startsWith('@')) continue;
      const predicate = namedNode(iri(key));
      for (const v of Array.isArray(value) ? value : [value]) {
        const object = objectOf(v);
        if (object) quads.push(quad(subject, predicate, object));
      }
    }
    return subject;
  };
  const objectOf = (v: unknown): Quad['object'] | null => {
    if (v === null || v === undefined) return null;
    if (typeof v === 'string') return literal(v, namedNode(XSD_STRING));
    if (typeof v !== 'object') throw new Error(`JSON-LD values of type ${typeof v} are not written here`);
    const o = v as Record<string, unknown>;
    if ('@value' in o) {
      const value = String(o['@value']);
      if (typeof o['@language'] === 'string') return literal(value, o['@language']);
      return literal(value, namedNode(typeof o['@type'] === 'string' ? iri(o['@type']) : XSD_STRING));
    }
    if (Object.keys(o).length === 1 && typeof o['@id'] === 'string') return namedNode(iri(o['@id']));
    return subjectOf(o);
  };
  for (const node of doc['@graph']) subjectOf(node as Record<string, unknown>);
  return quads;
}

/**
 * A JSON-LD document in the asked serialisation: JSON-LD as it is; Turtle and N-Triples by N3.js
 * RDF/XML by `rdfXml` (no maintained RDF/XML writer is published for RDF/JS).
 */
export async function serialize(
  doc: { '@context': Record<string, string>; '@graph': object[] },
  f: RdfFormat,
): Promise<string> {
  if (f === 'jsonld') return JSON.stringify(doc);
  const quads = jsonldQuads(doc);
  if (f === 'rdfxml') return rdfXml(quads, doc['@context']);
  const writer = new Writer(f === 'turtle' ? { prefixes: doc['@context'] } : { format: 'N-Triples' });
  writer.addQuads(quads);
  return new Promise((resolve, reject) => writer.end((err, out: string) => (err ? reject(err) : resolve(out))));
}

/**
 * Triples as RDF/XML in the flat form: one rdf:Description per subject (rdf:about or rdf:nodeID),
 * each property an element named by its namespace prefix; objects as rdf:resource, rdf:nodeID or
 * text with rdf:datatype / xml:lang. Predicates outside `prefixes` get ns1, ns2, ….
 */
export function rdfXml(quads: Quad[], prefixes: Record<string, string>): string {
  const ns = new Map<string, string>(Object.entries(prefixes).map(([p, iri]) => [iri, p]));
  ns.set(RDF_NS, 'rdf');
  const blanks = new Map<string, string>();
  const nodeId = (label: string) => {
    if (!blanks.has(label)) blanks.set(label, `b${blanks.size}`);
    return blanks.get(label) as string;
  };
  const qname = (iri: string): string => {
    const cut = Math.max(iri.lastIndexOf('#'), iri.lastIndexOf('/')) + 1;
    const [space, local] = [iri.slice(0, cut), iri.slice(cut)];
    if (!/^[A-Za-z_][\w.-]*$/.test(local)) throw new Error(`RDF/XML cannot name the property ${iri}`);
    let prefix = ns.get(space);
    if (!prefix) {
      prefix = `ns${ns.size}`;
      ns.set(space, prefix);
    }
    return `${prefix}:${local}`;
  };
  const node = (t: Term) =>
    t.termType === 'BlankNode' ? `rdf:nodeID="${nodeId(t.value)}"` : `rdf:about="${esc(t.value)}"`;
  const bySubject = new Map<string, { subject: Term; lines: string[] }>();
  for (const q of quads) {
    const key = `${q.subject.termType}:${q.subject.value}`;
    const entry = bySubject.get(key) ?? { subject: q.subject, lines: [] };
    bySubject.set(key, entry);
    const name = qname(q.predicate.value);
    const o = q.object;
    if (o.termType === 'NamedNode') entry.lines.push(`<${name} rdf:resource="${esc(o.value)}"/>`);
    else if (o.termType === 'BlankNode') entry.lines.push(`<${name} rdf:nodeID="${nodeId(o.value)}"/>`);
    else if (o.termType === 'Literal') {
      const attr = o.language
        ? ` xml:lang="${esc(o.language)}"`
        : o.datatype.value === 'http://www.w3.org/2001/XMLSchema#string'
          ? ''
          : ` rdf:datatype="${esc(o.datatype.value)}"`;
      entry.lines.push(`<${name}${attr}>${esc(o.value)}</${name}>`);
    }
  }
  const body = [...bySubject.values()]
    .map(
      ({ subject, lines }) => `  <rdf:Description ${node(subject)}>\n    ${lines.join('\n    ')}\n  </rdf:Description>`,
    )
    .join('\n');
  const xmlns = [...ns.entries()].map(([iri, p]) => ` xmlns:${p}="${esc(iri)}"`).join('');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<rdf:RDF${xmlns}>\n${body}\n</rdf:RDF>\n`;
}
