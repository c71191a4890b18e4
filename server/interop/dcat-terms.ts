/** JSON-LD building blocks of the DCAT documents: literals, IRIs and the places we name. */

/** The city's Kemendagri code: every dataset here is about Kota Tangerang. */
export const CITY_CODE = '36.71';

export const id = (iri: string) => ({ '@id': iri });
export const typed = (value: string, type: string) => ({ '@value': value, '@type': type });
export const text = (value: string) => ({ '@value': value, '@language': 'id' });
/** A concept where it is used: its IRI and class; labels and scheme are said once per page (`vocabulary`). */
export const concept = (iri: string) => ({ '@id': iri, '@type': 'skos:Concept' });
export const ADMS_PUBLISHER_TYPES = 'http://purl.org/adms/publishertype/1.0';
export const AVAILABILITY_SCHEME = 'http://publications.europa.eu/resource/authority/planned-availability';

/** Where our own themes live as SKOS concepts (served at that address). */
export const themeScheme = (base: string) => `${base}/catalog/themes`;
/** The IRI of a Kemendagri district as this node publishes it. */
export const districtIri = (base: string, code: string) => `${base}/api/districts/${code}`;

/** A box as DCAT-AP (GeoDCAT) writes a place: WKT polygon and centre point, longitude first. */
export function boxAndCentre(b: [number, number, number, number]): Record<string, unknown> {
  return {
    'dcat:bbox': typed(
      `POLYGON((${b[0]} ${b[1]}, ${b[2]} ${b[1]}, ${b[2]} ${b[3]}, ${b[0]} ${b[3]}, ${b[0]} ${b[1]}))`,
      'gsp:wktLiteral',
    ),
    'dcat:centroid': typed(`POINT(${(b[0] + b[2]) / 2} ${(b[1] + b[3]) / 2})`, 'gsp:wktLiteral'),
  };
}
