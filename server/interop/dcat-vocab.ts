/**
 * The controlled vocabularies DCAT-AP 2 asks for, as IRIs: the EU Publications Office authority
 * tables (data themes, frequencies, languages, file types, access rights), IANA media types and the
 * licence IRIs of our CKAN licence register.
 */
import { licenseFor } from './ckan-licenses.js';

const AUTHORITY = 'http://publications.europa.eu/resource/authority';
export const DATA_THEME_SCHEME = `${AUTHORITY}/data-theme`;
export const FREQUENCY_SCHEME = `${AUTHORITY}/frequency`;
export const FILE_TYPE_SCHEME = `${AUTHORITY}/file-type`;
export const LANGUAGE_INDONESIAN = `${AUTHORITY}/language/IND`;
export const ACCESS_PUBLIC = `${AUTHORITY}/access-right/PUBLIC`;
/** The ADMS publisher type of every agency here: a city government body. */
export const PUBLISHER_LOCAL_AUTHORITY = 'http://purl.org/adms/publishertype/LocalAuthority';
export const AVAILABILITY_STABLE = `${AUTHORITY}/planned-availability/STABLE`;
export const WGS84_CRS = 'http://www.opengis.net/def/crs/EPSG/0/4326';

/** Our themes → EU data themes (one each: the closest of the 13). */
const THEME: Record<string, string> = {
  'batas-wilayah': 'REGI',
  transportasi: 'TRAN',
  hidrografi: 'ENVI',
  hipsografi: 'ENVI',
  'penutup-lahan': 'AGRI',
  permukiman: 'REGI',
  'fasilitas-pendidikan': 'EDUC',
  'fasilitas-kesehatan': 'HEAL',
  'fasilitas-sosial': 'SOCI',
  pemerintahan: 'GOVE',
  ekonomi: 'ECON',
  utilitas: 'ENER',
  toponimi: 'REGI',
  pertanahan: 'REGI',
  kebencanaan: 'JUST',
  'tata-ruang': 'REGI',
  'lingkungan-hidup': 'ENVI',
  'kependudukan-sosial': 'SOCI',
};

/** English labels of the EU data themes (the authority table's own). */
export const EU_THEME_LABELS: Record<string, string> = {
  AGRI: 'Agriculture, fisheries, forestry and food',
  ECON: 'Economy and finance',
  EDUC: 'Education, culture and sport',
  ENER: 'Energy',
  ENVI: 'Environment',
  GOVE: 'Government and public sector',
  HEAL: 'Health',
  INTR: 'International issues',
  JUST: 'Justice, legal system and public safety',
  REGI: 'Regions and cities',
  SOCI: 'Population and society',
  TECH: 'Science and technology',
  TRAN: 'Transport',
};

/** The EU data theme of one of our themes; themes added later without a mapping get GOVE. */
export function euTheme(themeCode: string): string {
  return `${DATA_THEME_SCHEME}/${THEME[themeCode] ?? 'GOVE'}`;
}

/** Satu Data update frequencies (layers and data elements) → EU frequencies. */
const FREQUENCY: Record<string, string> = {
  harian: 'DAILY',
  mingguan: 'WEEKLY',
  bulanan: 'MONTHLY',
  triwulanan: 'QUARTERLY',
  semesteran: 'ANNUAL_2',
  tahunan: 'ANNUAL',
  tidak_tentu: 'IRREG',
};

/** The EU frequency of a Satu Data frequency, or null for words we cannot place. */
export function euFrequency(frequency: string | null): string | null {
  const code = frequency ? FREQUENCY[frequency.trim().toLowerCase()] : undefined;
  return code ? `${FREQUENCY_SCHEME}/${code}` : null;
}

/** ADMS licence types of the register's licences (what a licence permits and asks). */
export const LICENCE_TYPE_SCHEME = 'http://purl.org/adms/licencetype/1.0';
export const LICENCE_TYPES: Record<string, string> = {
  Attribution: 'Attribution',
  ShareAlike: 'Share-alike',
  PublicDomain: 'Public domain',
};
const TYPES_OF: Record<string, string[]> = {
  'cc-by': ['Attribution'],
  'cc-by-sa': ['Attribution', 'ShareAlike'],
  'cc-zero': ['PublicDomain'],
  'odc-odbl': ['Attribution', 'ShareAlike'],
};
export const licenceTypeIri = (t: string) => `http://purl.org/adms/licencetype/${t}`;

/**
 * A licence as DCAT wants it: the IRI of a licence from the register with its ADMS types, else
 * its words on a blank node (a type for those would be a guess, so there is none).
 */
export function licenseNode(text: string | null): Record<string, unknown> | null {
  const l = licenseFor(text);
  if (l.url)
    return {
      '@id': l.url,
      '@type': 'dct:LicenseDocument',
      'rdfs:label': l.title,
      'dct:type': (TYPES_OF[l.id] ?? []).map((t) => ({ '@id': licenceTypeIri(t), '@type': 'skos:Concept' })),
    };
  if (!l.text) return null;
  return { '@type': 'dct:LicenseDocument', 'rdfs:label': l.text };
}

/** A distribution's format: IANA media type and EU file type. */
export interface FormatIris {
  mediaType: string;
  fileType: string;
}

export function format(mediaType: string, fileType: string): FormatIris {
  return {
    mediaType: `http://www.iana.org/assignments/media-types/${mediaType}`,
    fileType: `${FILE_TYPE_SCHEME}/${fileType}`,
  };
}
