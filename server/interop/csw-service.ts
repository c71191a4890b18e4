import { visibilityKey, type Caller } from '../auth/access.js';
import type { CatalogService } from '../catalog/catalog-service.js';
import type { ElementsService } from '../elements/elements-service.js';
import { CqlError, type Expr } from '../features/cql2-ast.js';
import { parseCql2 } from '../features/cql2-parser.js';
import { filterError } from '../features/feature-query.js';
import { parseFesFilter } from '../features/fes-filter.js';
import { AppError, badRequest } from '../http/app-error.js';
import { esc } from '../http/xml.js';
import { cswCapabilities, DC_NS, DCT_NS, MAX_RECORDS, OWS10_NS } from './csw-capabilities.js';
import {
  CSW_TARGET,
  cswElementEntry,
  cswEntry,
  dcRecord,
  matches,
  type CswEntry,
  type ElementSet,
} from './csw-records.js';
import { CSW_NS, GMD_SCHEMA, type CswRequest } from './csw-request.js';
import { elementIso } from './iso-sources.js';
import { GCO_NS, GMD_NS, iso19139Record, isoRecordXml } from './iso19139.js';

const OPEN = `xmlns:csw="${CSW_NS}" xmlns:dc="${DC_NS}" xmlns:dct="${DCT_NS}" xmlns:ows="${OWS10_NS}" xmlns:gmd="${GMD_NS}" xmlns:gco="${GCO_NS}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"`;
const SORTABLE: Record<string, (e: CswEntry) => string> = {
  title: (e) => e.title.toLowerCase(),
  identifier: (e) => e.id,
  modified: (e) => e.modified,
  organisationname: (e) => e.organisation.toLowerCase(),
};

/**
 * CSW 2.0.2 over the catalog: records are the caller's visible layers and data elements (as
 * `elemen-<id>`; anonymous callers: publik only), as Dublin Core or ISO 19139; constraints
 * (Filter 1.1/FES 2.0 or CQL text) become the CQL2 tree and are evaluated over each record's
 * queryables.
 */
export class CswService {
  constructor(
    private readonly catalog: CatalogService,
    private readonly elements: ElementsService,
  ) {}

  /** One layer's ISO 19139 record (GET /api/layers/{id}/metadata.xml); hidden layers are not found. */
  async metadataXml(caller: Caller, slug: string, base: string): Promise<{ slug: string; xml: string }> {
    const layer = await this.catalog.getLayer(caller, slug);
    return { slug: layer.slug, xml: iso19139Record(layer, base) };
  }

  /** One data element's ISO 19139 record (GET /api/elements/{id}/metadata.xml); hidden ones are not found. */
  async elementMetadataXml(caller: Caller, slug: string, base: string): Promise<{ slug: string; xml: string }> {
    const element = await this.elements.get(caller, slug);
    return { slug: element.slug, xml: isoRecordXml(elementIso(element, base)) };
  }

  capabilities(base: string): string {
    return cswCapabilities(base);
  }

  async answer(caller: Caller, r: CswRequest, base: string): Promise<string> {
    if (r.service !== undefined && r.service.toUpperCase() !== 'CSW')
      throw badRequest('invalid_parameter', `SERVICE must be CSW, not "${r.service}".`, { parameter: 'SERVICE' });
    const op = r.request.toLowerCase();
    if (op === 'getcapabilities') return this.capabilities(base);
    if (r.version !== undefined && r.version !== '2.0.2')
      throw new AppError(400, 'version_not_supported', `This CSW speaks 2.0.2 only; VERSION was "${r.version}".`, {
        parameter: 'VERSION',
      });
    if (op === 'describerecord') return describeRecord();
    if (op === 'getdomain') return this.getDomain(caller, r, base);
    const schema = outputSchema(r.outputSchema);
    const set = elementSet(r.elementSet);
    if (op === 'getrecordbyid') {
      if (r.ids.length === 0)
        throw new AppError(400, 'missing_parameter', 'GetRecordById needs ID (one or more record identifiers).', {
          parameter: 'ID',
        });
      const entries = (await this.entries(caller, base)).filter((e) => r.ids.includes(e.id));
      return `<?xml version="1.0" encoding="UTF-8"?>\n<csw:GetRecordByIdResponse ${OPEN}>${entries.map((e) => record(e, schema, set)).join('')}</csw:GetRecordByIdResponse>\n`;
    }
    if (op !== 'getrecords')
      throw new AppError(
        400,
        'operation_not_supported',
        `REQUEST=${r.request} is not offered: use GetCapabilities, DescribeRecord, GetRecords, GetRecordById or GetDomain.`,
        {
          parameter: 'REQUEST',
        },
      );
    return this.getRecords(caller, r, schema, set, base);
  }

