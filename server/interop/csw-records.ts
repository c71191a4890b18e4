import type { LayerRecord } from '../catalog/layer-types.js';
import type { ElementRecord } from '../elements/element-types.js';
import { geometryEnvelope, type Expr } from '../features/cql2-ast.js';
import type { FilterTarget } from '../features/fes-filter.js';
import { esc } from '../http/xml.js';
import { elementIso, layerIso, type IsoSource } from './iso-sources.js';
import { topicCategory } from './iso19139.js';

/** A layer or data element as a catalogue record: the fields CSW queryables and Dublin Core read. */
export interface CswEntry {
  /** What its ISO 19139 record says. */
  iso: IsoSource;
  id: string;
  title: string;
  abstract: string;
  subjects: string[];
  organisation: string;
  /** YYYY-MM-DD of the last data change. */
  modified: string;
  bbox: [number, number, number, number] | null;
  anyText: string;
}

export function cswEntry(l: LayerRecord, base: string): CswEntry {
  return entryOf(layerIso(l, base), [l.themeName, l.agencyShortName, l.slug], l.dataUpdatedAt);
}

/** A data element's record: id `elemen-<id>`, as in CKAN and DCAT. */
export function cswElementEntry(e: ElementRecord, base: string): CswEntry {
  return entryOf(elementIso(e, base), [e.themeName, e.slug, e.unit], e.modifiedAt);
}

function entryOf(iso: IsoSource, words: string[], changed: string): CswEntry {
  const topic = topicCategory(iso.themeCode);
  const subjects = [...new Set([words[0] ?? '', ...(topic ? [topic] : []), ...iso.keywords].filter((k) => k))];
  return {
    iso,
    id: iso.id,
    title: iso.title,
    abstract: iso.abstract,
    subjects,
    organisation: iso.agencyName,
    modified: new Date(changed).toISOString().slice(0, 10),
    bbox: iso.bbox,
    anyText: [iso.id, iso.title, iso.abstract, iso.agencyName, ...words.slice(1), ...subjects].join(' ').toLowerCase(),
  };
}

/** Queryables (CSW 2.0.2 core and ISO AP names), by lower-case local name. */
const QUERYABLES: Record<string, (e: CswEntry) => string[]> = {
  anytext: (e) => [e.anyText],
  title: (e) => [e.title],
  abstract: (e) => [e.abstract],
  subject: (e) => e.subjects,
  keywords: (e) => e.subjects,
  topiccategory: (e) => e.subjects,
  identifier: (e) => [e.id],
  modified: (e) => [e.modified],
  revisiondate: (e) => [e.modified],
  type: () => ['dataset'],
  format: (e) => e.iso.formats.map(([name]) => name),
  organisationname: (e) => [e.organisation],
  creator: (e) => [e.organisation],
  publisher: (e) => [e.organisation],
  language: () => ['ind'],
};
const DATE_QUERYABLES = ['modified', 'revisiondate'];
const GEOMETRY_QUERYABLES = ['boundingbox', 'envelope', 'spatial'];
export const QUERYABLE_NAMES = [
  'AnyText',
  'Title',
  'Abstract',
  'Subject',
  'TopicCategory',
  'Identifier',
  'Modified',
  'Type',
  'Format',
  'OrganisationName',
  'Language',
  'BoundingBox',
];

const local = (ref: string) => ref.replace(/^.*[:/]/, '').toLowerCase();

/** The catalogue's queryables as what Filter Encoding and CQL read against. */
export const CSW_TARGET: FilterTarget = {
  property: (ref) => (local(ref) in QUERYABLES ? local(ref) : null),
  typeOf: (p) => (DATE_QUERYABLES.includes(p) ? 'date' : 'string'),
  isGeometry: (ref) => GEOMETRY_QUERYABLES.includes(local(ref)),
  help: `queryables: ${QUERYABLE_NAMES.join(', ')}`,
  // Filter 1.1 with GML 3.1.1 as OWSLib writes it: a box without srsName is longitude first.
  defaultCrs: 'EPSG:4326',
  ids: (values) => ({ kind: 'in', property: 'identifier', values, negate: false }),
};

/** Whether an entry passes a filter tree, evaluated over its queryables (text matching ignores case in LIKE). */
export function matches(e: CswEntry, x: Expr): boolean {
  const values = (p: string) => (QUERYABLES[p] ?? (() => []))(e);
  switch (x.kind) {
    case 'and':
      return x.args.every((a) => matches(e, a));
    case 'or':
      return x.args.some((a) => matches(e, a));
    case 'not':
      return !matches(e, x.arg);
    case 'bool':
      return x.value;
    case 'compare': {
      const want =
        typeof x.value === 'object'
          ? 'date' in x.value
            ? x.value.date
            : x.value.timestamp.slice(0, 10)
          : String(x.value);
      return values(x.property).some((v) => compare(v, x.op, want));
    }
    case 'like': {
      const like = likeMatcher(x.pattern);
      return values(x.property).some((v) => like(v)) !== x.negate;
    }
    case 'in':
      return values(x.property).some((v) => x.values.map(String).includes(v)) !== x.negate;
    case 'between':
      return values(x.property).some((v) => Number(v) >= x.low && Number(v) <= x.high) !== x.negate;
    case 'isNull':
      return (values(x.property).filter((v) => v !== '').length === 0) !== x.negate;
    case 'spatial': {
      const lit = x.args.map((a) => ('geometry' in a ? geometryEnvelope(a.geometry) : null)).find((g) => g !== null);
      if (!e.bbox || !lit) return false;
      const b = e.bbox;
      const intersects = b[0] <= lit[2] && b[2] >= lit[0] && b[1] <= lit[3] && b[3] >= lit[1];
      if (x.op === 's_disjoint') return !intersects;
      if (x.op === 's_within') return b[0] >= lit[0] && b[2] <= lit[2] && b[1] >= lit[1] && b[3] <= lit[3];
      if (x.op === 's_contains') return lit[0] >= b[0] && lit[2] <= b[2] && lit[1] >= b[1] && lit[3] <= b[3];
      return intersects;
    }
    case 'ids':
    case 'fid':
      return false;
    case 'envelopeIntersects': {
      const b = e.bbox;
      const l = x.bbox;
      return b !== null && b[0] <= l[2] && b[2] >= l[0] && b[1] <= l[3] && b[3] >= l[1];
    }
  }
}

