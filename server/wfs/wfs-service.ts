import type { Caller } from '../auth/access.js';
import type { CatalogService } from '../catalog/catalog-service.js';
import type { LayerRecord } from '../catalog/layer-types.js';
import type { Expr } from '../features/cql2-ast.js';
import { buildFeatureQuery, ID_PROPERTY, type GmlEncoding, type LimitPolicy } from '../features/feature-query.js';
import type { FeaturePage, FeaturesService } from '../features/features-service.js';
import { badRequest, notFound } from '../http/app-error.js';
import { parseFesFilter } from '../features/fes-filter.js';
import { capabilitiesXml } from './wfs-capabilities.js';
import { capabilitiesXml110 } from './wfs-capabilities-110.js';
import { parseCrs, type WfsCrs } from '../features/crs-names.js';
import {
  bboxAsLonLat,
  oneTypeName,
  outputFormat,
  sortKeys,
  typeNameList,
  wholeNumber,
  type OutputFormat,
} from './wfs-kvp.js';
import {
  FEATURE_PREFIX,
  GEOMETRY_NAME,
  layerFilterTarget,
  resourceIds,
  propertyElementNames,
  propertyOfElement,
  slugOfTypeName,
  typeLocalName,
  type WfsVersion,
} from './wfs-names.js';
import { featureTypeSchema } from './wfs-schema.js';
import type { XmlElement } from '../http/xml.js';

/** What GetFeature answers: hits only, or a page in GML 3.2 members or GeoJSON feature text. */
export type GetFeatureResult =
  | { kind: 'hits'; numberMatched: number }
  | { kind: 'gml32' | 'gml311'; page: FeaturePage; typeName: string; startIndex: number }
  | { kind: 'geojson'; page: FeaturePage; startIndex: number };

/**
 * WFS 2.0 as an adapter: feature types are the caller's visible layers, GetFeature runs the one
 * feature query (FILTER and RESOURCEID become its filter tree, BBOX its bbox, COUNT/STARTINDEX
 * its limit/offset), and the answer is written in the asked CRS and format.
 */
export class WfsService {
  constructor(
    private readonly catalog: CatalogService,
    private readonly features: FeaturesService,
    private readonly policy: LimitPolicy,
  ) {}

  async capabilities(caller: Caller, base: string): Promise<string> {
    return capabilitiesXml(await this.catalog.visibleLayers(caller), base, this.policy.maxLimit);
  }

  /** WFS 1.1.0 capabilities, for desktop clients that speak only that version. */
  async capabilities110(caller: Caller, base: string): Promise<string> {
    return capabilitiesXml110(await this.catalog.visibleLayers(caller), base);
  }

  /** All visible types without TYPENAMES (what GDAL asks first), else the named ones. */
  async describe(caller: Caller, typeNames: string | undefined, version: WfsVersion = '2.0.0'): Promise<string> {
    const names = typeNames === undefined ? [] : [...new Set(typeNameList(typeNames))];
    const layers =
      names.length === 0
        ? await this.catalog.visibleLayers(caller)
        : await Promise.all(names.map((n) => this.layer(caller, n)));
    return featureTypeSchema(layers, version);
  }

  /** kvp: the request's parameters by upper-case name; filter: the fes:Filter of an XML request. */
  async getFeature(
    caller: Caller,
    kvp: Map<string, string>,
    filter?: XmlElement,
    version: WfsVersion = '2.0.0',
  ): Promise<GetFeatureResult> {
    const layer = await this.layer(caller, oneTypeName(kvp));
    const format: OutputFormat = outputFormat(kvp.get('OUTPUTFORMAT'), version);
    const crs = parseCrs(kvp.get('SRSNAME'));
    if (format === 'geojson' && crs.epsg !== 4326)
      throw badRequest(
        'invalid_parameter',
        'GeoJSON is always longitude/latitude (RFC 7946): leave SRSNAME out or use EPSG:4326.',
        {
          parameter: 'SRSNAME',
          value: crs.name,
        },
      );
    const resultType = (kvp.get('RESULTTYPE') ?? 'results').toLowerCase();
    if (resultType !== 'results' && resultType !== 'hits')
      throw badRequest('invalid_parameter', 'RESULTTYPE must be results or hits.', { parameter: 'RESULTTYPE' });

    const filters: Expr[] = [];
    const fes = kvp.get('FILTER');
    if (fes !== undefined) {
      const lang = kvp.get('FILTER_LANGUAGE');
      if (lang !== undefined && !/^urn:ogc:def:query(Language|language):OGC-FES:Filter$/.test(lang))
        throw badRequest('invalid_parameter', 'FILTER_LANGUAGE must be urn:ogc:def:queryLanguage:OGC-FES:Filter.', {
          parameter: 'FILTER_LANGUAGE',
          value: lang,
        });
      filters.push(parseFesFilter(fes, layerFilterTarget(layer)));
    }
    if (filter) filters.push(parseFesFilter(filter, layerFilterTarget(layer)));
    const rid = kvp.get('RESOURCEID') ?? kvp.get('FEATUREID');
    if (rid !== undefined) filters.push(resourceIds(rid.split(','), layer));

    const properties = this.properties(layer, kvp.get('PROPERTYNAME'));
    const startIndex = wholeNumber(kvp, 'STARTINDEX', 0) ?? 0;
    const query = buildFeatureQuery(
      layer,
      {
        bbox: kvp.get('BBOX') === undefined ? undefined : bboxAsLonLat(kvp.get('BBOX') as string),
        filterExpr:
          filters.length === 0 ? undefined : filters.length === 1 ? filters[0] : { kind: 'and', args: filters },
        properties: properties.names === null ? undefined : properties.names.join(','),
        sortby: this.sortby(layer, kvp.get('SORTBY')),
        limit: wholeNumber(kvp, 'COUNT', 0) ?? wholeNumber(kvp, 'MAXFEATURES', 0),
        offset: startIndex,
        gml: format === 'geojson' ? undefined : gmlEncoding(layer, properties, crs, format),
      },
      this.policy,
    );
    if (resultType === 'hits') return { kind: 'hits', numberMatched: await this.features.matched(query) };
    const page = await this.features.page(query);
    return format === 'geojson'
      ? { kind: 'geojson', page, startIndex }
      : { kind: format, page, typeName: typeLocalName(layer.slug), startIndex };
  }