  private async getRecords(
    caller: Caller,
    r: CswRequest,
    schema: string,
    set: ElementSet,
    base: string,
  ): Promise<string> {
    const resultType = r.resultType.toLowerCase();
    if (!['hits', 'results', 'validate'].includes(resultType))
      throw badRequest('invalid_parameter', 'resultType must be hits or results.', { parameter: 'resultType' });
    const filter = constraintExpr(r.constraint);
    let entries = await this.entries(caller, base);
    if (filter) entries = entries.filter((e) => matches(e, filter));
    const keys = r.sortBy.map((s) => {
      const key = SORTABLE[s.property.replace(/^.*:/, '').toLowerCase()];
      if (!key)
        throw badRequest(
          'unknown_property',
          `Cannot sort by "${s.property}": use Title, Identifier, Modified or OrganisationName.`,
          { parameter: 'SortBy' },
        );
      return { key, descending: s.descending };
    });
    // Entries come in identifier order already: sort only when SortBy asks for another.
    if (keys.length > 0)
      entries.sort((a, b) => {
        for (const { key, descending } of keys) {
          const [x, y] = [key(a), key(b)];
          if (x !== y) return (x < y ? -1 : 1) * (descending ? -1 : 1);
        }
        return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
      });
    const max = Math.min(r.maxRecords, MAX_RECORDS);
    const page = resultType === 'results' ? entries.slice(r.startPosition - 1, r.startPosition - 1 + max) : [];
    const after = r.startPosition - 1 + page.length;
    const next = resultType === 'results' && after < entries.length ? after + 1 : 0;
    return (
      `<?xml version="1.0" encoding="UTF-8"?>\n<csw:GetRecordsResponse ${OPEN} version="2.0.2">` +
      `<csw:SearchStatus timestamp="${new Date().toISOString()}"/>` +
      `<csw:SearchResults numberOfRecordsMatched="${entries.length}" numberOfRecordsReturned="${page.length}" nextRecord="${next}" recordSchema="${esc(schema)}" elementSet="${set}">` +
      `${page.map((e) => record(e, schema, set)).join('')}</csw:SearchResults></csw:GetRecordsResponse>\n`
    );
  }

  private async getDomain(caller: Caller, r: CswRequest, base: string): Promise<string> {
    if (!r.domain)
      throw new AppError(400, 'missing_parameter', 'GetDomain needs PARAMETERNAME or PROPERTYNAME.', {
        parameter: 'PARAMETERNAME',
      });
    let values: string[];
    let name: string;
    if ('parameter' in r.domain) {
      name = r.domain.parameter;
      const known: Record<string, string[]> = {
        'getrecords.outputschema': [CSW_NS, GMD_SCHEMA],
        'getrecords.elementsetname': ['brief', 'summary', 'full'],
        'getrecords.resulttype': ['hits', 'results'],
        'getrecords.typenames': ['csw:Record', 'gmd:MD_Metadata'],
      };
      values = known[name.toLowerCase()] ?? [];
    } else {
      name = r.domain.property;
      const p = CSW_TARGET.property(name);
      if (p === null || p === 'anytext')
        throw badRequest('unknown_property', `GetDomain: "${name}" is not a queryable (${CSW_TARGET.help}).`, {
          parameter: 'PROPERTYNAME',
        });
      const entries = await this.entries(caller, base);
      const all = entries.flatMap((e) =>
        p === 'subject' || p === 'keywords' || p === 'topiccategory'
          ? e.subjects
          : p === 'organisationname'
            ? [e.organisation]
            : p === 'identifier'
              ? [e.id]
              : p === 'title'
                ? [e.title]
                : p === 'modified'
                  ? [e.modified]
                  : p === 'type'
                    ? ['dataset']
                    : p === 'format'
                      ? e.iso.formats.map(([f]) => f)
                      : [],
      );
      values = [...new Set(all)].sort();
    }
    const tag = 'parameter' in r.domain ? 'ParameterName' : 'PropertyName';
    return (
      `<?xml version="1.0" encoding="UTF-8"?>\n<csw:GetDomainResponse ${OPEN}><csw:DomainValues type="csw:Record"><csw:${tag}>${esc(name)}</csw:${tag}>` +
      `<csw:ListOfValues>${values.map((v) => `<csw:Value>${esc(v)}</csw:Value>`).join('')}</csw:ListOfValues></csw:DomainValues></csw:GetDomainResponse>\n`
    );
  }

