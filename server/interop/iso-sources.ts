/** What an ISO 19139 record says of a layer or a data element, before it is written as XML (iso19139.ts). */
import type { Classification, LayerRecord } from '../catalog/layer-types.js';
import type { ElementRecord } from '../elements/element-types.js';

/** An online resource of a record, with the protocol names national catalogues (pycsw, GeoNetwork) use. */
export interface OnlineResource {
  url: string;
  protocol: string;
  name: string;
  description: string;
  fn: string;
}

/**
 * What an ISO 19139 record says of a dataset, whatever it is (a layer or a data element): the
 * record is written from this alone.
 */
export interface IsoSource {
  /** fileIdentifier and the citation's identifier: a layer's id, `elemen-<id>` for an element. */
  id: string;
  title: string;
  abstract: string;
  /** Revision date, YYYY-MM-DD. */
  day: string;
  /** When the data last changed (ISO 8601): the record's dateStamp. */
  changed: string;
  themeCode: string;
  keywords: string[];
  agencyName: string;
  producer: string | null;
  custodian: string | null;
  email: string | null;
  frequency: string | null;
  classification: Classification;
  license: string | null;
  representation: 'vector' | 'textTable';
  scaleDenominator: number | null;
  bbox: [number, number, number, number] | null;
  /** First and last day (YYYY-MM-DD). */
  timeExtent: [string, string] | null;
  isSample: boolean;
  /** Name and version of each distribution format. */
  formats: [string, string][];
  resources: OnlineResource[];
  lineage: string | null;
  dataSetURI: string;
  /** EPSG code, e.g. EPSG:4326; null where the data has no coordinates (a table by district code). */
  referenceSystem: string | null;
}

/** The online resources of a layer. */
export function onlineResources(l: LayerRecord, base: string): OnlineResource[] {
  const enc = encodeURIComponent(l.slug);
  return [
    {
      url: `${base}/wfs?SERVICE=WFS&REQUEST=GetCapabilities`,
      protocol: 'OGC:WFS',
      name: `satupeta:${l.slug}`,
      description: 'WFS 2.0.0',
      fn: 'download',
    },
    {
      url: `${base}/wms?SERVICE=WMS&REQUEST=GetCapabilities`,
      protocol: 'OGC:WMS',
      name: l.slug,
      description: 'WMS 1.3.0',
      fn: 'browsing',
    },
    {
      url: `${base}/ogc/collections/${enc}`,
      protocol: 'OGC:API-Features',
      name: l.slug,
      description: 'OGC API - Features',
      fn: 'download',
    },
    {
      url: `${base}/api/layers/${enc}/download.geojson`,
      protocol: 'WWW:DOWNLOAD-1.0-http--download',
      name: `${l.slug}.geojson`,
      description: 'GeoJSON, seluruh lapisan',
      fn: 'download',
    },
    {
      url: `${base}/api/layers/${enc}/download.csv`,
      protocol: 'WWW:DOWNLOAD-1.0-http--download',
      name: `${l.slug}.csv`,
      description: 'CSV dengan geometri WKT, seluruh lapisan',
      fn: 'download',
    },
    {
      url: `${base}/api/layers/${enc}/download.gpkg`,
      protocol: 'WWW:DOWNLOAD-1.0-http--download',
      name: `${l.slug}.gpkg`,
      description: 'GeoPackage, seluruh lapisan',
      fn: 'download',
    },
    {
      url: `${base}/api/layers/${enc}/download.shp.zip`,
      protocol: 'WWW:DOWNLOAD-1.0-http--download',
      name: `${l.slug}.shp.zip`,
      description: 'Shapefile (zip, UTF-8), seluruh lapisan',
      fn: 'download',
    },
    {
      url: `${base}/tiles/${enc}.json`,
      protocol: 'WWW:LINK-1.0-http--link',
      name: 'TileJSON',
      description: 'Vector tiles (Mapbox Vector Tiles) via TileJSON',
      fn: 'information',
    },
    {
      url: `${base}/?l=${enc}`,
      protocol: 'WWW:LINK-1.0-http--link',
      name: 'Peta',
      description: 'Lihat di Satu Peta Kota Tangerang',
      fn: 'browsing',
    },
  ];
}