function compare(a: string, op: string, b: string): boolean {
  const c = a < b ? -1 : a > b ? 1 : 0;
  return op === '='
    ? c === 0
    : op === '<>'
      ? c !== 0
      : op === '<'
        ? c < 0
        : op === '<='
          ? c <= 0
          : op === '>'
            ? c > 0
            : c >= 0;
}

/**
 * A SQL LIKE pattern (`%`, `_`, `\` escapes) as a case-insensitive whole-string test that runs in
 * linear passes: the pattern is cut at `%` into pieces, the first must match at the start, the
 * last at the end, and each middle piece at its earliest place after the one before (no
 * backtracking, so `%a%a%a%a%!` cannot stall the server as a regular expression would).
 */
export function likeMatcher(pattern: string): (text: string) => boolean {
  const pieces: string[][] = [[]];
  for (let i = 0; i < pattern.length; i += 1) {
    const ch = pattern[i] as string;
    const current = pieces[pieces.length - 1] as string[];
    if (ch === '\\' && i + 1 < pattern.length) current.push(`=${(pattern[(i += 1)] as string).toLowerCase()}`);
    else if (ch === '%') pieces.push([]);
    else if (ch === '_') current.push('_');
    else current.push(`=${ch.toLowerCase()}`);
  }
  const at = (text: string, piece: string[], pos: number) =>
    pos + piece.length <= text.length && piece.every((t, k) => t === '_' || t.slice(1) === text[pos + k]);
  return (raw: string) => {
    const text = raw.toLowerCase();
    const first = pieces[0] as string[];
    if (pieces.length === 1) return text.length === first.length && at(text, first, 0);
    if (!at(text, first, 0)) return false;
    let pos = first.length;
    for (const piece of pieces.slice(1, -1)) {
      let found = -1;
      for (let i = pos; i + piece.length <= text.length; i += 1) {
        if (at(text, piece, i)) {
          found = i;
          break;
        }
      }
      if (found < 0) return false;
      pos = found + piece.length;
    }
    const last = pieces[pieces.length - 1] as string[];
    return text.length - last.length >= pos && at(text, last, text.length - last.length);
  };
}

export type ElementSet = 'brief' | 'summary' | 'full';

const dc = (name: string, text: string) => `<dc:${name}>${esc(text)}</dc:${name}>`;
const dct = (name: string, text: string) => `<dct:${name}>${esc(text)}</dct:${name}>`;

/** ows:BoundingBox in EPSG:4326 by URN: latitude first, as CSW 2.0.2 clients (OWSLib) read it. */
function boundingBox(b: [number, number, number, number] | null): string {
  return b
    ? `<ows:BoundingBox crs="urn:ogc:def:crs:EPSG::4326" dimensions="2"><ows:LowerCorner>${b[1]} ${b[0]}</ows:LowerCorner><ows:UpperCorner>${b[3]} ${b[2]}</ows:UpperCorner></ows:BoundingBox>`
    : '';
}

/** A Dublin Core record (csw:BriefRecord, SummaryRecord or Record), elements in the schemas' order. */
export function dcRecord(e: CswEntry, set: ElementSet): string {
  const head = dc('identifier', e.id) + dc('title', e.title) + dc('type', 'dataset');
  if (set === 'brief') return `<csw:BriefRecord>${head}${boundingBox(e.bbox)}</csw:BriefRecord>`;
  const subjects = e.subjects.map((s) => dc('subject', s)).join('');
  const formats = e.iso.formats.map(([name]) => dc('format', name)).join('');
  if (set === 'summary') {
    return `<csw:SummaryRecord>${head}${subjects}${formats}${dct('modified', e.modified)}${dct('abstract', e.abstract)}${boundingBox(e.bbox)}</csw:SummaryRecord>`;
  }
  const l = e.iso;
  const refs = l.resources
    .map((r) => `<dct:references scheme="${esc(r.protocol)}">${esc(r.url)}</dct:references>`)
    .join('');
  return (
    `<csw:Record>${head}${subjects}${formats}${dc('creator', e.organisation)}${dc('publisher', 'Pemerintah Kota Tangerang')}` +
    `${dc('language', 'ind')}${l.license ? dc('rights', l.license) : ''}${dct('modified', e.modified)}${dct('abstract', e.abstract)}` +
    `${l.timeExtent ? dct('temporal', `${l.timeExtent[0]}/${l.timeExtent[1]}`) : ''}${refs}${boundingBox(e.bbox)}</csw:Record>`
  );
}
