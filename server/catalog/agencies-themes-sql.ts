import type { Knex } from 'knex';
import { whereLayerVisible, type Caller } from '../auth/access.js';

/** The producers and themes of the catalog, each with the number of layers the caller may see. */
export interface AgencyRow {
  code: string;
  name: string;
  shortName: string;
  kind: string;
  districtCode: string | null;
  layerCount: number;
}

export async function listAgencies(knex: Knex, caller: Caller): Promise<AgencyRow[]> {
  const visible = whereLayerVisible(
    knex('layers as l').select('l.agency_code').select(knex.raw('count(*)::int as n')),
    caller,
  )
    .groupBy('l.agency_code')
    .as('c');
  const rows = (await knex('agencies as a')
    .leftJoin(visible, 'c.agency_code', 'a.code')
    .select(
      'a.code',
      'a.name',
      'a.short_name',
      'a.kind',
      'a.district_code',
      knex.raw('coalesce(c.n, 0) as layer_count'),
    )
    .orderBy('a.code')) as {
    code: string;
    name: string;
    short_name: string;
    kind: string;
    district_code: string | null;
    layer_count: number;
  }[];
  return rows.map((r) => ({
    code: r.code,
    name: r.name,
    shortName: r.short_name,
    kind: r.kind,
    districtCode: r.district_code,
    layerCount: r.layer_count,
  }));
}

export interface ThemeRow {
  code: string;
  name: string;
  kugiCode: string;
  kugiCategory: string;
  description: string;
  layerCount: number;
}

export async function listThemes(knex: Knex, caller: Caller): Promise<ThemeRow[]> {
  const visible = whereLayerVisible(
    knex('layers as l').select('l.theme_code').select(knex.raw('count(*)::int as n')),
    caller,
  )
    .groupBy('l.theme_code')
    .as('c');
  const rows = (await knex('themes as t')
    .leftJoin(visible, 'c.theme_code', 't.code')
    .select(
      't.code',
      't.name',
      't.kugi_code',
      't.kugi_category',
      't.description',
      knex.raw('coalesce(c.n, 0) as layer_count'),
    )
    .orderBy('t.code')) as {
    code: string;
    name: string;
    kugi_code: string;
    kugi_category: string;
    description: string;
    layer_count: number;
  }[];
  return rows.map((r) => ({
    code: r.code,
    name: r.name,
    kugiCode: r.kugi_code,
    kugiCategory: r.kugi_category,
    description: r.description,
    layerCount: r.layer_count,
  }));
}

export async function agencyExists(knex: Knex, code: string): Promise<boolean> {
  return (await knex('agencies').where({ code }).first('code')) !== undefined;
}

export async function themeExists(knex: Knex, code: string): Promise<boolean> {
  return (await knex('themes').where({ code }).first('code')) !== undefined;
}
