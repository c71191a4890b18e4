import type { Classification, LayerRecord } from '../catalog/layer-types.js';
import type { ElementRecord } from '../elements/element-types.js';
import { esc } from '../http/xml.js';

export const GMD_NS = 'http://www.isotc211.org/2005/gmd';
export const GCO_NS = 'http://www.isotc211.org/2005/gco';
const GML_NS = 'http://www.opengis.net/gml/3.2';
const CODELISTS = 'http://standards.iso.org/iso/19139/resources/gmxCodelists.xml';
/** The city's Kemendagri code: the administrative area every layer describes. */
const CITY_CODE = '36.71';

/** ISO 19115 topic categories (MD_TopicCategoryCode) for our themes. */
const TOPIC: Record<string, string> = {
  'batas-wilayah': 'boundaries',
  ekonomi: 'economy',
  'fasilitas-kesehatan': 'health',
  'fasilitas-pendidikan': 'society',
  'fasilitas-sosial': 'society',
  hidrografi: 'inlandWaters',
  hipsografi: 'elevation',
  kebencanaan: 'geoscientificInformation',
  'kependudukan-sosial': 'society',
  'lingkungan-hidup': 'environment',
  pemerintahan: 'structure',
  'penutup-lahan': 'imageryBaseMapsEarthCover',
  permukiman: 'structure',
  pertanahan: 'planningCadastre',
  'tata-ruang': 'planningCadastre',
  toponimi: 'location',
  transportasi: 'transportation',
  utilitas: 'utilitiesCommunication',
};

/** MD_MaintenanceFrequencyCode for the Satu Data update frequencies. */
const FREQUENCY: Record<string, string> = {
  harian: 'daily',
  mingguan: 'weekly',
  bulanan: 'monthly',
  triwulanan: 'quarterly',
  semesteran: 'biannually',
  tahunan: 'annually',
};

export function topicCategory(themeCode: string): string | null {
  return TOPIC[themeCode] ?? null;
}

const cs = (text: string) => `<gco:CharacterString>${esc(text)}</gco:CharacterString>`;
const code = (list: string, value: string) =>
  `<gmd:${list} codeList="${CODELISTS}#${list}" codeListValue="${value}">${value}</gmd:${list}>`;
const wrap = (name: string, inner: string) => `<gmd:${name}>${inner}</gmd:${name}>`;

function party(org: string, role: string, opts: { individual?: string | null; email?: string | null } = {}): string {
  const address = `<gmd:CI_Address><gmd:city>${cs('Kota Tangerang')}</gmd:city><gmd:administrativeArea>${cs('Banten')}</gmd:administrativeArea><gmd:country>${cs('Indonesia')}</gmd:country>${opts.email ? wrap('electronicMailAddress', cs(opts.email)) : ''}</gmd:CI_Address>`;
  return (
    `<gmd:CI_ResponsibleParty>${opts.individual ? wrap('individualName', cs(opts.individual)) : ''}` +
    `${wrap('organisationName', cs(org))}` +
    `${wrap('contactInfo', `<gmd:CI_Contact>${wrap('address', address)}</gmd:CI_Contact>`)}` +
    `${wrap('role', code('CI_RoleCode', role))}</gmd:CI_ResponsibleParty>`
  );
}

function online(url: string, protocol: string, name: string, description: string, fn: string): string {
  return wrap(
    'onLine',
    `<gmd:CI_OnlineResource>${wrap('linkage', `<gmd:URL>${esc(url)}</gmd:URL>`)}${wrap('protocol', cs(protocol))}` +
      `${wrap('name', cs(name))}${wrap('description', cs(description))}${wrap('function', code('CI_OnLineFunctionCode', fn))}</gmd:CI_OnlineResource>`,
  );
}

/** An online resource of a record, with the protocol names national catalogues (pycsw, GeoNetwork) use. */
export interface OnlineResource {
  url: string;
  protocol: string;
  name: string;
  description: string;
  fn: string;
}

/**
 * What an ISO 19139 record says of a dataset, whatever it is (a layer or a data element): the
 * record is written from this alone.
 */
