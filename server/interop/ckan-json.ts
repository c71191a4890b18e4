import type { LayerRecord } from '../catalog/layer-types.js';
import type { ElementRecord } from '../elements/element-types.js';
import { licenseFor } from './ckan-licenses.js';
import { ELEMENT_PACKAGE_PREFIX, type CkanPackage } from './ckan-service.js';

/** Organization, group, tags and resources, the same for layers and elements. */
function placement(
  p: { agencyCode: string; agencyName: string; themeCode: string; themeName: string },
  tags: { name: string }[],
  resources: Record<string, unknown>[],
  modified: string,
) {
  return {
    owner_org: p.agencyCode,
    organization: {
      id: p.agencyCode,
      name: p.agencyCode,
      title: p.agencyName,
      type: 'organization',
      is_organization: true,
      state: 'active',
    },
    groups: [{ id: p.themeCode, name: p.themeCode, title: p.themeName, display_name: p.themeName }],
    tags,
    num_tags: tags.length,
    resources: resources.map((r, position) => ({ ...r, position, last_modified: modified, size: null })),
    num_resources: resources.length,
  };
}

/** A time as CKAN writes it: UTC, no zone letter, always with fractions of a second. */
function ckanTime(iso: string): string {
  return new Date(iso).toISOString().replace('Z', '');
}

/** The licence fields CKAN 2.10 clients read. */
function licenseFields(text: string | null) {
  const l = licenseFor(text);
  return { license_id: l.id, license_title: l.title, license_url: l.url || null, isopen: l.isopen };
}

/** A layer or a data element as a CKAN package. */
export function anyPackageJson(p: CkanPackage, base: string): Record<string, unknown> {
  return p.kind === 'layer' ? packageJson(p.layer, base) : elementPackageJson(p.element, base);
}

/**
 * A data element as a CKAN package: its values as a CSV resource (every level and period, in the
 * columns a values upload reads), its metadata as JSON, and the latest map as GeoJSON.
 */
export function elementPackageJson(e: ElementRecord, base: string): Record<string, unknown> {
  const id = `${ELEMENT_PACKAGE_PREFIX}${e.slug}`;
  const modified = ckanTime(e.modifiedAt);
  const self = `${base}/api/elements/${encodeURIComponent(e.slug)}`;
  const resource = (suffix: string, name: string, format: string, url: string, mimetype: string) => ({
    id: `${id}-${suffix}`,
    package_id: id,
    name,
    format,
    url,
    mimetype,
    state: 'active',
  });
  const resources = [
    resource('csv', 'Nilai (CSV, semua tingkat dan periode)', 'CSV', `${self}/values.csv`, 'text/csv'),
    resource('metadata', 'Satu Data metadata', 'JSON', self, 'application/json'),
    resource('geojson', 'Peta nilai terbaru (GeoJSON)', 'GeoJSON', `${self}/geojson`, 'application/geo+json'),
    resource('iso19139', 'Metadata ISO 19139 (SNI 8843-1)', 'XML', `${self}/metadata.xml`, 'application/xml'),
  ];
  const tags = e.keywords.map((k) => ({ name: k, display_name: k, state: 'active' }));
  const extras = [
    ['dataset_kind', 'data_element'],
    ['unit', e.unit],
    ['measure_type', e.measureType],
    ['update_frequency', e.frequency],
    ['levels', e.levels.join(',')],
    ['first_period', e.firstPeriod],
    ['last_period', e.lastPeriod],
    ['producer', e.agencyName],
    ['custodian', e.custodian],
    ['source', e.source],
    ['value_count', String(e.valueCount)],
    ['sample_data', String(e.isSample)],
  ]
    .filter((x): x is [string, string] => x[1] !== null && x[1] !== '')
    .map(([key, value]) => ({ key, value }));
  return {
    id,
    name: id,
    title: e.name,
    notes: [e.definition, e.notes, ...e.caveats].filter(Boolean).join('\n\n'),
    type: 'dataset',
    state: 'active',
    private: false,
    ...licenseFields(e.license),
    metadata_created: ckanTime(e.createdAt),
    metadata_modified: modified,
    author: e.agencyName,
    maintainer: e.custodian,
    url: `${base}/?tab=data&e=${encodeURIComponent(e.slug)}`,
    ...placement(e, tags, resources, modified),
    extras,
  };
}

