import type { FieldDef, LayerRecord } from '../catalog/layer-types.js';
import {
  FEATURE_NS,
  FEATURE_PREFIX,
  GEOMETRY_NAME,
  GML311_NS,
  GML_NS,
  propertyElementNames,
  typeLocalName,
  type WfsVersion,
} from './wfs-names.js';
import { esc } from '../http/xml.js';

const XSD_TYPE: Record<FieldDef['type'], string> = {
  string: 'xsd:string',
  integer: 'xsd:long',
  number: 'xsd:double',
  boolean: 'xsd:boolean',
  date: 'xsd:date',
};

/**
 * DescribeFeatureType: the GML 3.2 application schema of the given layers (GML 3.1.1 for WFS
 * 1.1.0), one element and one complex type per layer, properties in the registry's order, then
 * the geometry.
 */
export function featureTypeSchema(layers: LayerRecord[], version: WfsVersion = '2.0.0'): string {
  const old = version === '1.1.0';
  const gmlNs = old ? GML311_NS : GML_NS;
  const gmlXsd = old
    ? 'http://schemas.opengis.net/gml/3.1.1/base/gml.xsd'
    : 'http://schemas.opengis.net/gml/3.2.1/gml.xsd';
  const types = layers.map((layer) => {
    const name = typeLocalName(layer.slug);
    const names = propertyElementNames(layer);
    const props = layer.fields.map(
      (f) =>
        `<xsd:element name="${esc(names.get(f.name) ?? f.name)}" type="${XSD_TYPE[f.type]}" minOccurs="0" maxOccurs="1" nillable="true"/>`,
    );
    props.push(
      `<xsd:element name="${GEOMETRY_NAME}" type="${gmlPropertyType(layer.geometryType)}" minOccurs="0" maxOccurs="1"/>`,
    );
    return (
      `<xsd:complexType name="${name}Type"><xsd:complexContent><xsd:extension base="gml:AbstractFeatureType">` +
      `<xsd:sequence>${props.join('')}</xsd:sequence></xsd:extension></xsd:complexContent></xsd:complexType>` +
      `<xsd:element name="${name}" type="${FEATURE_PREFIX}:${name}Type" substitutionGroup="gml:${old ? '_Feature' : 'AbstractFeature'}"/>`
    );
  });
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:gml="${gmlNs}" xmlns:${FEATURE_PREFIX}="${FEATURE_NS}" ` +
    `targetNamespace="${FEATURE_NS}" elementFormDefault="qualified" version="1.0">` +
    `<xsd:import namespace="${gmlNs}" schemaLocation="${gmlXsd}"/>` +
    `${types.join('')}</xsd:schema>\n`
  );
}

/** The GML property type an application schema declares for a layer's geometry. */
export function gmlPropertyType(geometryType: string): string {
  if (geometryType === 'Point') return 'gml:MultiPointPropertyType';
  if (geometryType === 'LineString') return 'gml:MultiCurvePropertyType';
  return 'gml:MultiSurfacePropertyType';
}