export interface IsoSource {
  /** fileIdentifier and the citation's identifier: a layer's id, `elemen-<id>` for an element. */
  id: string;
  title: string;
  abstract: string;
  /** Revision date, YYYY-MM-DD. */
  day: string;
  /** When the data last changed (ISO 8601): the record's dateStamp. */
  changed: string;
  themeCode: string;
  keywords: string[];
  agencyName: string;
  producer: string | null;
  custodian: string | null;
  email: string | null;
  frequency: string | null;
  classification: Classification;
  license: string | null;
  representation: 'vector' | 'textTable';
  scaleDenominator: number | null;
  bbox: [number, number, number, number] | null;
  /** First and last day (YYYY-MM-DD). */
  timeExtent: [string, string] | null;
  isSample: boolean;
  /** Name and version of each distribution format. */
  formats: [string, string][];
  resources: OnlineResource[];
  lineage: string | null;
  dataSetURI: string;
  /** EPSG code, e.g. EPSG:4326; null where the data has no coordinates (a table by district code). */
  referenceSystem: string | null;
}

/** The online resources of a layer. */
export function onlineResources(l: LayerRecord, base: string): OnlineResource[] {
  const enc = encodeURIComponent(l.slug);
  return [
    {
      url: `${base}/wfs?SERVICE=WFS&REQUEST=GetCapabilities`,
      protocol: 'OGC:WFS',
      name: `satupeta:${l.slug}`,
      description: 'WFS 2.0.0',
      fn: 'download',
    },
    {
      url: `${base}/wms?SERVICE=WMS&REQUEST=GetCapabilities`,
      protocol: 'OGC:WMS',
      name: l.slug,
      description: 'WMS 1.3.0',
      fn: 'browsing',
    },
    {
      url: `${base}/ogc/collections/${enc}`,
      protocol: 'OGC:API-Features',
      name: l.slug,
      description: 'OGC API - Features',
      fn: 'download',
    },
    {
      url: `${base}/api/layers/${enc}/download.geojson`,
      protocol: 'WWW:DOWNLOAD-1.0-http--download',
      name: `${l.slug}.geojson`,
      description: 'GeoJSON, seluruh lapisan',
      fn: 'download',
    },
    {
      url: `${base}/api/layers/${enc}/download.csv`,
      protocol: 'WWW:DOWNLOAD-1.0-http--download',
      name: `${l.slug}.csv`,
      description: 'CSV dengan geometri WKT, seluruh lapisan',
      fn: 'download',
    },
    {
      url: `${base}/api/layers/${enc}/download.gpkg`,
      protocol: 'WWW:DOWNLOAD-1.0-http--download',
      name: `${l.slug}.gpkg`,
      description: 'GeoPackage, seluruh lapisan',
      fn: 'download',
    },
    {
      url: `${base}/api/layers/${enc}/download.shp.zip`,
      protocol: 'WWW:DOWNLOAD-1.0-http--download',
      name: `${l.slug}.shp.zip`,
      description: 'Shapefile (zip, UTF-8), seluruh lapisan',
      fn: 'download',
    },
    {
      url: `${base}/tiles/${enc}.json`,
      protocol: 'WWW:LINK-1.0-http--link',
      name: 'TileJSON',
      description: 'Vector tiles (Mapbox Vector Tiles) via TileJSON',
      fn: 'information',
    },
    {
      url: `${base}/?l=${enc}`,
      protocol: 'WWW:LINK-1.0-http--link',
      name: 'Peta',
      description: 'Lihat di Satu Peta Kota Tangerang',
      fn: 'browsing',
    },
  ];
}

/** One layer as an ISO 19139 record. */
export function iso19139Record(l: LayerRecord, base: string, withDeclaration = true): string {
  return isoRecordXml(layerIso(l, base), withDeclaration);
}