  /** A type name (prefixed or not) as a layer the caller may see; anything else is not found. */
  private async layer(caller: Caller, typeName: string): Promise<LayerRecord> {
    return this.catalog.getLayer(caller, slugOfTypeName(typeName)).catch((err: unknown) => {
      throw err instanceof Error && 'code' in err && err.code === 'layer_not_found'
        ? notFound('layer_not_found', `No feature type "${typeName}". See GetCapabilities for the list.`, {
            parameter: 'TYPENAMES',
            value: typeName,
          })
        : err;
    });
  }

  /** PROPERTYNAME as property names, and whether the geometry was asked for. */
  private properties(layer: LayerRecord, text: string | undefined): { names: string[] | null; geometry: boolean } {
    // `*` is every property (what OWSLib sends for WFS 1.1.0 when none is chosen).
    if (text === undefined || text.trim() === '' || text.trim() === '*') return { names: null, geometry: true };
    const names: string[] = [];
    let geometry = false;
    for (const element of typeNameList(text)) {
      if (element.replace(/^.*[:/]/, '') === GEOMETRY_NAME) {
        geometry = true;
        continue;
      }
      const p = propertyOfElement(layer, element);
      if (p === null) throw this.unknownElement(layer, element, 'PROPERTYNAME');
      names.push(p);
    }
    return { names, geometry };
  }

  private sortby(layer: LayerRecord, text: string | undefined): string | undefined {
    if (text === undefined || text.trim() === '') return undefined;
    return sortKeys(text)
      .map(({ element, descending }) => {
        const local = element.replace(/^.*[:/]/, '');
        const p =
          local === ID_PROPERTY && !layer.fields.some((f) => f.name === ID_PROPERTY)
            ? ID_PROPERTY
            : propertyOfElement(layer, element);
        if (p === null) throw this.unknownElement(layer, element, 'SORTBY');
        return `${descending ? '-' : ''}${p}`;
      })
      .join(',');
  }

  private unknownElement(layer: LayerRecord, element: string, parameter: string): Error {
    const known = [...propertyElementNames(layer).values()];
    return badRequest(
      'unknown_property',
      `${parameter}: ${typeLocalName(layer.slug)} has no property "${element}". Properties: ${known.join(', ')}${parameter === 'PROPERTYNAME' ? `, ${GEOMETRY_NAME}` : ''}.`,
      {
        parameter,
        value: element,
        available: known,
      },
    );
  }
}

/** How the database writes this layer's members: its schema's element names, the asked CRS. */
function gmlEncoding(
  layer: LayerRecord,
  chosen: { names: string[] | null; geometry: boolean },
  crs: WfsCrs,
  format: 'gml32' | 'gml311',
): GmlEncoding {
  const elements = propertyElementNames(layer);
  return {
    member: format === 'gml311' ? 'gml:featureMember' : 'wfs:member',
    typeName: typeLocalName(layer.slug),
    prefix: FEATURE_PREFIX,
    elements: layer.fields
      .filter((f) => chosen.names === null || chosen.names.includes(f.name))
      .map((f) => [f.name, elements.get(f.name) ?? f.name]),
    geometryElement: chosen.geometry ? GEOMETRY_NAME : null,
    multi:
      layer.geometryType === 'Point'
        ? 'MultiPoint'
        : layer.geometryType === 'LineString'
          ? 'MultiCurve'
          : 'MultiSurface',
    srid: crs.epsg,
    latFirst: crs.latFirst,
    // The name ST_AsGML writes for these options: URN when latitude first, else EPSG:code.
    srsName: crs.latFirst ? 'urn:ogc:def:crs:EPSG::4326' : `EPSG:${crs.epsg}`,
  };
}
