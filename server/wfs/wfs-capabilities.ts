import type { LayerRecord } from '../catalog/layer-types.js';
import { FES_COMPARISONS, FES_SPATIAL } from '../features/fes-filter.js';
import { DEFAULT_CRS, OTHER_CRS } from '../features/crs-names.js';
import {
  FEATURE_NS,
  FEATURE_PREFIX,
  FES_NS,
  GML32_TYPE,
  GML_NS,
  OWS_NS,
  typeLocalName,
  WFS_NS,
  XLINK_NS,
  XSI_NS,
} from './wfs-names.js';
import { esc } from '../http/xml.js';

export const OUTPUT_FORMATS = [GML32_TYPE, 'application/json'];

const yes = (name: string, value: boolean) =>
  `<ows:Constraint name="${name}"><ows:NoValues/><ows:DefaultValue>${value ? 'TRUE' : 'FALSE'}</ows:DefaultValue></ows:Constraint>`;
const fesYes = (name: string, value: boolean) =>
  `<fes:Constraint name="${name}"><ows:NoValues/><ows:DefaultValue>${value ? 'TRUE' : 'FALSE'}</ows:DefaultValue></fes:Constraint>`;
const values = (vs: string[]) =>
  `<ows:AllowedValues>${vs.map((v) => `<ows:Value>${esc(v)}</ows:Value>`).join('')}</ows:AllowedValues>`;

