import type { LayerRecord } from '../catalog/layer-types.js';
import type { ElementRecord } from '../elements/element-types.js';
import { dataset, elementDataset } from './dcat-datasets.js';
import {
  ADMS_PUBLISHER_TYPES,
  AVAILABILITY_SCHEME,
  boxAndCentre,
  CITY_CODE,
  concept,
  districtIri,
  id,
  text,
  themeScheme,
  typed,
} from './dcat-terms.js';
import {
  AVAILABILITY_STABLE,
  DATA_THEME_SCHEME,
  EU_THEME_LABELS,
  euTheme,
  LANGUAGE_INDONESIAN,
  LICENCE_TYPE_SCHEME,
  LICENCE_TYPES,
  licenceTypeIri,
  licenseNode,
  PUBLISHER_LOCAL_AUTHORITY,
} from './dcat-vocab.js';

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

/** The ADMS licence types, each with its label and scheme. */
function licenceTypes(): Record<string, unknown>[] {
  return Object.entries(LICENCE_TYPES).map(([t, label]) => ({
    '@id': licenceTypeIri(t),
    '@type': 'skos:Concept',
    'skos:inScheme': id(LICENCE_TYPE_SCHEME),
    'skos:prefLabel': label,
  }));
}