  /**
   * Every record the caller may see, in identifier order. The registries hand back the same
   * record objects while nothing changed, so the entries built from them are kept and reused
   * until any of those objects differs (a harvest pages through 7,000 records).
   */
  private async entries(caller: Caller, base: string): Promise<CswEntry[]> {
    const [layers, elements] = await Promise.all([
      this.catalog.visibleLayers(caller),
      this.elements.visibleElements(caller),
    ]);
    const sources: object[] = [...layers, ...elements];
    const key = `${visibilityKey(caller)}|${base}`;
    const known = this.built.get(key);
    if (known && known.sources.length === sources.length && known.sources.every((x, i) => x === sources[i]))
      return [...known.entries];
    const entries = [...layers.map((l) => cswEntry(l, base)), ...elements.map((e) => cswElementEntry(e, base))];
    entries.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    if (this.built.size >= 16) this.built.clear();
    this.built.set(key, { sources, entries });
    return [...entries];
  }

  private readonly built = new Map<string, { sources: object[]; entries: CswEntry[] }>();
}

function record(e: CswEntry, schema: string, set: ElementSet): string {
  return schema === GMD_SCHEMA ? isoRecordXml(e.iso, false).trimEnd() : dcRecord(e, set);
}

function outputSchema(s: string): string {
  if (s === CSW_NS || s === GMD_SCHEMA) return s;
  if (s === 'csw:Record') return CSW_NS;
  throw badRequest('invalid_parameter', `outputSchema must be ${CSW_NS} (Dublin Core) or ${GMD_SCHEMA} (ISO 19139).`, {
    parameter: 'outputSchema',
    value: s,
  });
}

function elementSet(s: string): ElementSet {
  const v = s.trim().toLowerCase();
  if (v === 'brief' || v === 'summary' || v === 'full') return v;
  throw badRequest('invalid_parameter', 'ElementSetName must be brief, summary or full.', {
    parameter: 'ElementSetName',
    value: s,
  });
}

/** A constraint as the CQL2 tree: OGC Filter XML, or CQL text with prefixed names and CQL 1 BBOX read. */
function constraintExpr(c: CswRequest['constraint']): Expr | null {
  if (!c) return null;
  if ('filter' in c) return parseFesFilter(c.filter, CSW_TARGET);
  if ('filterText' in c) return parseFesFilter(c.filterText, CSW_TARGET);
  const text = c.cql
    .replace(/\b(?:csw|dc|dct|apiso|ows):(\w+)/gi, '$1')
    .replace(/\bBBOX\s*\(\s*(\w+)\s*,([^)]*)\)/gi, 'S_INTERSECTS($1, BBOX($2))');
  let expr: Expr;
  try {
    expr = parseCql2(text);
  } catch (err) {
    if (err instanceof CqlError) throw filterError(err);
    throw err;
  }
  return renameProperties(expr);
}

/** CQL names to the queryables' canonical names, refusing unknown ones. */
function renameProperties(x: Expr): Expr {
  const name = (p: string): string => {
    if (CSW_TARGET.isGeometry(p)) return 'geometry';
    const q = CSW_TARGET.property(p);
    if (q === null)
      throw badRequest('invalid_filter', `"${p}" is not a queryable (${CSW_TARGET.help}).`, {
        parameter: 'CONSTRAINT',
      });
    return q;
  };
  switch (x.kind) {
    case 'and':
    case 'or':
      return { ...x, args: x.args.map(renameProperties) };
    case 'not':
      return { ...x, arg: renameProperties(x.arg) };
    case 'compare':
    case 'like':
    case 'in':
    case 'between':
    case 'isNull':
      return { ...x, property: name(x.property) };
    default:
      return x;
  }
}

/** DescribeRecord: the csw:Record schema by reference to the official one. */
function describeRecord(): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<csw:DescribeRecordResponse xmlns:csw="${CSW_NS}">` +
    `<csw:SchemaComponent targetNamespace="${CSW_NS}" schemaLanguage="http://www.w3.org/XML/Schema">` +
    `<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema" targetNamespace="${CSW_NS}" elementFormDefault="qualified">` +
    `<xsd:include schemaLocation="http://schemas.opengis.net/csw/2.0.2/record.xsd"/></xsd:schema>` +
    `</csw:SchemaComponent></csw:DescribeRecordResponse>\n`
  );
}
