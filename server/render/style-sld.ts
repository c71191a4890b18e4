import type { LayerRecord } from '../catalog/layer-types.js';
import { esc } from '../http/xml.js';
import { styleDocOf } from './style-doc.js';
import { NO_DATA_COLOR } from './style-layers.js';
import type { StyleRule, Symbol } from './style-rule.js';

/**
 * A layer's style as SLD 1.1.0 with Symbology Encoding 1.1 (OGC 05-078r4, 05-077r4), for WMS
 * clients and servers that read SLD (MapServer, GeoServer, QGIS): one se:Rule per class with an
 * ogc:Filter (categories: PropertyIsEqualTo, the rest an ElseFilter; graduated classes:
 * from ≥ min to < the next class's min, as the MapLibre step expression draws them), sizes in
 * pixels, the style's zoom range as scale denominators, the label as a TextSymbolizer.
 */
const SLD_NS = 'http://www.opengis.net/sld';
const SE = 'http://www.opengis.net/se';
const OGC = 'http://www.opengis.net/ogc';

/** The scale denominator of a web-map zoom level (256-pixel tiles, 0.28 mm pixels, at the equator). */
export function scaleOfZoom(zoom: number): number {
  return 559082264.0287178 / 2 ** zoom;
}

const svg = (name: string, value: string | number) =>
  `<se:SvgParameter name="${name}">${esc(String(value))}</se:SvgParameter>`;
const literal = (v: string | number | boolean) => `<ogc:Literal>${esc(String(v))}</ogc:Literal>`;
const prop = (name: string) => `<ogc:PropertyName>${esc(name)}</ogc:PropertyName>`;

function stroke(color: string, width: number, dash: number[] | null, opacity = 1): string {
  return (
    `<se:Stroke>${svg('stroke', color)}${opacity < 1 ? svg('stroke-opacity', opacity) : ''}${svg('stroke-width', width)}` +
    `${svg('stroke-linejoin', 'round')}${svg('stroke-linecap', dash ? 'butt' : 'round')}` +
    `${dash ? svg('stroke-dasharray', dash.map((d) => d * width).join(' ')) : ''}</se:Stroke>`
  );
}

function symbolizer(geometryType: LayerRecord['geometryType'], s: Symbol, color: string): string {
  if (geometryType === 'Polygon')
    return (
      `<se:PolygonSymbolizer><se:Fill>${svg('fill', color)}${svg('fill-opacity', s.fillOpacity)}</se:Fill>` +
      `${s.width > 0 ? stroke(s.outlineColor ?? color, s.width, s.dash) : ''}</se:PolygonSymbolizer>`
    );
  if (geometryType === 'LineString') return `<se:LineSymbolizer>${stroke(color, s.width, s.dash)}</se:LineSymbolizer>`;
  return (
    `<se:PointSymbolizer><se:Graphic><se:Mark><se:WellKnownName>circle</se:WellKnownName>` +
    `<se:Fill>${svg('fill', color)}</se:Fill>${stroke(s.outlineColor ?? '#ffffff', 1, null)}</se:Mark>` +
    `<se:Size>${s.radius * 2}</se:Size></se:Graphic></se:PointSymbolizer>`
  );
}

function scales(minZoom: number | null, maxZoom: number | null): string {
  return (
    (maxZoom !== null ? `<se:MinScaleDenominator>${scaleOfZoom(maxZoom)}</se:MinScaleDenominator>` : '') +
    (minZoom !== null ? `<se:MaxScaleDenominator>${scaleOfZoom(minZoom)}</se:MaxScaleDenominator>` : '')
  );
}

function rule(name: string, title: string, filter: string, body: string, range: string): string {
  return (
    `<se:Rule><se:Name>${esc(name)}</se:Name><se:Description><se:Title>${esc(title)}</se:Title></se:Description>` +
    `${filter}${range}${body}</se:Rule>`
  );
}

