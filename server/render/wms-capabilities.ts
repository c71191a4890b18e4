import type { LayerRecord } from '../catalog/layer-types.js';
import type { Bbox } from '../http/coordinates.js';
import { esc } from '../http/xml.js';
import { legendSize } from './legend-image.js';
import { lonLatTo3857 } from './map-frame.js';
import { legendOfLayer } from './style-doc.js';
import type { WmsVersion } from './wms-params.js';

/** The time dimension of a layer with a date property: every day from its first to its last date. */
function timeDimension(l: LayerRecord, v13: boolean): string {
  if (!l.timeExtent) return '';
  const [first, last] = l.timeExtent;
  const extent = `${first}/${last}/P1D`;
  return v13
    ? `<Dimension name="time" units="ISO8601" default="${last}" nearestValue="0">${extent}</Dimension>`
    : `<Dimension name="time" units="ISO8601"/><Extent name="time" default="${last}" nearestValue="0">${extent}</Extent>`;
}

export const MAP_FORMATS = ['image/png', 'image/jpeg', 'image/webp'];
export const INFO_FORMATS = ['application/json', 'text/html', 'text/plain'];
const XLINK = 'http://www.w3.org/1999/xlink';

export interface CapabilitiesOptions {
  base: string;
  maxSize: number;
  maxLayers: number;
}

/**
 * GetCapabilities of WMS 1.3.0 (WMS_Capabilities) or 1.1.1 (WMT_MS_Capabilities): a root layer
 * holding one group per agency holding its visible layers, each queryable with the one style
 * "default", its legend and its ISO 19139 record. 1.3.0 writes EPSG:4326 boxes latitude first.
 */
