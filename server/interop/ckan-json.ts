import type { LayerRecord } from '../catalog/layer-types.js';

/** A layer as a CKAN package: agency = organization, theme = group, keywords = tags, services = resources. */
export function packageJson(l: LayerRecord, base: string): Record<string, unknown> {
  const enc = encodeURIComponent(l.slug);
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
    resource('geojson', 'GeoJSON', 'GeoJSON', `${base}/api/layers/${enc}/features?limit=10000`, 'application/geo+json'),
    resource('ogc', 'OGC API Features', 'OGC API Features', `${base}/ogc/collections/${enc}`, 'application/json'),
    resource('tilejson', 'Vector tiles (TileJSON)', 'TileJSON', `${base}/tiles/${enc}.json`, 'application/json'),
    resource('metadata', 'Satu Data metadata', 'JSON', `${base}/api/layers/${enc}`, 'application/json'),
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
    license_id: l.license,
    license_title: l.license,
    metadata_modified: l.dataUpdatedAt.replace('Z', ''),
    author: l.producer,
    maintainer: l.custodian,
    maintainer_email: l.contactEmail,
    url: `${base}/?l=${enc}`,
    owner_org: l.agencyCode,
    organization: {
      id: l.agencyCode,
      name: l.agencyCode,
      title: l.agencyName,
      type: 'organization',
      is_organization: true,
      state: 'active',
    },
    groups: [{ id: l.themeCode, name: l.themeCode, title: l.themeName, display_name: l.themeName }],
    tags,
    num_tags: tags.length,
    resources,
    num_resources: resources.length,
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