/** A layer as what its ISO record says. */
export function layerIso(l: LayerRecord, base: string): IsoSource {
  return {
    id: l.slug,
    title: l.title,
    abstract: l.description || l.title,
    day: (l.lastUpdate ?? l.dataUpdatedAt).slice(0, 10),
    changed: l.dataUpdatedAt,
    themeCode: l.themeCode,
    keywords: [...new Set([...l.keywords, l.themeName].filter((k) => k))],
    agencyName: l.agencyName,
    producer: l.producer,
    custodian: l.custodian,
    email: l.contactEmail,
    frequency: l.updateFrequency,
    classification: l.classification,
    license: l.license,
    representation: 'vector',
    scaleDenominator: l.scaleDenominator,
    bbox: l.bbox,
    timeExtent: l.timeExtent,
    isSample: l.isSample,
    formats: [
      ['GeoJSON', 'RFC 7946'],
      ['GML', '3.2'],
      ['GeoPackage', '1.2'],
      ['ESRI Shapefile', '1.0'],
      ['CSV', 'RFC 4180'],
    ],
    resources: onlineResources(l, base),
    lineage: l.lineage ?? l.source,
    dataSetURI: `${base}/api/layers/${encodeURIComponent(l.slug)}`,
    referenceSystem: l.referenceSystem ?? 'EPSG:4326',
  };
}

/**
 * A data element as what its ISO record says: a table of values per Kemendagri district code, so
 * its extent is the city's code (no bounding box: a box search is for data with coordinates),
 * time the years its periods span, its values as a CSV download.
 */
export function elementIso(e: ElementRecord, base: string): IsoSource {
  const self = `${base}/api/elements/${encodeURIComponent(e.slug)}`;
  const first = e.firstPeriod ? /^\d{4}/.exec(e.firstPeriod)?.[0] : undefined;
  const last = e.lastPeriod ? /\d{4}$/.exec(e.lastPeriod)?.[0] : undefined;
  return {
    id: `elemen-${e.slug}`,
    title: e.name,
    abstract: [
      e.definition || e.name,
      `Satuan: ${e.unit}.`,
      `Tingkat: ${e.levels.join(', ') || '-'}.`,
      ...e.caveats,
    ].join(' '),
    day: e.modifiedAt.slice(0, 10),
    changed: e.modifiedAt,
    themeCode: e.themeCode,
    keywords: [...new Set([...e.keywords, e.themeName].filter((k) => k))],
    agencyName: e.agencyName,
    producer: null,
    custodian: e.custodian,
    email: null,
    frequency: e.frequency,
    classification: e.classification,
    license: e.license,
    representation: 'textTable',
    scaleDenominator: null,
    bbox: null,
    timeExtent: first && last ? [`${first}-01-01`, `${last}-12-31`] : null,
    isSample: e.isSample,
    formats: [
      ['CSV', 'RFC 4180'],
      ['JSON', 'RFC 8259'],
    ],
    resources: [
      {
        url: `${self}/values.csv`,
        protocol: 'WWW:DOWNLOAD-1.0-http--download',
        name: `${e.slug}.csv`,
        description: 'Nilai per wilayah dan periode (CSV)',
        fn: 'download',
      },
      {
        url: self,
        protocol: 'WWW:LINK-1.0-http--link',
        name: 'Metadata',
        description: 'Metadata Satu Data (JSON)',
        fn: 'information',
      },
      {
        url: `${base}/?tab=data&e=${encodeURIComponent(e.slug)}`,
        protocol: 'WWW:LINK-1.0-http--link',
        name: 'Peta',
        description: 'Lihat di Satu Peta Kota Tangerang',
        fn: 'browsing',
      },
    ],
    lineage: e.source ? `Sumber: ${e.source}` : null,
    dataSetURI: self,
    referenceSystem: null,
  };
}

/**
 * An ISO 19139 (ISO 19115:2003) gmd:MD_Metadata record, with the elements SNI 8843-1:2019 asks of
 * a dataset: identification, contacts by role (producer as originator, the walidata as
 * custodian), dates, language and character set, topic category, keywords, access and use
 * constraints, extent (bounding box, Kemendagri code, time), reference system, scale, lineage and
 * the online resources by protocol.
 */
