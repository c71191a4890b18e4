import type { LayerRecord } from '../catalog/layer-types.js';
import type { ElementRecord } from '../elements/element-types.js';
import { ELEMENT_PACKAGE_PREFIX } from './ckan-service.js';
import { boxAndCentre, CITY_CODE, concept, districtIri, id, text, themeScheme, typed } from './dcat-terms.js';
import {
  ACCESS_PUBLIC,
  AVAILABILITY_STABLE,
  euFrequency,
  euTheme,
  format,
  LANGUAGE_INDONESIAN,
  licenseNode,
  PUBLISHER_LOCAL_AUTHORITY,
  WGS84_CRS,
  type FormatIris,
} from './dcat-vocab.js';

/** Layers and data elements as DCAT-AP datasets with their distributions. */
/** What every dataset has: identity, words, themes, publisher, dates, language and place. */
function common(
  r: {
    self: string;
    identifier: string;
    title: string;
    description: string;
    keywords: string[];
    themeCode: string;
    agencyCode: string;
    agencyName: string;
    issued: string;
    modified: string;
    frequency: string | null;
    license: string | null;
    landingPage: string;
  },
  base: string,
): Record<string, unknown> {
  const frequency = euFrequency(r.frequency);
  return {
    '@id': r.self,
    '@type': 'dcat:Dataset',
    'dct:identifier': r.identifier,
    'dct:title': text(r.title),
    'dct:description': text(r.description || r.title),
    'dcat:keyword': r.keywords.map(text),
    'dcat:theme': [concept(euTheme(r.themeCode)), concept(`${themeScheme(base)}#${r.themeCode}`)],
    'dct:publisher': {
      '@id': `${base}/api/3/action/organization_show?id=${encodeURIComponent(r.agencyCode)}`,
      '@type': 'foaf:Agent',
      'foaf:name': r.agencyName,
      'dct:type': concept(PUBLISHER_LOCAL_AUTHORITY),
    },
    'dct:issued': typed(r.issued, 'xsd:dateTime'),
    'dct:modified': typed(r.modified, 'xsd:dateTime'),
    'dct:language': { '@id': LANGUAGE_INDONESIAN, '@type': 'dct:LinguisticSystem' },
    'dct:accessRights': { '@id': ACCESS_PUBLIC, '@type': 'dct:RightsStatement' },
    'dcat:landingPage': { '@id': r.landingPage, '@type': 'foaf:Document' },
    ...(frequency ? { 'dct:accrualPeriodicity': { '@id': frequency, '@type': 'dct:Frequency' } } : {}),
  };
}

/** A distribution: where to get it, in which format, under which licence. */
function distribution(
  title: string,
  url: string,
  f: FormatIris,
  license: Record<string, unknown> | null,
  download: boolean,
): Record<string, unknown> {
  return {
    '@type': 'dcat:Distribution',
    'dct:title': text(title),
    'dct:description': text(download ? `${title}: seluruh data dalam satu berkas.` : `${title}: layanan web.`),
    'dcat:accessURL': id(url),
    ...(download ? { 'dcat:downloadURL': id(url) } : {}),
    'dcat:mediaType': { '@id': f.mediaType, '@type': 'dct:MediaType' },
    'dct:format': { '@id': f.fileType, '@type': 'dct:MediaTypeOrExtent' },
    ...(license ? { 'dct:license': license } : {}),
    'dcatap:availability': concept(AVAILABILITY_STABLE),
  };
}

/** The whole-layer downloads: title, file, media type, EU file type. */
const DOWNLOADS: [string, string, FormatIris][] = [
  ['GeoJSON', 'download.geojson', format('application/geo+json', 'GEOJSON')],
  ['CSV (WKT)', 'download.csv', format('text/csv', 'CSV')],
  ['GeoPackage', 'download.gpkg', format('application/geopackage+sqlite3', 'GPKG')],
  ['Shapefile (zip)', 'download.shp.zip', format('application/zip', 'SHP')],
];

