import type { LayerRecord } from '../catalog/layer-types.js';
import { esc as escapeHtml } from '../http/xml.js';

/** The features GetFeatureInfo found in one queried layer, as GeoJSON Features (lon/lat). */
export interface LayerFeatures {
  layer: LayerRecord;
  features: { type: 'Feature'; id: number; geometry: unknown; properties: Record<string, unknown> | null }[];
}

function cell(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

/** text/html: one table per layer with features, a row per feature, a column per field. */
export function featureInfoHtml(found: LayerFeatures[]): string {
  const tables = found
    .filter((f) => f.features.length > 0)
    .map(({ layer, features }) => {
      const names = layer.fields.map((f) => f.name);
      const head = `<tr><th>id</th>${names.map((n) => `<th>${escapeHtml(n)}</th>`).join('')}</tr>`;
      const rows = features
        .map(
          (f) =>
            `<tr><td>${f.id}</td>${names.map((n) => `<td>${escapeHtml(cell(f.properties?.[n]))}</td>`).join('')}</tr>`,
        )
        .join('');
      return `<table><caption>${escapeHtml(layer.title)}</caption>${head}${rows}</table>`;
    });
  const body = tables.length > 0 ? tables.join('\n') : '<p>Tidak ada fitur di titik ini (no feature here).</p>';
  return `<!DOCTYPE html>\n<html lang="id"><head><meta charset="utf-8"><title>GetFeatureInfo</title></head><body>\n${body}\n</body></html>\n`;
}

/** text/plain: the layer, then each feature's fields as "name = value". */
export function featureInfoText(found: LayerFeatures[]): string {
  const lines: string[] = [];
  for (const { layer, features } of found) {
    lines.push(`Layer '${layer.slug}' (${layer.title}): ${features.length} feature${features.length === 1 ? '' : 's'}`);
    for (const f of features) {
      lines.push(`  Feature ${f.id}`);
      for (const field of layer.fields) lines.push(`    ${field.name} = ${cell(f.properties?.[field.name])}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
