import type { LayerRecord } from '../catalog/layer-types.js';
import type { ElementRecord } from '../elements/element-types.js';
import { ELEMENT_PACKAGE_PREFIX } from './ckan-service.js';
import {
  ACCESS_PUBLIC,
  AVAILABILITY_STABLE,
  DATA_THEME_SCHEME,
  EU_THEME_LABELS,
  euFrequency,
  euTheme,
  format,
  LANGUAGE_INDONESIAN,
  LICENCE_TYPE_SCHEME,
  LICENCE_TYPES,
  licenceTypeIri,
  licenseNode,
  PUBLISHER_LOCAL_AUTHORITY,
  WGS84_CRS,
  type FormatIris,
} from './dcat-vocab.js';

/** The city's Kemendagri code: every dataset here is about Kota Tangerang. */
const CITY_CODE = '36.71';

export const DCAT_CONTEXT = {
  dcat: 'http://www.w3.org/ns/dcat#',
  dct: 'http://purl.org/dc/terms/',
  foaf: 'http://xmlns.com/foaf/0.1/',
  vcard: 'http://www.w3.org/2006/vcard/ns#',
  xsd: 'http://www.w3.org/2001/XMLSchema#',
  rdfs: 'http://www.w3.org/2000/01/rdf-schema#',
  skos: 'http://www.w3.org/2004/02/skos/core#',
  hydra: 'http://www.w3.org/ns/hydra/core#',
  locn: 'http://www.w3.org/ns/locn#',
  gsp: 'http://www.opengis.net/ont/geosparql#',
  dcatap: 'http://data.europa.eu/r5r/',
};

/** A JSON-LD document with its context inline (never fetched from elsewhere). */
export interface JsonLdDocument {
  '@context': Record<string, string>;
  '@graph': Record<string, unknown>[];
}

/** One page of the catalog: which datasets, and where the pages are. */
export interface DcatPage {
  layers: LayerRecord[];
  elements: ElementRecord[];
  /** 1-based. */
  page: number;
  pageSize: number;
  totalItems: number;
  /** When the first dataset was registered and the newest change, over the whole catalog. */
  issued: string | null;
  modified: string | null;
  /** The city's extent, [minLon, minLat, maxLon, maxLat]; null before the boundaries are loaded. */
  cityBbox: [number, number, number, number] | null;
  /** The address pages are linked at: the one asked, so the next page comes in the same format. */
  pagePath: string;
}

const id = (iri: string) => ({ '@id': iri });
const typed = (value: string, type: string) => ({ '@value': value, '@type': type });
const text = (value: string) => ({ '@value': value, '@language': 'id' });
/** A concept where it is used: its IRI and class; labels and scheme are said once per page (`vocabulary`). */
const concept = (iri: string) => ({ '@id': iri, '@type': 'skos:Concept' });
const ADMS_PUBLISHER_TYPES = 'http://purl.org/adms/publishertype/1.0';
const AVAILABILITY_SCHEME = 'http://publications.europa.eu/resource/authority/planned-availability';

/** Where our own themes live as SKOS concepts (served at that address). */
export const themeScheme = (base: string) => `${base}/catalog/themes`;
/** The IRI of a Kemendagri district as this node publishes it. */
const districtIri = (base: string, code: string) => `${base}/api/districts/${code}`;

/**
 * DCAT-AP 2.1 JSON-LD of one page of the public catalog: the catalog, its datasets (layers and
 * data elements) with IRIs from controlled vocabularies, typed dates and WKT, and Hydra paging
 * under both the names ckanext-dcat reads (PagedCollection/nextPage) and those of Hydra Core
 * today (PartialCollectionView/next).
 */
export function dcatCatalog(p: DcatPage, base: string): JsonLdDocument {
  const catalog = `${base}/catalog/dcat`;
  const pageUrl = (n: number) => `${base}${p.pagePath}?page=${n}&page_size=${p.pageSize}`;
  const last = Math.max(1, Math.ceil(p.totalItems / p.pageSize));
  return {
    '@context': DCAT_CONTEXT,
    '@graph': [
      {
        '@id': catalog,
        '@type': 'dcat:Catalog',
        'dct:title': text('Satu Data Satu Peta Kota Tangerang'),
        'dct:description': text(
          'Lapisan geospasial dan elemen data publik perangkat daerah dan BUMD Kota Tangerang (data contoh).',
        ),
        'dct:language': { '@id': LANGUAGE_INDONESIAN, '@type': 'dct:LinguisticSystem' },
        'dct:publisher': {
          '@id': `${base}/#pemerintah-kota-tangerang`,
          '@type': 'foaf:Agent',
          'foaf:name': 'Pemerintah Kota Tangerang',
          'dct:type': concept(PUBLISHER_LOCAL_AUTHORITY),
        },
        'foaf:homepage': { '@id': `${base}/`, '@type': 'foaf:Document' },
        'dct:spatial': { '@id': districtIri(base, CITY_CODE), '@type': 'dct:Location' },
        'dcat:themeTaxonomy': [id(DATA_THEME_SCHEME), id(themeScheme(base))],
        ...(p.issued ? { 'dct:issued': typed(p.issued, 'xsd:dateTime') } : {}),
        ...(p.modified ? { 'dct:modified': typed(p.modified, 'xsd:dateTime') } : {}),
        'dct:license': licenseNode('CC BY 4.0'),
        'dcat:dataset': [...p.layers.map((l) => dataset(l, base)), ...p.elements.map((e) => elementDataset(e, base))],
      },
      ...vocabulary(p, base),
      {
        '@id': pageUrl(p.page),
        '@type': ['hydra:PagedCollection', 'hydra:PartialCollectionView'],
        'hydra:totalItems': typed(String(p.totalItems), 'xsd:integer'),
        'hydra:itemsPerPage': typed(String(p.pageSize), 'xsd:integer'),
        'hydra:firstPage': pageUrl(1),
        'hydra:lastPage': pageUrl(last),
        'hydra:first': id(pageUrl(1)),
        'hydra:last': id(pageUrl(last)),
        ...(p.page < last ? { 'hydra:nextPage': pageUrl(p.page + 1), 'hydra:next': id(pageUrl(p.page + 1)) } : {}),
        ...(p.page > 1 ? { 'hydra:previousPage': pageUrl(p.page - 1), 'hydra:previous': id(pageUrl(p.page - 1)) } : {}),
      },
    ],
  };
}

