import type { Link } from '../http/links.js';
import type { LayerRecord } from './layer-types.js';

/** The catalog entry as a list shows it. */
export function layerSummary(l: LayerRecord, base: string): Record<string, unknown> {
  return {
    id: l.slug,
    title: l.title,
    description: l.description,
    agency: { code: l.agencyCode, name: l.agencyName, shortName: l.agencyShortName },
    theme: { code: l.themeCode, name: l.themeName },
    geometryType: l.geometryType,
    classification: l.classification,
    featureCount: l.featureCount,
    bbox: l.bbox,
    dataVersion: l.dataVersion,
    lastUpdate: l.lastUpdate,
    isSample: l.isSample,
    links: layerLinks(l, base),
  };
}

/** Full Satu Data metadata of one layer. */
export function layerDetail(l: LayerRecord, base: string): Record<string, unknown> {
  return {
    ...layerSummary(l, base),
    fields: l.fields,
    tileFields: l.tileFields,
    style: l.style,
    minZoom: l.minZoom,
    maxZoom: l.maxZoom,
    dataUpdatedAt: l.dataUpdatedAt,
    metadata: {
      producer: l.producer,
      custodian: l.custodian,
      contactEmail: l.contactEmail,
      source: l.source,
      scale: l.scaleDenominator === null ? null : `1:${l.scaleDenominator.toLocaleString('id-ID')}`,
      scaleDenominator: l.scaleDenominator,
      updateFrequency: l.updateFrequency,
      lastUpdate: l.lastUpdate,
      license: l.license,
      keywords: l.keywords,
      lineage: l.lineage,
      referenceSystem: l.referenceSystem,
      sampleData: l.isSample,
    },
  };
}

function layerLinks(l: LayerRecord, base: string): Link[] {
  const self = `${base}/api/layers/${encodeURIComponent(l.slug)}`;
  return [
    { href: self, rel: 'self', type: 'application/json', title: 'Metadata' },
    { href: `${self}/features`, rel: 'items', type: 'application/geo+json', title: 'Features (GeoJSON)' },
  ];
}