function classRules(l: LayerRecord, r: StyleRule, range: string): string[] {
  const draw = (color: string) => symbolizer(l.geometryType, r.symbol, color);
  if (r.kind === 'single') return [rule('default', l.title, '', draw(r.symbol.color), range)];
  if (r.kind === 'categorized')
    return [
      ...r.classes.map((c, i) =>
        rule(
          `class-${i + 1}`,
          c.label,
          `<ogc:Filter><ogc:PropertyIsEqualTo>${prop(r.property)}${literal(c.value)}</ogc:PropertyIsEqualTo></ogc:Filter>`,
          draw(c.color),
          range,
        ),
      ),
      rule('other', r.otherLabel, '<se:ElseFilter/>', draw(r.symbol.color), range),
    ];
  const sorted = [...r.classes].sort((a, b) => a.min - b.min);
  return [
    ...sorted.map((c, i) => {
      const next = sorted[i + 1];
      const from =
        i === 0
          ? null
          : `<ogc:PropertyIsGreaterThanOrEqualTo>${prop(r.property)}${literal(c.min)}</ogc:PropertyIsGreaterThanOrEqualTo>`;
      const to = next
        ? `<ogc:PropertyIsLessThan>${prop(r.property)}${literal(next.min)}</ogc:PropertyIsLessThan>`
        : null;
      const parts = [from, to].filter((p): p is string => p !== null);
      // One class alone takes every number: a test that is always true for numbers.
      const test =
        parts.length === 2
          ? `<ogc:And>${parts.join('')}</ogc:And>`
          : (parts[0] ?? `<ogc:Not><ogc:PropertyIsNull>${prop(r.property)}</ogc:PropertyIsNull></ogc:Not>`);
      return rule(`class-${i + 1}`, c.label, `<ogc:Filter>${test}</ogc:Filter>`, draw(c.color), range);
    }),
    rule('no-data', 'Tidak ada data', '<se:ElseFilter/>', draw(NO_DATA_COLOR), range),
  ];
}

function labelRule(l: LayerRecord, r: StyleRule): string | null {
  const label = r.label;
  if (!label) return null;
  const placement =
    l.geometryType === 'LineString'
      ? '<se:LabelPlacement><se:LinePlacement/></se:LabelPlacement>'
      : '<se:LabelPlacement><se:PointPlacement><se:AnchorPoint><se:AnchorPointX>0.5</se:AnchorPointX><se:AnchorPointY>0.5</se:AnchorPointY></se:AnchorPoint></se:PointPlacement></se:LabelPlacement>';
  const text =
    `<se:TextSymbolizer><se:Label>${prop(label.property)}</se:Label>` +
    `<se:Font>${svg('font-family', 'Noto Sans')}${svg('font-size', label.size)}</se:Font>${placement}` +
    (label.haloWidth > 0
      ? `<se:Halo><se:Radius>${label.haloWidth}</se:Radius><se:Fill>${svg('fill', label.haloColor)}</se:Fill></se:Halo>`
      : '') +
    `<se:Fill>${svg('fill', label.color)}</se:Fill></se:TextSymbolizer>`;
  return rule('label', label.property, '', text, scales(label.minZoom ?? r.minZoom, r.maxZoom));
}

export function styleSld(l: LayerRecord): string {
  const { rule: r, version } = styleDocOf(l);
  const range = scales(r.minZoom, r.maxZoom);
  const rules = [...classRules(l, r, range), labelRule(l, r)].filter((x): x is string => x !== null);
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<StyledLayerDescriptor version="1.1.0" xmlns="${SLD_NS}" xmlns:se="${SE}" xmlns:ogc="${OGC}" ` +
    `xmlns:xlink="http://www.w3.org/1999/xlink" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" ` +
    `xsi:schemaLocation="${SLD_NS} http://schemas.opengis.net/sld/1.1.0/StyledLayerDescriptor.xsd">` +
    `<NamedLayer><se:Name>${esc(l.slug)}</se:Name><UserStyle><se:Name>default</se:Name>` +
    `<se:Description><se:Title>${esc(l.title)}</se:Title><se:Abstract>Style version ${version}</se:Abstract></se:Description>` +
    `<IsDefault>1</IsDefault><se:FeatureTypeStyle>${rules.join('')}</se:FeatureTypeStyle></UserStyle></NamedLayer>` +
    `</StyledLayerDescriptor>\n`
  );
}
