import { esc } from '../http/xml.js';
import { CSW_NS, GMD_SCHEMA } from './csw-request.js';
import { QUERYABLE_NAMES } from './csw-records.js';

export const OWS10_NS = 'http://www.opengis.net/ows';
export const OGC_NS = 'http://www.opengis.net/ogc';
export const DC_NS = 'http://purl.org/dc/elements/1.1/';
export const DCT_NS = 'http://purl.org/dc/terms/';
export const MAX_RECORDS = 1000;

const values = (vs: string[]) => vs.map((v) => `<ows:Value>${esc(v)}</ows:Value>`).join('');
const param = (name: string, vs: string[]) => `<ows:Parameter name="${name}">${values(vs)}</ows:Parameter>`;

/** CSW 2.0.2 capabilities (OGC 07-006r1) with OWS 1.0.0 and Filter 1.1.0, as OWSLib and GDAL read them. */
export function cswCapabilities(base: string): string {
  const href = esc(`${base}/csw`);
  const dcp = `<ows:DCP><ows:HTTP><ows:Get xlink:href="${href}?"/><ows:Post xlink:href="${href}"/></ows:HTTP></ows:DCP>`;
  const op = (name: string, params = '') => `<ows:Operation name="${name}">${dcp}${params}</ows:Operation>`;
  const schemas = param('outputSchema', [CSW_NS, GMD_SCHEMA]);
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<csw:Capabilities version="2.0.2" xmlns:csw="${CSW_NS}" xmlns:ows="${OWS10_NS}" xmlns:ogc="${OGC_NS}" ` +
    `xmlns:xlink="http://www.w3.org/1999/xlink" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" ` +
    `xsi:schemaLocation="${CSW_NS} http://schemas.opengis.net/csw/2.0.2/CSW-discovery.xsd">` +
    `<ows:ServiceIdentification><ows:Title>Satu Peta Kota Tangerang — Katalog (CSW)</ows:Title>` +
    `<ows:Abstract>Metadata lapisan geospasial Kota Tangerang (ISO 19139 / SNI 8843-1) untuk simpul jaringan informasi geospasial.</ows:Abstract>` +
    `<ows:Keywords><ows:Keyword>JIGN</ows:Keyword><ows:Keyword>Satu Data Indonesia</ows:Keyword><ows:Keyword>Kota Tangerang</ows:Keyword></ows:Keywords>` +
    `<ows:ServiceType>CSW</ows:ServiceType><ows:ServiceTypeVersion>2.0.2</ows:ServiceTypeVersion>` +
    `<ows:Fees>NONE</ows:Fees><ows:AccessConstraints>NONE</ows:AccessConstraints></ows:ServiceIdentification>` +
    `<ows:ServiceProvider><ows:ProviderName>Pemerintah Kota Tangerang</ows:ProviderName><ows:ProviderSite xlink:href="${esc(base)}/"/>` +
    `<ows:ServiceContact><ows:ContactInfo><ows:Address><ows:City>Kota Tangerang</ows:City><ows:AdministrativeArea>Banten</ows:AdministrativeArea>` +
    `<ows:Country>Indonesia</ows:Country></ows:Address></ows:ContactInfo></ows:ServiceContact></ows:ServiceProvider>` +
    `<ows:OperationsMetadata>` +
    op(
      'GetCapabilities',
      param('sections', ['ServiceIdentification', 'ServiceProvider', 'OperationsMetadata', 'Filter_Capabilities']),
    ) +
    op(
      'DescribeRecord',
      param('typeName', ['csw:Record']) +
        param('outputFormat', ['application/xml']) +
        param('schemaLanguage', ['http://www.w3.org/XML/Schema']),
    ) +
    op(
      'GetRecords',
      param('typeNames', ['csw:Record', 'gmd:MD_Metadata']) +
        schemas +
        param('outputFormat', ['application/xml']) +
        param('resultType', ['hits', 'results']) +
        param('ElementSetName', ['brief', 'summary', 'full']) +
        param('CONSTRAINTLANGUAGE', ['FILTER', 'CQL_TEXT']) +
        `<ows:Constraint name="SupportedISOQueryables">${values(QUERYABLE_NAMES)}</ows:Constraint>`,
    ) +
    op(
      'GetRecordById',
      schemas + param('outputFormat', ['application/xml']) + param('ElementSetName', ['brief', 'summary', 'full']),
    ) +
    op(
      'GetDomain',
      param('ParameterName', [
        'GetRecords.outputSchema',
        'GetRecords.ElementSetName',
        'GetRecords.resultType',
        'GetRecords.typeNames',
      ]) + param('PropertyName', ['Subject', 'OrganisationName', 'Type', 'Format']),
    ) +
    param('service', ['CSW']) +
    param('version', ['2.0.2']) +
    `<ows:Constraint name="PostEncoding">${values(['XML'])}</ows:Constraint>` +
    `<ows:Constraint name="MaxRecordDefault">${values([String(MAX_RECORDS)])}</ows:Constraint>` +
    `</ows:OperationsMetadata>` +
    `<ogc:Filter_Capabilities><ogc:Spatial_Capabilities><ogc:GeometryOperands>` +
    ['gml:Envelope', 'gml:Point', 'gml:LineString', 'gml:Polygon']
      .map((g) => `<ogc:GeometryOperand>${g}</ogc:GeometryOperand>`)
      .join('') +
    `</ogc:GeometryOperands><ogc:SpatialOperators>` +
    ['BBOX', 'Intersects', 'Disjoint', 'Within', 'Contains'].map((s) => `<ogc:SpatialOperator name="${s}"/>`).join('') +
    `</ogc:SpatialOperators></ogc:Spatial_Capabilities><ogc:Scalar_Capabilities><ogc:LogicalOperators/><ogc:ComparisonOperators>` +
    [
      'EqualTo',
      'NotEqualTo',
      'LessThan',
      'GreaterThan',
      'LessThanEqualTo',
      'GreaterThanEqualTo',
      'Like',
      'Between',
      'NullCheck',
    ]
      .map((c) => `<ogc:ComparisonOperator>${c}</ogc:ComparisonOperator>`)
      .join('') +
    `</ogc:ComparisonOperators></ogc:Scalar_Capabilities><ogc:Id_Capabilities><ogc:EID/><ogc:FID/></ogc:Id_Capabilities></ogc:Filter_Capabilities>` +
    `</csw:Capabilities>\n`
  );
}