/** WFS 2.0.0 capabilities (OGC 09-025r2): Basic WFS over KVP, paging, sorting, Filter Encoding 2.0. */
export function capabilitiesXml(layers: LayerRecord[], base: string, countDefault: number): string {
  const href = esc(`${base}/wfs?`);
  const dcp = `<ows:DCP><ows:HTTP><ows:Get xlink:href="${href}"/></ows:HTTP></ows:DCP>`;
  // GetFeature also in the XML encoding by POST (what OWSLib uses for filters).
  const post = `<ows:DCP><ows:HTTP><ows:Get xlink:href="${href}"/><ows:Post xlink:href="${esc(`${base}/wfs`)}"/></ows:HTTP></ows:DCP>`;
  const op = (name: string, params = '') =>
    `<ows:Operation name="${name}">${name === 'GetFeature' ? post : dcp}${params}</ows:Operation>`;
  const featureTypes = layers.map((l) => {
    const keywords = [l.themeName, l.agencyShortName, ...l.keywords].filter((k) => k);
    const box = l.bbox
      ? `<ows:WGS84BoundingBox><ows:LowerCorner>${l.bbox[0]} ${l.bbox[1]}</ows:LowerCorner><ows:UpperCorner>${l.bbox[2]} ${l.bbox[3]}</ows:UpperCorner></ows:WGS84BoundingBox>`
      : '';
    return (
      `<wfs:FeatureType><wfs:Name>${FEATURE_PREFIX}:${typeLocalName(l.slug)}</wfs:Name>` +
      `<wfs:Title>${esc(l.title)}</wfs:Title><wfs:Abstract>${esc(l.description)}</wfs:Abstract>` +
      `<ows:Keywords>${keywords.map((k) => `<ows:Keyword>${esc(k)}</ows:Keyword>`).join('')}</ows:Keywords>` +
      `<wfs:DefaultCRS>${DEFAULT_CRS}</wfs:DefaultCRS>${OTHER_CRS.map((c) => `<wfs:OtherCRS>${c}</wfs:OtherCRS>`).join('')}` +
      `<wfs:OutputFormats>${OUTPUT_FORMATS.map((f) => `<wfs:Format>${f}</wfs:Format>`).join('')}</wfs:OutputFormats>` +
      `${box}<wfs:MetadataURL xlink:href="${esc(`${base}/api/layers/${encodeURIComponent(l.slug)}`)}"/></wfs:FeatureType>`
    );
  });
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<wfs:WFS_Capabilities version="2.0.0" xmlns:wfs="${WFS_NS}" xmlns:ows="${OWS_NS}" xmlns:fes="${FES_NS}" ` +
    `xmlns:gml="${GML_NS}" xmlns:xlink="${XLINK_NS}" xmlns:xsi="${XSI_NS}" xmlns:${FEATURE_PREFIX}="${FEATURE_NS}" ` +
    `xsi:schemaLocation="${WFS_NS} http://schemas.opengis.net/wfs/2.0/wfs.xsd">` +
    `<ows:ServiceIdentification><ows:Title>Satu Peta Kota Tangerang — WFS</ows:Title>` +
    `<ows:Abstract>Lapisan geospasial publik Kota Tangerang (Satu Data Satu Peta) sebagai WFS 2.0.</ows:Abstract>` +
    `<ows:Keywords><ows:Keyword>Satu Data Indonesia</ows:Keyword><ows:Keyword>Kota Tangerang</ows:Keyword></ows:Keywords>` +
    `<ows:ServiceType>WFS</ows:ServiceType><ows:ServiceTypeVersion>2.0.0</ows:ServiceTypeVersion>` +
    `<ows:Fees>NONE</ows:Fees><ows:AccessConstraints>NONE</ows:AccessConstraints></ows:ServiceIdentification>` +
    `<ows:ServiceProvider><ows:ProviderName>Pemerintah Kota Tangerang</ows:ProviderName>` +
    `<ows:ProviderSite xlink:href="${esc(base)}/"/><ows:ServiceContact><ows:ContactInfo><ows:Address>` +
    `<ows:City>Kota Tangerang</ows:City><ows:AdministrativeArea>Banten</ows:AdministrativeArea><ows:Country>Indonesia</ows:Country>` +
    `</ows:Address></ows:ContactInfo></ows:ServiceContact></ows:ServiceProvider>` +
    `<ows:OperationsMetadata>` +
    op('GetCapabilities', `<ows:Parameter name="AcceptVersions">${values(['2.0.0'])}</ows:Parameter>`) +
    op('DescribeFeatureType', `<ows:Parameter name="outputFormat">${values([GML32_TYPE])}</ows:Parameter>`) +
    op(
      'GetFeature',
      `<ows:Parameter name="resultType">${values(['results', 'hits'])}</ows:Parameter>` +
        `<ows:Parameter name="outputFormat">${values(OUTPUT_FORMATS)}</ows:Parameter>`,
    ) +
    `<ows:Parameter name="version">${values(['2.0.0'])}</ows:Parameter>` +
    yes('ImplementsBasicWFS', true) +
    yes('ImplementsTransactionalWFS', false) +
    yes('ImplementsLockingWFS', false) +
    yes('KVPEncoding', true) +
    yes('XMLEncoding', false) +
    yes('SOAPEncoding', false) +
    yes('ImplementsInheritance', false) +
    yes('ImplementsRemoteResolve', false) +
    yes('ImplementsResultPaging', true) +
    yes('ImplementsStandardJoins', false) +
    yes('ImplementsSpatialJoins', false) +
    yes('ImplementsTemporalJoins', false) +
    yes('ImplementsFeatureVersioning', false) +
    yes('ManageStoredQueries', false) +
    `<ows:Constraint name="CountDefault"><ows:NoValues/><ows:DefaultValue>${countDefault}</ows:DefaultValue></ows:Constraint>` +
    `</ows:OperationsMetadata>` +
    `<wfs:FeatureTypeList>${featureTypes.join('')}</wfs:FeatureTypeList>` +
    `<fes:Filter_Capabilities><fes:Conformance>` +
    fesYes('ImplementsQuery', true) +
    fesYes('ImplementsAdHocQuery', true) +
    fesYes('ImplementsFunctions', false) +
    fesYes('ImplementsResourceId', true) +
    fesYes('ImplementsMinStandardFilter', true) +
    fesYes('ImplementsStandardFilter', true) +
    fesYes('ImplementsMinSpatialFilter', true) +
    fesYes('ImplementsSpatialFilter', true) +
    fesYes('ImplementsMinTemporalFilter', false) +
    fesYes('ImplementsTemporalFilter', false) +
    fesYes('ImplementsVersionNav', false) +
    fesYes('ImplementsSorting', true) +
    fesYes('ImplementsExtendedOperators', false) +
    fesYes('ImplementsMinimumXPath', false) +
    fesYes('ImplementsSchemaElementFunc', false) +
    `</fes:Conformance>` +
    `<fes:Id_Capabilities><fes:ResourceIdentifier name="fes:ResourceId"/></fes:Id_Capabilities>` +
    `<fes:Scalar_Capabilities><fes:LogicalOperators/><fes:ComparisonOperators>` +
    FES_COMPARISONS.map((c) => `<fes:ComparisonOperator name="${c}"/>`).join('') +
    `</fes:ComparisonOperators></fes:Scalar_Capabilities>` +
    `<fes:Spatial_Capabilities><fes:GeometryOperands>` +
    [
      'gml:Envelope',
      'gml:Point',
      'gml:LineString',
      'gml:Polygon',
      'gml:MultiPoint',
      'gml:MultiCurve',
      'gml:MultiSurface',
    ]
      .map((g) => `<fes:GeometryOperand name="${g}"/>`)
      .join('') +
    `</fes:GeometryOperands><fes:SpatialOperators>` +
    FES_SPATIAL.map((s) => `<fes:SpatialOperator name="${s}"/>`).join('') +
    `</fes:SpatialOperators></fes:Spatial_Capabilities></fes:Filter_Capabilities>` +
    `</wfs:WFS_Capabilities>\n`
  );
}
