import { AppError, badRequest } from '../http/app-error.js';
import { parseXml, type XmlElement } from '../http/xml.js';

/**
 * A GetFeature in the XML encoding (what OWSLib POSTs for filters) as the KVP parameters it
 * means, plus its fes:Filter element. Attribute names are read case-insensitively (OWSLib writes
 * `typenames` and `outputformat`). One wfs:Query per request, as with KVP.
 */
export function xmlGetFeature(body: string): { kvp: Map<string, string>; filter: XmlElement | undefined } {
  const root = parseXml(body);
  if (!root) throw badRequest('bad_request', 'The request body is not well-formed XML.', { parameter: 'body' });
  if (root.name !== 'GetFeature') {
    throw new AppError(
      400,
      'operation_not_supported',
      `POST takes a wfs:GetFeature document, not ${root.name}; use GET (KVP) for the other requests.`,
      { parameter: 'REQUEST' },
    );
  }
  const kvp = new Map<string, string>([['REQUEST', 'GetFeature']]);
  const copy = (attrs: Record<string, string>, names: string[]) => {
    for (const [k, v] of Object.entries(attrs)) if (names.includes(k.toUpperCase())) kvp.set(k.toUpperCase(), v);
  };
  copy(root.attrs, ['SERVICE', 'VERSION', 'COUNT', 'MAXFEATURES', 'STARTINDEX', 'OUTPUTFORMAT', 'RESULTTYPE']);
  const queries = root.children.filter((c) => c.name === 'Query' || c.name === 'StoredQuery');
  if (queries.length !== 1 || queries[0]?.name !== 'Query') {
    throw badRequest(
      'invalid_parameter',
      'A GetFeature holds exactly one wfs:Query (stored queries are not offered).',
      {
        parameter: 'Query',
      },
    );
  }
  const query = queries[0];
  copy(query.attrs, ['TYPENAMES', 'TYPENAME', 'SRSNAME']);
  const properties = query.children.filter((c) => c.name === 'PropertyName').map((c) => c.text);
  if (properties.length > 0) kvp.set('PROPERTYNAME', properties.join(','));
  const sort = query.children.find((c) => c.name === 'SortBy');
  if (sort) {
    const keys = sort.children.map((p) => {
      const ref = p.children.find((c) => c.name === 'ValueReference' || c.name === 'PropertyName')?.text ?? '';
      const order = p.children.find((c) => c.name === 'SortOrder')?.text ?? 'ASC';
      return `${ref} ${order}`;
    });
    kvp.set('SORTBY', keys.join(','));
  }
  const filters = query.children.filter((c) => c.name === 'Filter');
  if (filters.length > 1)
    throw badRequest('invalid_filter', 'A wfs:Query holds at most one fes:Filter.', { parameter: 'FILTER' });
  return { kvp, filter: filters[0] };
}