export function wmsCapabilities(layers: LayerRecord[], version: WmsVersion, o: CapabilitiesOptions): string {
  const v13 = version === '1.3.0';
  const wms = `${o.base}/wms`;
  const href = (url: string) => `<OnlineResource xlink:type="simple" xlink:href="${esc(url)}"/>`;
  const dcp = `<DCPType><HTTP><Get>${href(`${wms}?`)}</Get></HTTP></DCPType>`;
  const op = (name: string, formats: string[]) =>
    `<${name}>${formats.map((f) => `<Format>${f}</Format>`).join('')}${dcp}</${name}>`;
  const crsTag = v13 ? 'CRS' : 'SRS';
  const crsList = (v13 ? ['EPSG:4326', 'CRS:84', 'EPSG:3857'] : ['EPSG:4326', 'EPSG:3857'])
    .map((c) => `<${crsTag}>${c}</${crsTag}>`)
    .join('');

  const boxes = (b: Bbox): string => {
    const [x0, y0] = lonLatTo3857(b[0], b[1]);
    const [x1, y1] = lonLatTo3857(b[2], b[3]);
    const merc = `<BoundingBox ${crsTag}="EPSG:3857" minx="${x0.toFixed(2)}" miny="${y0.toFixed(2)}" maxx="${x1.toFixed(2)}" maxy="${y1.toFixed(2)}"/>`;
    if (!v13)
      return (
        `<LatLonBoundingBox minx="${b[0]}" miny="${b[1]}" maxx="${b[2]}" maxy="${b[3]}"/>` +
        `<BoundingBox SRS="EPSG:4326" minx="${b[0]}" miny="${b[1]}" maxx="${b[2]}" maxy="${b[3]}"/>${merc}`
      );
    return (
      `<EX_GeographicBoundingBox><westBoundLongitude>${b[0]}</westBoundLongitude><eastBoundLongitude>${b[2]}</eastBoundLongitude>` +
      `<southBoundLatitude>${b[1]}</southBoundLatitude><northBoundLatitude>${b[3]}</northBoundLatitude></EX_GeographicBoundingBox>` +
      `<BoundingBox CRS="CRS:84" minx="${b[0]}" miny="${b[1]}" maxx="${b[2]}" maxy="${b[3]}"/>` +
      `<BoundingBox CRS="EPSG:4326" minx="${b[1]}" miny="${b[0]}" maxx="${b[3]}" maxy="${b[2]}"/>${merc}`
    );
  };

  const layerXml = (l: LayerRecord): string => {
    const legend = `${wms}?SERVICE=WMS&VERSION=${version}&REQUEST=GetLegendGraphic&FORMAT=image/png&LAYER=${encodeURIComponent(l.slug)}`;
    const keywords = [l.themeName, l.agencyShortName, ...l.keywords].filter((k) => k);
    const size = legendSize(legendOfLayer(l), 20, o.maxSize);
    return (
      `<Layer queryable="1"><Name>${esc(l.slug)}</Name><Title>${esc(l.title)}</Title>` +
      (l.description ? `<Abstract>${esc(l.description)}</Abstract>` : '') +
      `<KeywordList>${keywords.map((k) => `<Keyword>${esc(k)}</Keyword>`).join('')}</KeywordList>` +
      (l.bbox ? boxes(l.bbox) : '') +
      timeDimension(l, v13) +
      `<MetadataURL type="${v13 ? 'ISO19115:2003' : 'TC211'}"><Format>application/xml</Format>${href(`${o.base}/api/layers/${encodeURIComponent(l.slug)}/metadata.xml`)}</MetadataURL>` +
      `<Style><Name>default</Name><Title>${esc(l.title)}</Title>` +
      `<LegendURL width="${size.width}" height="${size.height}"><Format>image/png</Format>${href(legend)}</LegendURL></Style></Layer>`
    );
  };

  const groups = new Map<string, LayerRecord[]>();
  for (const l of layers) groups.set(l.agencyName, [...(groups.get(l.agencyName) ?? []), l]);
  const agencyXml = [...groups.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, ls]) => {
      const box = union(ls);
      return `<Layer><Title>${esc(name)}</Title>${box ? boxes(box) : ''}${ls.map(layerXml).join('')}</Layer>`;
    })
    .join('');
  const all = union(layers);
  const limits = v13
    ? `<LayerLimit>${o.maxLayers}</LayerLimit><MaxWidth>${o.maxSize}</MaxWidth><MaxHeight>${o.maxSize}</MaxHeight>`
    : '';
  const service =
    `<Service><Name>${v13 ? 'WMS' : 'OGC:WMS'}</Name><Title>Satu Peta Kota Tangerang</Title>` +
    `<Abstract>Peta Satu Data Kota Tangerang: layers of the city's agencies drawn with their stored styles. Sample catalog data is marked as such in each layer's metadata.</Abstract>` +
    `<KeywordList><Keyword>Satu Data Indonesia</Keyword><Keyword>Kota Tangerang</Keyword><Keyword>WMS</Keyword></KeywordList>` +
    `${href(wms)}<Fees>none</Fees><AccessConstraints>none</AccessConstraints>${limits}</Service>`;
  const capability =
    `<Capability><Request>${op('GetCapabilities', [v13 ? 'text/xml' : 'application/vnd.ogc.wms_xml'])}` +
    `${op('GetMap', MAP_FORMATS)}${op('GetFeatureInfo', INFO_FORMATS)}` +
    `</Request><Exception><Format>${v13 ? 'XML' : 'application/vnd.ogc.se_xml'}</Format></Exception>` +
    `<Layer><Title>Satu Peta Kota Tangerang</Title>${crsList}${all ? boxes(all) : ''}${agencyXml}</Layer></Capability>`;
  if (v13)
    return (
      `<?xml version="1.0" encoding="UTF-8"?>\n<WMS_Capabilities version="1.3.0" xmlns="http://www.opengis.net/wms" ` +
      `xmlns:xlink="${XLINK}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" ` +
      `xsi:schemaLocation="http://www.opengis.net/wms http://schemas.opengis.net/wms/1.3.0/capabilities_1_3_0.xsd">` +
      `${service}${capability}</WMS_Capabilities>\n`
    );
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE WMT_MS_Capabilities SYSTEM "http://schemas.opengis.net/wms/1.1.1/WMS_MS_Capabilities.dtd">\n` +
    `<WMT_MS_Capabilities version="1.1.1" xmlns:xlink="${XLINK}">${service}${capability}</WMT_MS_Capabilities>\n`
  );
}

function union(layers: LayerRecord[]): Bbox | null {
  let out: Bbox | null = null;
  for (const l of layers) {
    if (!l.bbox) continue;
    out = out
      ? [
          Math.min(out[0], l.bbox[0]),
          Math.min(out[1], l.bbox[1]),
          Math.max(out[2], l.bbox[2]),
          Math.max(out[3], l.bbox[3]),
        ]
      : [...l.bbox];
  }
  return out;
}
