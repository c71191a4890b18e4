import type { LayerRecord } from '../catalog/layer-types.js';
import { FES_SPATIAL } from '../features/fes-filter.js';
import { esc } from '../http/xml.js';
import {
  FEATURE_NS,
  FEATURE_PREFIX,
  GML311_NS,
  GML311_TYPE,
  OGC_NS,
  OWS10_NS,
  typeLocalName,
  WFS11_NS,
  XLINK_NS,
  XSI_NS,
} from './wfs-names.js';

/** Filter Encoding 1.1 names of the comparisons the filter reader turns into SQL. */
const COMPARISONS_11 = [
  'LessThan',
  'GreaterThan',
  'LessThanEqualTo',
  'GreaterThanEqualTo',
  'EqualTo',
  'NotEqualTo',
  'Like',
  'Between',
  'NullCheck',
];

/**
 * WFS 1.1.0 capabilities (OGC 04-094), for desktop clients that speak only that version (ArcMap,
 * older QGIS and GDAL set to it): the same feature types as WFS 2.0, GML 3.1.1 or GeoJSON,
 * Filter Encoding 1.1, `urn:ogc:def:crs:EPSG::4326` (latitude first) by default.
 */
export function capabilitiesXml110(layers: LayerRecord[], base: string): string {
  const href = esc(`${base}/wfs?`);
  const get = `<ows:DCP><ows:HTTP><ows:Get xlink:href="${href}"/></ows:HTTP></ows:DCP>`;
  const post = `<ows:DCP><ows:HTTP><ows:Get xlink:href="${href}"/><ows:Post xlink:href="${esc(`${base}/wfs`)}"/></ows:HTTP></ows:DCP>`;
  const values = (vs: string[]) => vs.map((v) => `<ows:Value>${esc(v)}</ows:Value>`).join('');
  const param = (name: string, vs: string[]) => `<ows:Parameter name="${name}">${values(vs)}</ows:Parameter>`;
  const featureTypes = layers.map((l) => {
    const keywords = [l.themeName, l.agencyShortName, ...l.keywords].filter((k) => k);
    const box = l.bbox
      ? `<ows:WGS84BoundingBox><ows:LowerCorner>${l.bbox[0]} ${l.bbox[1]}</ows:LowerCorner><ows:UpperCorner>${l.bbox[2]} ${l.bbox[3]}</ows:UpperCorner></ows:WGS84BoundingBox>`
      : `<ows:WGS84BoundingBox><ows:LowerCorner>-180 -90</ows:LowerCorner><ows:UpperCorner>180 90</ows:UpperCorner></ows:WGS84BoundingBox>`;
    return (
      `<wfs:FeatureType><wfs:Name>${FEATURE_PREFIX}:${typeLocalName(l.slug)}</wfs:Name>` +
      `<wfs:Title>${esc(l.title)}</wfs:Title><wfs:Abstract>${esc(l.description)}</wfs:Abstract>` +
      `<ows:Keywords>${keywords.map((k) => `<ows:Keyword>${esc(k)}</ows:Keyword>`).join('')}</ows:Keywords>` +
      `<wfs:DefaultSRS>urn:ogc:def:crs:EPSG::4326</wfs:DefaultSRS><wfs:OtherSRS>urn:ogc:def:crs:EPSG::3857</wfs:OtherSRS>` +
      `<wfs:OutputFormats><wfs:Format>${GML311_TYPE}</wfs:Format><wfs:Format>application/json</wfs:Format></wfs:OutputFormats>` +
      `${box}<wfs:MetadataURL type="TC211" format="text/xml">${esc(`${base}/api/layers/${encodeURIComponent(l.slug)}/metadata.xml`)}</wfs:MetadataURL></wfs:FeatureType>`
    );
  });
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<wfs:WFS_Capabilities version="1.1.0" xmlns:wfs="${WFS11_NS}" xmlns:ows="${OWS10_NS}" xmlns:ogc="${OGC_NS}" ` +
    `xmlns:gml="${GML311_NS}" xmlns:xlink="${XLINK_NS}" xmlns:xsi="${XSI_NS}" xmlns:${FEATURE_PREFIX}="${FEATURE_NS}" ` +
    `xsi:schemaLocation="${WFS11_NS} http://schemas.opengis.net/wfs/1.1.0/wfs.xsd">` +
    `<ows:ServiceIdentification><ows:Title>Satu Peta Kota Tangerang — WFS</ows:Title>` +
    `<ows:Abstract>Lapisan geospasial publik Kota Tangerang (Satu Data Satu Peta) sebagai WFS 1.1.0.</ows:Abstract>` +
    `<ows:ServiceType>WFS</ows:ServiceType><ows:ServiceTypeVersion>1.1.0</ows:ServiceTypeVersion>` +
    `<ows:Fees>NONE</ows:Fees><ows:AccessConstraints>NONE</ows:AccessConstraints></ows:ServiceIdentification>` +
    `<ows:ServiceProvider><ows:ProviderName>Pemerintah Kota Tangerang</ows:ProviderName>` +
    `<ows:ServiceContact><ows:ContactInfo><ows:Address><ows:City>Kota Tangerang</ows:City>` +
    `<ows:AdministrativeArea>Banten</ows:AdministrativeArea><ows:Country>Indonesia</ows:Country></ows:Address>` +
    `</ows:ContactInfo></ows:ServiceContact></ows:ServiceProvider>` +
    `<ows:OperationsMetadata>` +
    `<ows:Operation name="GetCapabilities">${get}${param('AcceptVersions', ['1.1.0', '2.0.0'])}${param('AcceptFormats', ['text/xml'])}</ows:Operation>` +
    `<ows:Operation name="DescribeFeatureType">${get}${param('outputFormat', [GML311_TYPE])}</ows:Operation>` +
    `<ows:Operation name="GetFeature">${post}${param('resultType', ['results', 'hits'])}${param('outputFormat', [GML311_TYPE, 'application/json'])}</ows:Operation>` +
    `</ows:OperationsMetadata>` +
    `<wfs:FeatureTypeList><wfs:Operations><wfs:Operation>Query</wfs:Operation></wfs:Operations>${featureTypes.join('')}</wfs:FeatureTypeList>` +
    `<ogc:Filter_Capabilities><ogc:Spatial_Capabilities><ogc:GeometryOperands>` +
    ['gml:Envelope', 'gml:Point', 'gml:LineString', 'gml:Polygon']
      .map((g) => `<ogc:GeometryOperand>${g}</ogc:GeometryOperand>`)
      .join('') +
    `</ogc:GeometryOperands><ogc:SpatialOperators>` +
    FES_SPATIAL.map((s) => `<ogc:SpatialOperator name="${s}"/>`).join('') +
    `</ogc:SpatialOperators></ogc:Spatial_Capabilities>` +
    `<ogc:Scalar_Capabilities><ogc:LogicalOperators/><ogc:ComparisonOperators>` +
    COMPARISONS_11.map((c) => `<ogc:ComparisonOperator>${c}</ogc:ComparisonOperator>`).join('') +
    `</ogc:ComparisonOperators></ogc:Scalar_Capabilities>` +
    `<ogc:Id_Capabilities><ogc:EID/><ogc:FID/></ogc:Id_Capabilities></ogc:Filter_Capabilities>` +
    `</wfs:WFS_Capabilities>\n`
  );
}