/**
 * The concepts a page uses, each said once with its label and scheme (DCAT-AP asks every
 * skos:Concept for a prefLabel and every scheme for a title), and the city as a place.
 */
function vocabulary(p: DcatPage, base: string): Record<string, unknown>[] {
  const ours = new Map<string, string>();
  for (const r of [...p.layers, ...p.elements]) ours.set(r.themeCode, r.themeName);
  const eu = new Set([...ours.keys()].map(euTheme));
  const scheme = (iri: string, title: string) => ({ '@id': iri, '@type': 'skos:ConceptScheme', 'dct:title': title });
  const labelled = (iri: string, inScheme: string, label: string) => ({
    '@id': iri,
    '@type': 'skos:Concept',
    'skos:inScheme': id(inScheme),
    'skos:prefLabel': label,
  });
  return [
    scheme(DATA_THEME_SCHEME, 'Data theme'),
    scheme(themeScheme(base), 'Tema Satu Peta Kota Tangerang'),
    ...[...eu].map((iri) => labelled(iri, DATA_THEME_SCHEME, EU_THEME_LABELS[iri.split('/').at(-1) ?? ''] ?? iri)),
    ...[...ours].map(([code, name]) => labelled(`${themeScheme(base)}#${code}`, themeScheme(base), name)),
    labelled(PUBLISHER_LOCAL_AUTHORITY, ADMS_PUBLISHER_TYPES, 'Local Authority'),
    labelled(AVAILABILITY_STABLE, AVAILABILITY_SCHEME, 'stable'),
    {
      '@id': districtIri(base, CITY_CODE),
      '@type': 'dct:Location',
      'dct:identifier': CITY_CODE,
      'skos:prefLabel': 'Kota Tangerang',
      ...(p.cityBbox ? boxAndCentre(p.cityBbox) : {}),
    },
    ...licenceTypes(),
  ];
}

/** Our themes as a SKOS concept scheme, each concept matched to its EU data theme. */
export function themeConceptScheme(
  themes: { code: string; name: string; description: string }[],
  base: string,
): JsonLdDocument {
  const scheme = themeScheme(base);
  return {
    '@context': DCAT_CONTEXT,
    '@graph': [
      { '@id': scheme, '@type': 'skos:ConceptScheme', 'dct:title': text('Tema Satu Peta Kota Tangerang') },
      ...themes.map((t) => ({
        '@id': `${scheme}#${t.code}`,
        '@type': 'skos:Concept',
        'skos:inScheme': id(scheme),
        'skos:notation': t.code,
        'skos:prefLabel': text(t.name),
        'skos:definition': text(t.description),
        'skos:closeMatch': id(euTheme(t.code)),
      })),
    ],
  };
}

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

function dataset(l: LayerRecord, base: string): Record<string, unknown> {
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

/** The ADMS licence types, each with its label and scheme. */
function licenceTypes(): Record<string, unknown>[] {
  return Object.entries(LICENCE_TYPES).map(([t, label]) => ({
    '@id': licenceTypeIri(t),
    '@type': 'skos:Concept',
    'skos:inScheme': id(LICENCE_TYPE_SCHEME),
    'skos:prefLabel': label,
  }));
}

/** A box as DCAT-AP (GeoDCAT) writes a place: WKT polygon and centre point, longitude first. */
function boxAndCentre(b: [number, number, number, number]): Record<string, unknown> {
  return {
    'dcat:bbox': typed(
      `POLYGON((${b[0]} ${b[1]}, ${b[2]} ${b[1]}, ${b[2]} ${b[3]}, ${b[0]} ${b[3]}, ${b[0]} ${b[1]}))`,
      'gsp:wktLiteral',
    ),
    'dcat:centroid': typed(`POINT(${(b[0] + b[2]) / 2} ${(b[1] + b[3]) / 2})`, 'gsp:wktLiteral'),
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
function elementDataset(e: ElementRecord, base: string): Record<string, unknown> {
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
