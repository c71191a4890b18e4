import type { LayerRecord } from '../catalog/layer-types.js';
import type { ElementRecord } from '../elements/element-types.js';
import { ELEMENT_PACKAGE_PREFIX } from './ckan-service.js';

/** DCAT-AP style JSON-LD of the public catalog, for harvesters that speak DCAT rather than CKAN. */
export function dcatCatalog(layers: LayerRecord[], elements: ElementRecord[], base: string): Record<string, unknown> {
  return {
    '@context': {
      dcat: 'http://www.w3.org/ns/dcat#',
      dct: 'http://purl.org/dc/terms/',
      foaf: 'http://xmlns.com/foaf/0.1/',
      vcard: 'http://www.w3.org/2006/vcard/ns#',
      xsd: 'http://www.w3.org/2001/XMLSchema#',
    },
    '@id': `${base}/catalog/dcat.jsonld`,
    '@type': 'dcat:Catalog',
    'dct:title': 'Satu Data Satu Peta Kota Tangerang',
    'dct:description': 'Lapisan geospasial dan elemen data publik perangkat daerah dan BUMD Kota Tangerang.',
    'dct:language': 'id',
    'dct:publisher': { '@type': 'foaf:Organization', 'foaf:name': 'Pemerintah Kota Tangerang' },
    'foaf:homepage': `${base}/`,
    'dcat:dataset': [...layers.map((l) => dataset(l, base)), ...elements.map((e) => elementDataset(e, base))],
  };
}

function dataset(l: LayerRecord, base: string): Record<string, unknown> {
  const enc = encodeURIComponent(l.slug);
  const distribution = (title: string, url: string, mediaType: string, format: string) => ({
    '@type': 'dcat:Distribution',
    'dct:title': title,
    'dcat:accessURL': { '@id': url },
    'dcat:mediaType': mediaType,
    'dct:format': format,
  });
  const b = l.bbox;
  return {
    '@id': `${base}/api/layers/${enc}`,
    '@type': 'dcat:Dataset',
    'dct:identifier': l.slug,
    'dct:title': l.title,
    'dct:description': l.description,
    'dcat:keyword': l.keywords,
    'dcat:theme': l.themeName,
    'dct:publisher': { '@type': 'foaf:Organization', 'foaf:name': l.agencyName },
    'dct:modified': { '@value': l.dataUpdatedAt, '@type': 'xsd:dateTime' },
    ...(l.license ? { 'dct:license': l.license } : {}),
    ...(l.updateFrequency ? { 'dct:accrualPeriodicity': l.updateFrequency } : {}),
    ...(l.lineage ? { 'dct:provenance': l.lineage } : {}),
    ...(l.contactEmail
      ? {
          'dcat:contactPoint': {
            '@type': 'vcard:Organization',
            'vcard:fn': l.custodian ?? l.agencyName,
            'vcard:hasEmail': `mailto:${l.contactEmail}`,
          },
        }
      : {}),
    ...(b
      ? {
          'dct:spatial': {
            '@type': 'dct:Location',
            'dcat:bbox': `POLYGON((${b[0]} ${b[1]}, ${b[2]} ${b[1]}, ${b[2]} ${b[3]}, ${b[0]} ${b[3]}, ${b[0]} ${b[1]}))`,
          },
        }
      : {}),
    'dcat:distribution': [
      ...DOWNLOADS.map(([title, file, type, format]) => {
        const url = `${base}/api/layers/${enc}/${file}`;
        return { ...distribution(title, url, type, format), 'dcat:downloadURL': { '@id': url } };
      }),
      distribution('WFS 2.0', `${base}/wfs?SERVICE=WFS&REQUEST=GetCapabilities`, 'application/xml', 'WFS'),
      distribution('WMS 1.3.0', `${base}/wms?SERVICE=WMS&REQUEST=GetCapabilities`, 'text/xml', 'WMS'),
      distribution('OGC API Features', `${base}/ogc/collections/${enc}`, 'application/json', 'OGC API Features'),
      distribution('Vector tiles (TileJSON)', `${base}/tiles/${enc}.json`, 'application/json', 'TileJSON'),
    ],
  };
}

/** The whole-layer downloads: title, file, media type, format. */
const DOWNLOADS: [string, string, string, string][] = [
  ['GeoJSON', 'download.geojson', 'application/geo+json', 'GeoJSON'],
  ['CSV (WKT)', 'download.csv', 'text/csv', 'CSV'],
  ['GeoPackage', 'download.gpkg', 'application/geopackage+sqlite3', 'GPKG'],
  ['Shapefile (zip)', 'download.shp.zip', 'application/zip', 'SHP'],
];

/** A data element as a DCAT dataset: its values as a CSV distribution with a download URL. */
function elementDataset(e: ElementRecord, base: string): Record<string, unknown> {
  const self = `${base}/api/elements/${encodeURIComponent(e.slug)}`;
  return {
    '@id': self,
    '@type': 'dcat:Dataset',
    'dct:identifier': `${ELEMENT_PACKAGE_PREFIX}${e.slug}`,
    'dct:title': e.name,
    'dct:description': e.definition || e.name,
    'dcat:keyword': e.keywords,
    'dcat:theme': e.themeName,
    'dct:publisher': { '@type': 'foaf:Organization', 'foaf:name': e.agencyName },
    'dct:modified': { '@value': e.modifiedAt, '@type': 'xsd:dateTime' },
    ...(e.license ? { 'dct:license': e.license } : {}),
    'dct:accrualPeriodicity': e.frequency,
    ...(e.source ? { 'dct:source': e.source } : {}),
    ...(e.firstPeriod && e.lastPeriod
      ? {
          'dct:temporal': {
            '@type': 'dct:PeriodOfTime',
            'dcat:startDate': e.firstPeriod.slice(0, 4),
            'dcat:endDate': e.lastPeriod.slice(-4),
          },
        }
      : {}),
    'dcat:distribution': [
      {
        '@type': 'dcat:Distribution',
        'dct:title': 'Nilai (CSV)',
        'dcat:accessURL': { '@id': `${self}/values.csv` },
        'dcat:downloadURL': { '@id': `${self}/values.csv` },
        'dcat:mediaType': 'text/csv',
        'dct:format': 'CSV',
      },
      {
        '@type': 'dcat:Distribution',
        'dct:title': 'Satu Data metadata',
        'dcat:accessURL': { '@id': self },
        'dcat:mediaType': 'application/json',
        'dct:format': 'JSON',
      },
    ],
  };
}