/** A layer as a CKAN package: agency = organization, theme = group, keywords = tags, services = resources. */
export function packageJson(l: LayerRecord, base: string): Record<string, unknown> {
  const enc = encodeURIComponent(l.slug);
  const modified = ckanTime(l.dataUpdatedAt);
  const resource = (suffix: string, name: string, format: string, url: string, mimetype: string) => ({
    id: `${l.slug}-${suffix}`,
    package_id: l.slug,
    name,
    format,
    url,
    mimetype,
    state: 'active',
  });
  const resources = [
    resource('geojson', 'GeoJSON', 'GeoJSON', `${base}/api/layers/${enc}/download.geojson`, 'application/geo+json'),
    resource('csv', 'CSV (WKT)', 'CSV', `${base}/api/layers/${enc}/download.csv`, 'text/csv'),
    resource('gpkg', 'GeoPackage', 'GPKG', `${base}/api/layers/${enc}/download.gpkg`, 'application/geopackage+sqlite3'),
    resource('shp', 'Shapefile (zip)', 'SHP', `${base}/api/layers/${enc}/download.shp.zip`, 'application/zip'),
    resource('ogc', 'OGC API Features', 'OGC API Features', `${base}/ogc/collections/${enc}`, 'application/json'),
    resource('wfs', 'WFS 2.0', 'WFS', `${base}/wfs?SERVICE=WFS&REQUEST=GetCapabilities`, 'application/xml'),
    resource('wms', 'WMS 1.3.0', 'WMS', `${base}/wms?SERVICE=WMS&REQUEST=GetCapabilities`, 'text/xml'),
    resource('tilejson', 'Vector tiles (TileJSON)', 'TileJSON', `${base}/tiles/${enc}.json`, 'application/json'),
    resource('metadata', 'Satu Data metadata', 'JSON', `${base}/api/layers/${enc}`, 'application/json'),
    resource('iso19139', 'ISO 19139 metadata', 'XML', `${base}/api/layers/${enc}/metadata.xml`, 'application/xml'),
  ];
  const tags = l.keywords.map((k) => ({ name: k, display_name: k, state: 'active' }));
  const extras = [
    ['spatial', l.bbox ? JSON.stringify(bboxPolygon(l.bbox)) : null],
    ['producer', l.producer],
    ['custodian', l.custodian],
    ['contact_email', l.contactEmail],
    ['source', l.source],
    ['scale', l.scaleDenominator === null ? null : `1:${l.scaleDenominator}`],
    ['update_frequency', l.updateFrequency],
    ['last_update', l.lastUpdate],
    ['lineage', l.lineage],
    ['reference_system', l.referenceSystem],
    ['geometry_type', l.geometryType],
    ['feature_count', String(l.featureCount)],
    ['sample_data', String(l.isSample)],
  ]
    .filter((e): e is [string, string] => e[1] !== null)
    .map(([key, value]) => ({ key, value }));
  return {
    id: l.slug,
    name: l.slug,
    title: l.title,
    notes: l.description,
    type: 'dataset',
    state: 'active',
    private: false,
    ...licenseFields(l.license),
    metadata_created: ckanTime(l.createdAt),
    metadata_modified: modified,
    author: l.producer,
    maintainer: l.custodian,
    maintainer_email: l.contactEmail,
    url: `${base}/?l=${enc}`,
    ...placement(l, tags, resources, modified),
    extras,
  };
}

export function bboxPolygon(b: [number, number, number, number]): { type: 'Polygon'; coordinates: number[][][] } {
  return {
    type: 'Polygon',
    coordinates: [
      [
        [b[0], b[1]],
        [b[2], b[1]],
        [b[2], b[3]],
        [b[0], b[3]],
        [b[0], b[1]],
      ],
    ],
  };
}
