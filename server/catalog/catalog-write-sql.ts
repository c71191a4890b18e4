import type { Knex } from 'knex';
import type { LayerInput } from './layer-types.js';
import { normalizeSearchText } from './search-text.js';

export interface AgencyInput {
  code: string;
  name: string;
  shortName: string;
  kind: string;
  districtCode: string | null;
  source: string;
}
export interface ThemeInput {
  code: string;
  name: string;
  kugiCode: string;
  kugiCategory: string;
  description: string;
}

export async function insertAgencies(knex: Knex, agencies: AgencyInput[]): Promise<void> {
  await knex('agencies').insert(
    agencies.map((a) => ({
      code: a.code,
      name: a.name,
      short_name: a.shortName,
      kind: a.kind,
      district_code: a.districtCode,
      source: a.source,
    })),
  );
}

export async function insertThemes(knex: Knex, themes: ThemeInput[]): Promise<void> {
  await knex('themes').insert(
    themes.map((t) => ({
      code: t.code,
      name: t.name,
      kugi_code: t.kugiCode,
      kugi_category: t.kugiCategory,
      description: t.description,
    })),
  );
}

/**
 * Inserts layers and returns their ids by slug. The search documents are built here (layerColumns),
 * the one write path into the registry: A = title + keywords, B = agency + theme, C = description.
 */
export async function insertLayers(knex: Knex, layers: LayerInput[]): Promise<Map<string, number>> {
  const names = await searchNames(knex);
  const ids = new Map<string, number>();
  for (let i = 0; i < layers.length; i += 250) {
    const rows = layers.slice(i, i + 250).map((l) => ({ slug: l.slug, ...layerColumns(knex, l, names) }));
    const inserted: { id: number; slug: string }[] = await knex('layers').insert(rows).returning(['id', 'slug']);
    for (const r of inserted) ids.set(r.slug, r.id);
  }
  return ids;
}

/** Rewrites a layer's metadata (everything but its slug, stats and version), search documents included. */
export async function updateLayer(knex: Knex, id: number, l: LayerInput): Promise<void> {
  await knex('layers')
    .where({ id })
    .update(layerColumns(knex, l, await searchNames(knex)));
}

export async function layerIdBySlug(knex: Knex, slug: string): Promise<{ id: number; dataVersion: number } | null> {
  const row: { id: number; data_version: number } | undefined = await knex('layers')
    .where({ slug })
    .first('id', 'data_version');
  return row ? { id: row.id, dataVersion: row.data_version } : null;
}

/** Locks a layer's row and returns its style as stored. */
export async function lockedStyle(knex: Knex, id: number): Promise<Record<string, unknown>> {
  const { rows } = await knex.raw<{ rows: { style: Record<string, unknown> }[] }>(
    'select style from layers where id = ? for update',
    [id],
  );
  return rows[0]?.style ?? {};
}

export async function updateStyle(knex: Knex, id: number, style: Record<string, unknown>): Promise<void> {
  await knex('layers')
    .where({ id })
    .update({ style: JSON.stringify(style) });
}

export async function lockLayer(knex: Knex, id: number): Promise<void> {
  await knex.raw('select 1 from layers where id = ? for update', [id]);
}

interface SearchNames {
  agencies: Map<string, string>;
  themes: Map<string, string>;
}

async function searchNames(knex: Knex): Promise<SearchNames> {
  const agencies = new Map(
    (
      await knex<{ code: string; name: string; short_name: string }>('agencies').select('code', 'name', 'short_name')
    ).map((a) => [a.code, `${a.name} ${a.short_name}`]),
  );
  const themes = new Map(
    (await knex<{ code: string; name: string }>('themes').select('code', 'name')).map((t) => [t.code, t.name]),
  );
  return { agencies, themes };
}

function layerColumns(knex: Knex, l: LayerInput, names: SearchNames) {
  return {
    title: l.title,
    description: l.description,
    agency_code: l.agencyCode,
    theme_code: l.themeCode,
    geometry_type: l.geometryType,
    classification: l.classification,
    fields: JSON.stringify(l.fields),
    style: JSON.stringify(l.style),
    min_zoom: l.minZoom,
    max_zoom: l.maxZoom,
    producer: l.producer,
    custodian: l.custodian,
    contact_email: l.contactEmail,
    source: l.source,
    scale_denominator: l.scaleDenominator,
    update_frequency: l.updateFrequency,
    last_update: l.lastUpdate,
    license: l.license,
    keywords: knex.raw('array(select jsonb_array_elements_text(?::jsonb))', [JSON.stringify(l.keywords)]),
    lineage: l.lineage,
    reference_system: l.referenceSystem,
    is_sample: l.isSample,
    tile_fields: l.tileFields === null ? null : JSON.stringify(l.tileFields),
    search_a: normalizeSearchText(`${l.title} ${l.keywords.join(' ')}`),
    search_b: normalizeSearchText(`${names.agencies.get(l.agencyCode) ?? ''} ${names.themes.get(l.themeCode) ?? ''}`),
    search_c: normalizeSearchText(l.description),
  };
}
