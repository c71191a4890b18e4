import type { LayerRecord } from '../catalog/layer-types.js';
import { layerIso, type IsoSource } from './iso-sources.js';
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

/** One layer as an ISO 19139 record. */
export function iso19139Record(l: LayerRecord, base: string, withDeclaration = true): string {
  return isoRecordXml(layerIso(l, base), withDeclaration);
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