export function dataset(l: LayerRecord, base: string): Record<string, unknown> {
  const enc = encodeURIComponent(l.slug);
  const license = licenseNode(l.license);
  const b = l.bbox;
  return {
    ...common(
      {
        self: `${base}/api/layers/${enc}`,
        identifier: l.slug,
        title: l.title,
        description: l.description,
        keywords: l.keywords,
        themeCode: l.themeCode,
        agencyCode: l.agencyCode,
        agencyName: l.agencyName,
        issued: l.createdAt,
        modified: new Date(l.dataUpdatedAt).toISOString(),
        frequency: l.updateFrequency,
        license: l.license,
        landingPage: `${base}/?l=${enc}`,
      },
      base,
    ),
    ...(l.lineage ? { 'dct:provenance': { '@type': 'dct:ProvenanceStatement', 'rdfs:label': text(l.lineage) } } : {}),
    'dcat:contactPoint': contactPoint(l.custodian ?? l.agencyName, l.contactEmail, l.agencyCode, base),
    'dct:conformsTo': { '@id': WGS84_CRS, '@type': 'dct:Standard' },
    'dct:spatial': [
      { '@id': districtIri(base, CITY_CODE), '@type': 'dct:Location' },
      ...(b
        ? [
            {
              '@type': 'dct:Location',
              ...boxAndCentre(b),
            },
          ]
        : []),
    ],
    ...(l.timeExtent ? { 'dct:temporal': period(l.timeExtent[0], l.timeExtent[1], 'xsd:date') } : {}),
    'dcat:distribution': [
      ...DOWNLOADS.map(([title, file, f]) =>
        distribution(title, `${base}/api/layers/${enc}/${file}`, f, license, true),
      ),
      distribution(
        'WFS 2.0',
        `${base}/wfs?SERVICE=WFS&REQUEST=GetCapabilities`,
        format('application/xml', 'WFS_SRVC'),
        license,
        false,
      ),
      distribution(
        'WMS 1.3.0',
        `${base}/wms?SERVICE=WMS&REQUEST=GetCapabilities`,
        format('text/xml', 'WMS_SRVC'),
        license,
        false,
      ),
      distribution(
        'OGC API Features',
        `${base}/ogc/collections/${enc}`,
        format('application/json', 'JSON'),
        license,
        false,
      ),
      distribution(
        'Vector tiles (TileJSON)',
        `${base}/tiles/${enc}.json`,
        format('application/json', 'JSON'),
        license,
        false,
      ),
    ],
  };
}

/**
 * Who answers questions on a dataset: its walidata (custodian) or else its agency, with the
 * e-mail address the producer gave and the agency's page in the CKAN API.
 */
function contactPoint(name: string, email: string | null, agency: string, base: string): Record<string, unknown> {
  return {
    '@type': ['vcard:Organization', 'vcard:Kind'],
    'vcard:fn': name,
    ...(email ? { 'vcard:hasEmail': id(`mailto:${email}`) } : {}),
    'vcard:hasURL': id(`${base}/api/3/action/organization_show?id=${encodeURIComponent(agency)}`),
  };
}

function period(start: string, end: string, type: string): Record<string, unknown> {
  return { '@type': 'dct:PeriodOfTime', 'dcat:startDate': typed(start, type), 'dcat:endDate': typed(end, type) };
}

/** Satu Data periods ('2020', '2020-06', '2019-2020') as the first and last day of the years they span. */
function years(first: string, last: string): [string, string] | null {
  const a = /^\d{4}/.exec(first)?.[0];
  const b = /\d{4}$/.exec(last)?.[0];
  return a && b ? [`${a}-01-01`, `${b}-12-31`] : null;
}

/** A data element as a DCAT dataset: its values as a CSV distribution with a download URL. */
export function elementDataset(e: ElementRecord, base: string): Record<string, unknown> {
  const self = `${base}/api/elements/${encodeURIComponent(e.slug)}`;
  const license = licenseNode(e.license);
  const span = e.firstPeriod && e.lastPeriod ? years(e.firstPeriod, e.lastPeriod) : null;
  return {
    ...common(
      {
        self,
        identifier: `${ELEMENT_PACKAGE_PREFIX}${e.slug}`,
        title: e.name,
        description: e.definition,
        keywords: e.keywords,
        themeCode: e.themeCode,
        agencyCode: e.agencyCode,
        agencyName: e.agencyName,
        issued: e.createdAt,
        modified: e.modifiedAt,
        frequency: e.frequency,
        license: e.license,
        landingPage: `${base}/?tab=data&e=${encodeURIComponent(e.slug)}`,
      },
      base,
    ),
    ...(e.source
      ? { 'dct:provenance': { '@type': 'dct:ProvenanceStatement', 'rdfs:label': text(`Sumber: ${e.source}`) } }
      : {}),
    'dcat:contactPoint': contactPoint(e.custodian ?? e.agencyName, null, e.agencyCode, base),
    'dct:spatial': { '@id': districtIri(base, CITY_CODE), '@type': 'dct:Location' },
    ...(span ? { 'dct:temporal': period(span[0], span[1], 'xsd:date') } : {}),
    'dcat:distribution': [
      distribution('Nilai (CSV)', `${self}/values.csv`, format('text/csv', 'CSV'), license, true),
      distribution('Metadata Satu Data (JSON)', self, format('application/json', 'JSON'), license, false),
    ],
  };
}