export function isoRecordXml(l: IsoSource, withDeclaration = true): string {
  const day = l.day;
  const topic = topicCategory(l.themeCode);
  const b = l.bbox;
  const keywords = l.keywords;
  const producer = party(l.agencyName, 'originator', { individual: l.producer, email: l.email });
  const custodian = party(l.custodian ?? l.agencyName, 'custodian', { email: l.email });
  const frequency = FREQUENCY[(l.frequency ?? '').toLowerCase()] ?? 'unknown';
  const access =
    l.classification === 'publik'
      ? 'Publik: terbuka untuk umum'
      : 'Terbatas: hanya untuk internal Pemerintah Kota Tangerang';
  const extent =
    `<gmd:EX_Extent>${wrap('description', cs('Kota Tangerang, Banten'))}` +
    wrap(
      'geographicElement',
      `<gmd:EX_GeographicDescription>${wrap('geographicIdentifier', `<gmd:MD_Identifier>${wrap('code', cs(CITY_CODE))}</gmd:MD_Identifier>`)}</gmd:EX_GeographicDescription>`,
    ) +
    (b
      ? wrap(
          'geographicElement',
          `<gmd:EX_GeographicBoundingBox><gmd:westBoundLongitude><gco:Decimal>${b[0]}</gco:Decimal></gmd:westBoundLongitude>` +
            `<gmd:eastBoundLongitude><gco:Decimal>${b[2]}</gco:Decimal></gmd:eastBoundLongitude>` +
            `<gmd:southBoundLatitude><gco:Decimal>${b[1]}</gco:Decimal></gmd:southBoundLatitude>` +
            `<gmd:northBoundLatitude><gco:Decimal>${b[3]}</gco:Decimal></gmd:northBoundLatitude></gmd:EX_GeographicBoundingBox>`,
        )
      : '') +
    (l.timeExtent
      ? wrap(
          'temporalElement',
          `<gmd:EX_TemporalExtent><gmd:extent><gml:TimePeriod gml:id="t-${l.id.replace(/[^\w.-]/g, '_')}"><gml:beginPosition>${l.timeExtent[0]}</gml:beginPosition><gml:endPosition>${l.timeExtent[1]}</gml:endPosition></gml:TimePeriod></gmd:extent></gmd:EX_TemporalExtent>`,
        )
      : '') +
    `</gmd:EX_Extent>`;
  const identification =
    `<gmd:MD_DataIdentification>` +
    wrap(
      'citation',
      `<gmd:CI_Citation>${wrap('title', cs(l.title))}` +
        wrap(
          'date',
          `<gmd:CI_Date>${wrap('date', `<gco:Date>${day}</gco:Date>`)}${wrap('dateType', code('CI_DateTypeCode', 'revision'))}</gmd:CI_Date>`,
        ) +
        wrap('identifier', `<gmd:MD_Identifier>${wrap('code', cs(l.id))}</gmd:MD_Identifier>`) +
        `</gmd:CI_Citation>`,
    ) +
    wrap('abstract', cs(l.abstract)) +
    wrap('status', code('MD_ProgressCode', 'onGoing')) +
    wrap('pointOfContact', producer) +
    wrap('pointOfContact', custodian) +
    wrap(
      'resourceMaintenance',
      `<gmd:MD_MaintenanceInformation>${wrap('maintenanceAndUpdateFrequency', code('MD_MaintenanceFrequencyCode', frequency))}</gmd:MD_MaintenanceInformation>`,
    ) +
    (keywords.length
      ? wrap(
          'descriptiveKeywords',
          `<gmd:MD_Keywords>${keywords.map((k) => wrap('keyword', cs(k))).join('')}${wrap('type', code('MD_KeywordTypeCode', 'theme'))}</gmd:MD_Keywords>`,
        )
      : '') +
    wrap(
      'resourceConstraints',
      `<gmd:MD_LegalConstraints>${l.license ? wrap('useLimitation', cs(l.license)) : ''}` +
        `${wrap('accessConstraints', code('MD_RestrictionCode', 'otherRestrictions'))}` +
        `${wrap('useConstraints', code('MD_RestrictionCode', 'license'))}` +
        `${wrap('otherConstraints', cs(access))}</gmd:MD_LegalConstraints>`,
    ) +
    wrap('spatialRepresentationType', code('MD_SpatialRepresentationTypeCode', l.representation)) +
    (l.scaleDenominator
      ? wrap(
          'spatialResolution',
          `<gmd:MD_Resolution><gmd:equivalentScale><gmd:MD_RepresentativeFraction><gmd:denominator><gco:Integer>${Math.round(l.scaleDenominator)}</gco:Integer></gmd:denominator></gmd:MD_RepresentativeFraction></gmd:equivalentScale></gmd:MD_Resolution>`,
        )
      : '') +
    wrap(
      'language',
      code('LanguageCode', 'ind').replace(`${CODELISTS}#LanguageCode`, 'http://www.loc.gov/standards/iso639-2/'),
    ) +
    wrap('characterSet', code('MD_CharacterSetCode', 'utf8')) +
    (topic ? wrap('topicCategory', `<gmd:MD_TopicCategoryCode>${topic}</gmd:MD_TopicCategoryCode>`) : '') +
    wrap('extent', extent) +
    (l.isSample
      ? wrap('supplementalInformation', cs('Data contoh (sample data) untuk demonstrasi; bukan data resmi.'))
      : '') +
    `</gmd:MD_DataIdentification>`;
  const distribution =
    `<gmd:MD_Distribution>` +
    l.formats
      .map(([n, v]) =>
        wrap('distributionFormat', `<gmd:MD_Format>${wrap('name', cs(n))}${wrap('version', cs(v))}</gmd:MD_Format>`),
      )
      .join('') +
    wrap(
      'transferOptions',
      `<gmd:MD_DigitalTransferOptions>${l.resources
        .map((r) => online(r.url, r.protocol, r.name, r.description, r.fn))
        .join('')}</gmd:MD_DigitalTransferOptions>`,
    ) +
    `</gmd:MD_Distribution>`;
  const quality =
    `<gmd:DQ_DataQuality>${wrap('scope', `<gmd:DQ_Scope>${wrap('level', code('MD_ScopeCode', 'dataset'))}</gmd:DQ_Scope>`)}` +
    wrap(
      'lineage',
      `<gmd:LI_Lineage>${wrap('statement', cs(l.lineage ?? 'Tidak dinyatakan oleh produsen data.'))}</gmd:LI_Lineage>`,
    ) +
    `</gmd:DQ_DataQuality>`;
  return (
    (withDeclaration ? '<?xml version="1.0" encoding="UTF-8"?>\n' : '') +
    `<gmd:MD_Metadata xmlns:gmd="${GMD_NS}" xmlns:gco="${GCO_NS}" xmlns:gml="${GML_NS}" xmlns:xlink="http://www.w3.org/1999/xlink">` +
    wrap('fileIdentifier', cs(l.id)) +
    wrap(
      'language',
      code('LanguageCode', 'ind').replace(`${CODELISTS}#LanguageCode`, 'http://www.loc.gov/standards/iso639-2/'),
    ) +
    wrap('characterSet', code('MD_CharacterSetCode', 'utf8')) +
    wrap('hierarchyLevel', code('MD_ScopeCode', 'dataset')) +
    wrap('contact', party(l.custodian ?? l.agencyName, 'pointOfContact', { email: l.email })) +
    wrap('dateStamp', `<gco:DateTime>${new Date(l.changed).toISOString().slice(0, 19)}</gco:DateTime>`) +
    wrap('metadataStandardName', cs('ISO 19115:2003/19139 (SNI 8843-1:2019)')) +
    wrap('metadataStandardVersion', cs('1.0')) +
    wrap('dataSetURI', cs(l.dataSetURI)) +
    (l.referenceSystem
      ? wrap(
          'referenceSystemInfo',
          `<gmd:MD_ReferenceSystem>${wrap('referenceSystemIdentifier', `<gmd:RS_Identifier>${wrap('code', cs(l.referenceSystem))}${wrap('codeSpace', cs('EPSG'))}</gmd:RS_Identifier>`)}</gmd:MD_ReferenceSystem>`,
        )
      : '') +
    wrap('identificationInfo', identification) +
    wrap('distributionInfo', distribution) +
    wrap('dataQualityInfo', quality) +
    `</gmd:MD_Metadata>\n`
  );
}