/** A layer as what its ISO record says. */
export function layerIso(l: LayerRecord, base: string): IsoSource {
  return {
    id: l.slug,
    title: l.title,
    abstract: l.description || l.title,
    day: (l.lastUpdate ?? l.dataUpdatedAt).slice(0, 10),
    changed: l.dataUpdatedAt,
    themeCode: l.themeCode,
    keywords: [...new Set([...l.keywords, l.themeName].filter((k) => k))],
    agencyName: l.agencyName,
    producer: l.producer,
    custodian: l.custodian,
    email: l.contactEmail,
    frequency: l.updateFrequency,
    classification: l.classification,
    license: l.license,
    representation: 'vector',
    scaleDenominator: l.scaleDenominator,
    bbox: l.bbox,
    timeExtent: l.timeExtent,
    isSample: l.isSample,
    formats: [
      ['GeoJSON', 'RFC 7946'],
      ['GML', '3.2'],
      ['GeoPackage', '1.2'],
      ['ESRI Shapefile', '1.0'],
      ['CSV', 'RFC 4180'],
    ],
    resources: onlineResources(l, base),
    lineage: l.lineage ?? l.source,
    dataSetURI: `${base}/api/layers/${encodeURIComponent(l.slug)}`,
    referenceSystem: l.referenceSystem ?? 'EPSG:4326',
  };
}

/**
 * A data element as what its ISO record says: a table of values per Kemendagri district code, so
 * its extent is the city's code (no bounding box: a box search is for data with coordinates),
 * time the years its periods span, its values as a CSV download.
 */
export function elementIso(e: ElementRecord, base: string): IsoSource {
  const self = `${base}/api/elements/${encodeURIComponent(e.slug)}`;
  const first = e.firstPeriod ? /^\d{4}/.exec(e.firstPeriod)?.[0] : undefined;
  const last = e.lastPeriod ? /\d{4}$/.exec(e.lastPeriod)?.[0] : undefined;
  return {
    id: `elemen-${e.slug}`,
    title: e.name,
    abstract: [
      e.definition || e.name,
      `Satuan: ${e.unit}.`,
      `Tingkat: ${e.levels.join(', ') || '-'}.`,
      ...e.caveats,
    ].join(' '),
    day: e.modifiedAt.slice(0, 10),
    changed: e.modifiedAt,
    themeCode: e.themeCode,
    keywords: [...new Set([...e.keywords, e.themeName].filter((k) => k))],
    agencyName: e.agencyName,
    producer: null,
    custodian: e.custodian,
    email: null,
    frequency: e.frequency,
    classification: e.classification,
    license: e.license,
    representation: 'textTable',
    scaleDenominator: null,
    bbox: null,
    timeExtent: first && last ? [`${first}-01-01`, `${last}-12-31`] : null,
    isSample: e.isSample,
    formats: [
      ['CSV', 'RFC 4180'],
      ['JSON', 'RFC 8259'],
    ],
    resources: [
      {
        url: `${self}/values.csv`,
        protocol: 'WWW:DOWNLOAD-1.0-http--download',
        name: `${e.slug}.csv`,
        description: 'Nilai per wilayah dan periode (CSV)',
        fn: 'download',
      },
      {
        url: self,
        protocol: 'WWW:LINK-1.0-http--link',
        name: 'Metadata',
        description: 'Metadata Satu Data (JSON)',
        fn: 'information',
      },
      {
        url: `${base}/?tab=data&e=${encodeURIComponent(e.slug)}`,
        protocol: 'WWW:LINK-1.0-http--link',
        name: 'Peta',
        description: 'Lihat di Satu Peta Kota Tangerang',
        fn: 'browsing',
      },
    ],
    lineage: e.source ? `Sumber: ${e.source}` : null,
    dataSetURI: self,
    referenceSystem: null,
  };
}
