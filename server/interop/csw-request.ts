import { AppError, badRequest } from '../http/app-error.js';
import { parseXml, type XmlElement } from '../http/xml.js';

export const CSW_NS = 'http://www.opengis.net/cat/csw/2.0.2';
export const GMD_SCHEMA = 'http://www.isotc211.org/2005/gmd';

/** A CSW 2.0.2 request as both encodings (KVP by GET, XML by POST) give it. */
export interface CswRequest {
  request: string;
  version: string | undefined;
  service: string | undefined;
  outputSchema: string;
  elementSet: string;
  typeNames: string | undefined;
  resultType: string;
  startPosition: number;
  maxRecords: number;
  constraint: { cql: string } | { filter: XmlElement } | { filterText: string } | null;
  /** SORTBY as `name:A|D` pairs. */
  sortBy: { property: string; descending: boolean }[];
  ids: string[];
  /** GetDomain: ParameterName or PropertyName. */
  domain: { parameter: string } | { property: string } | null;
}

function whole(text: string | undefined, name: string, min: number, fallback: number): number {
  if (text === undefined || text.trim() === '') return fallback;
  if (!/^\d{1,9}$/.test(text.trim()) || Number(text) < min)
    throw badRequest('invalid_parameter', `${name} must be a whole number of at least ${min}.`, { parameter: name });
  return Number(text);
}

/** KVP parameters (names case-insensitive, each once). */
export function kvpRequest(query: Record<string, unknown>): CswRequest {
  const kvp = new Map<string, string>();
  for (const [k, v] of Object.entries(query)) {
    if (typeof v !== 'string' || kvp.has(k.toUpperCase()))
      throw badRequest('invalid_parameter', `Parameter ${k.toUpperCase()} must be given once.`, { parameter: k });
    kvp.set(k.toUpperCase(), v);
  }
  const request = kvp.get('REQUEST');
  if (!request)
    throw new AppError(400, 'missing_parameter', 'REQUEST is required (GetCapabilities, GetRecords, GetRecordById…).', {
      parameter: 'REQUEST',
    });
  const language = kvp.get('CONSTRAINTLANGUAGE')?.toUpperCase();
  const constraintText = kvp.get('CONSTRAINT');
  if (constraintText !== undefined && language !== 'CQL_TEXT' && language !== 'FILTER')
    throw badRequest('invalid_parameter', 'CONSTRAINTLANGUAGE must be CQL_TEXT or FILTER with CONSTRAINT.', {
      parameter: 'CONSTRAINTLANGUAGE',
    });
  return {
    request,
    version: kvp.get('VERSION'),
    service: kvp.get('SERVICE'),
    outputSchema: kvp.get('OUTPUTSCHEMA') ?? CSW_NS,
    elementSet: kvp.get('ELEMENTSETNAME') ?? 'summary',
    typeNames: kvp.get('TYPENAMES'),
    resultType: kvp.get('RESULTTYPE') ?? 'hits',
    startPosition: whole(kvp.get('STARTPOSITION'), 'STARTPOSITION', 1, 1),
    maxRecords: whole(kvp.get('MAXRECORDS'), 'MAXRECORDS', 0, 10),
    constraint:
      constraintText === undefined
        ? null
        : language === 'CQL_TEXT'
          ? { cql: constraintText }
          : { filterText: constraintText },
    sortBy: (kvp.get('SORTBY') ?? '')
      .split(',')
      .filter((s) => s.trim() !== '')
      .map((s) => {
        // name:A or name:D, where the name may carry a prefix (dc:title:D)
        const m = /^(.*?)(?::(A|D|ASC|DESC))?$/i.exec(s.trim());
        return { property: m?.[1] ?? '', descending: /^D/i.test(m?.[2] ?? 'A') };
      }),
    ids: (kvp.get('ID') ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== ''),
    domain: kvp.get('PARAMETERNAME')
      ? { parameter: kvp.get('PARAMETERNAME') as string }
      : kvp.get('PROPERTYNAME')
        ? { property: kvp.get('PROPERTYNAME') as string }
        : null,
  };
}

/** An XML request (GetRecords, GetRecordById, GetDomain, GetCapabilities, DescribeRecord). */
export function xmlRequest(body: string): CswRequest {
  const root = parseXml(body);
  if (!root) throw badRequest('bad_request', 'The request body is not well-formed XML.', { parameter: 'body' });
  const attr = (e: XmlElement, name: string) =>
    Object.entries(e.attrs).find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1];
  const child = (e: XmlElement | undefined, name: string) => e?.children.find((c) => c.name === name);
  const query = child(root, 'Query');
  const constraint = child(query, 'Constraint');
  const filter = child(constraint, 'Filter');
  const cql = child(constraint, 'CqlText');
  const sort = child(query, 'SortBy');
  return {
    request: root.name,
    version: attr(root, 'version'),
    service: attr(root, 'service'),
    outputSchema: attr(root, 'outputSchema') ?? CSW_NS,
    elementSet: child(query, 'ElementSetName')?.text ?? child(root, 'ElementSetName')?.text ?? 'summary',
    typeNames: query ? attr(query, 'typeNames') : undefined,
    resultType: attr(root, 'resultType') ?? 'hits',
    startPosition: whole(attr(root, 'startPosition'), 'startPosition', 1, 1),
    maxRecords: whole(attr(root, 'maxRecords'), 'maxRecords', 0, 10),
    constraint: filter ? { filter } : cql ? { cql: cql.text } : null,
    sortBy: (sort?.children ?? []).map((p) => ({
      property: child(p, 'PropertyName')?.text ?? child(p, 'ValueReference')?.text ?? '',
      descending: /^D/i.test(child(p, 'SortOrder')?.text ?? 'ASC'),
    })),
    ids: root.children.filter((c) => c.name === 'Id').map((c) => c.text),
    domain: child(root, 'ParameterName')
      ? { parameter: child(root, 'ParameterName')?.text ?? '' }
      : child(root, 'PropertyName')
        ? { property: child(root, 'PropertyName')?.text ?? '' }
        : null,
  };
}
