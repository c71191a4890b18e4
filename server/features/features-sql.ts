import type { Knex } from 'knex';
import { propertyValueSql } from './cql2-sql.js';
import { esriFeatureText } from './esri-sql.js';
import { ID_PROPERTY, type FeatureQuery, type GmlEncoding } from './feature-query.js';

/** A page as the database wrote it: GeoJSON Feature texts joined by commas, ready to splice. */
export interface FeaturePageText {
  /** Rows found, up to limit + 1: one more than asked tells whether a next page exists. */
  found: number;
  lastFid: number | null;
  /**
   * Id order with a cursor only: the cursor of the page before (the id just before that page's
   * first feature, 0 at the start); null otherwise.
   */
  prevAfter: number | null;
  features: string;
}

const PLAIN_GEOM = 'f.geom';
const CLIPPED_GEOM = 'ST_Intersection(f.geom, d.geom)';

/**
 * One Feature as JSON text, built by the database. geomExpr is one of the two constants above,
 * never request text. RFC 7946: counter-clockwise exterior rings, at most 7 decimals (about 1 cm).
 */
function featureText(knex: Knex, properties: string[] | null, geomExpr: string): Knex.Raw {
  const props = properties
    ? `(select coalesce(jsonb_object_agg(e.key, e.value), '{}'::jsonb) from jsonb_each(f.properties) e
         where e.key in (select jsonb_array_elements_text(?::jsonb)))::text`
    : 'f.properties::text';
  return knex.raw(
    `'{"type":"Feature","id":' || f.fid || ',"geometry":' || ST_AsGeoJSON(ST_ForcePolygonCCW(${geomExpr}), 7)
       || ',"properties":' || ${props} || '}' as feature`,
    properties ? [JSON.stringify(properties)] : [],
  );
}

/** The part element PostGIS writes inside each multi geometry (GML 3, LineString with bit 4). */
const PART = { MultiPoint: 'Point', MultiCurve: 'LineString', MultiSurface: 'Polygon' } as const;
/** XML 1.0 cannot hold these control characters; markup characters are escaped. */
const XML_TEXT = (v: string) =>
  `replace(replace(replace(translate(${v}, E'\\x01\\x02\\x03\\x04\\x05\\x06\\x07\\x08\\x0B\\x0C\\x0E\\x0F\\x10\\x11\\x12\\x13\\x14\\x15\\x16\\x17\\x18\\x19\\x1A\\x1B\\x1C\\x1D\\x1E\\x1F\\uFFFE\\uFFFF', ''), '&', '&amp;'), '<', '&lt;'), '>', '&gt;')`;

/**
 * One WFS member in GML 3.2 (or 3.1.1: the same elements in WFS 1.1.0's wrapper), built by the database: the properties in schema order (one bound
 * key and element name each; absent values left out), then the geometry as its multi form by
 * ST_AsGML (bit 1: URN srsName and bit 16: latitude first for EPSG:4326 by URN; bit 4:
 * LineString). ST_AsGML gives every part the multi's gml:id: a one-part geometry (nearly all)
 * renames its part by text, a multi-part one writes each part with its own id.
 */
function gmlText(knex: Knex, g: GmlEncoding, geomExpr: string): Knex.Raw {
  const bindings: (string | number)[] = [g.prefix, g.typeName, g.typeName];
  const props = g.elements.map(([prop, el]) => {
    bindings.push(g.prefix, el, prop, g.prefix, el);
    return `coalesce('<' || ? || ':' || ? || '>' || ${XML_TEXT('(f.properties ->> ?)')} || '</' || ? || ':' || ? || '>', '')`;
  });
  let geometry = `''`;
  if (g.geometryElement !== null) {
    const geom = g.srid === 3857 ? `ST_Transform(${geomExpr}, 3857)` : `ST_ForcePolygonCCW(${geomExpr})`;
    const options = (g.latFirst ? 16 | 1 : 0) | 4;
    const decimals = g.srid === 3857 ? 2 : 7;
    const id = `(? || '.' || f.fid || '.g')`;
    const part = PART[g.multi];
    geometry = `('<' || ? || ':' || ? || '>' || case when ST_NumGeometries(${geomExpr}) = 1
        then replace(ST_AsGML(3, ST_Multi(${geom}), ?::int, ?::int, 'gml', ${id}), '<gml:${part} gml:id="' || ${id} || '"', '<gml:${part} gml:id="' || ${id} || '.1"')
        else '<gml:${g.multi} srsName="' || ? || '" gml:id="' || ${id} || '">'
          || (select string_agg('<gml:${MEMBER[g.multi]}>' || ST_AsGML(3, ST_SetSRID(d.geom, 0), ?::int, ?::int, 'gml', ${id} || '.' || d.n) || '</gml:${MEMBER[g.multi]}>', '' order by d.n)
                from (select (p).geom as geom, row_number() over () as n from ST_Dump(${geom}) p) d)
          || '</gml:${g.multi}>' end
      || '</' || ? || ':' || ? || '>')`;
    bindings.push(g.prefix, g.geometryElement, decimals, options, g.typeName, g.typeName, g.typeName);
    bindings.push(g.srsName, g.typeName, decimals, options & ~1, g.typeName, g.prefix, g.geometryElement);
  }
  bindings.push(g.prefix, g.typeName, g.member);
  return knex.raw(
    `'<' || ? || '><' || ? || ':' || ? || ' gml:id="' || ? || '.' || f.fid || '">' || ${props.length ? props.join(' || ') : `''`} || ${geometry} || '</' || ? || ':' || ? || '></' || ? || '>' as feature`,
    [g.member, ...bindings],
  );
}

const MEMBER = { MultiPoint: 'pointMember', MultiCurve: 'curveMember', MultiSurface: 'surfaceMember' } as const;

/** Each feature's text: GeoJSON, a GML member or GeoServices JSON, as the query asks. */
function projection(knex: Knex, q: FeatureQuery): Knex.Raw {
  if (q.esri) return esriFeatureText(knex, q.esri, q.layer.geometryType);
  const geom = q.district && q.clip ? CLIPPED_GEOM : PLAIN_GEOM;
  return q.gml ? gmlText(knex, q.gml, geom) : featureText(knex, q.properties, geom);
}

type Filters = Pick<FeatureQuery, 'layer' | 'bbox' | 'district' | 'where'>;

/** The layer's features that pass the filters: true bbox intersection, district, CQL2 tree. */
function filtered(knex: Knex, q: Filters): Knex.QueryBuilder {
  const rows = knex('features as f').where('f.layer_id', q.layer.storageId);
  // ST_Intersects uses the (layer_id, geom) GiST index for the box test, then checks exactly.
  if (q.bbox) rows.whereRaw('ST_Intersects(f.geom, ST_MakeEnvelope(?, ?, ?, ?, 4326))', q.bbox);
  if (q.district) {
    rows.join('districts as d', (j) => j.on(knex.raw('ST_Intersects(f.geom, d.geom)'))).andWhere('d.code', q.district);
  }
  if (q.where) rows.whereRaw(q.where.sql, q.where.bindings);
  return rows;
}

/** ORDER BY of a query: its sort keys, then the feature id so every order is total. */
function orderBy(knex: Knex, q: Pick<FeatureQuery, 'layer' | 'sortby'>): Knex.Raw {
  const parts: string[] = [];
  const bindings: string[] = [];
  for (const key of q.sortby) {
    const dir = key.descending ? 'desc nulls last' : 'asc nulls last';
    if (key.property === ID_PROPERTY) {
      parts.push(`f.fid ${key.descending ? 'desc' : 'asc'}`);
      continue;
    }
    const type = q.layer.fields.find((f) => f.name === key.property)?.type ?? 'string';
    const v = propertyValueSql(key.property, type);
    parts.push(`${v.sql} ${dir}`);
    bindings.push(...v.bindings);
  }
  if (!q.sortby.some((k) => k.property === ID_PROPERTY)) parts.push('f.fid');
  return knex.raw(parts.join(', '), bindings);
}

/** Exact number of features passing the filters (numberMatched). */
export async function countFeatures(knex: Knex, q: Filters): Promise<number> {
  const rows: { n: number }[] = await filtered(knex, q).select(knex.raw('count(*)::int as n'));
  return rows[0]?.n ?? 0;
}

/** The ids of every feature passing the filters, in the query's order. */
export async function selectFeatureIds(knex: Knex, q: Filters & Pick<FeatureQuery, 'sortby'>): Promise<number[]> {
  const rows: { fid: number }[] = await filtered(knex, q)
    .select('f.fid')
    .orderByRaw('?', [orderBy(knex, q)]);
  return rows.map((r) => r.fid);
}

/**
 * How many features pass the filters and the box around them, in EPSG:4326 (lon/lat) or from the
 * stored EPSG:3857 copy (metres); null box when none pass.
 */
export async function featureExtent(
  knex: Knex,
  q: Filters,
  srid: 4326 | 3857,
): Promise<{ count: number; bbox: [number, number, number, number] | null }> {
  const column = srid === 3857 ? 'f.geom_3857' : 'f.geom';
  const rows: { n: number; x0: number | null; y0: number | null; x1: number | null; y1: number | null }[] = await knex
    .from(
      filtered(knex, q)
        .select(knex.raw(`ST_Extent(${column}) as e, count(*)::int as n`))
        .as('s'),
    )
    .select('s.n', knex.raw('ST_XMin(s.e) as x0, ST_YMin(s.e) as y0, ST_XMax(s.e) as x1, ST_YMax(s.e) as y1'));
  const r = rows[0];
  if (!r || r.x0 === null || r.y0 === null || r.x1 === null || r.y1 === null) return { count: r?.n ?? 0, bbox: null };
  return { count: r.n, bbox: [r.x0, r.y0, r.x1, r.y1] };
}

/**
 * Asks for limit + 1 rows in the query's order and aggregates the first `limit` into one text in
 * the database; in id order after a cursor, the previous page's cursor comes in the same statement.
 */
export async function selectFeaturePage(knex: Knex, q: FeatureQuery): Promise<FeaturePageText> {
  const order = orderBy(knex, q);
  const rows = q.offset > 0 ? pageAfterOffset(knex, q, order) : filtered(knex, q);
  if (q.offset === 0) {
    rows
      .select('f.fid', projection(knex, q))
      .select(knex.raw('row_number() over (order by ?) as rn', [order]))
      .orderByRaw('?', [order])
      .limit(q.limit + 1);
    if (q.after > 0) rows.andWhere('f.fid', '>', q.after);
  }
  const byCursor = q.after > 0 && q.offset === 0 && q.sortby.length === 0;
  const prev = byCursor
    ? knex.raw('(select coalesce((?), 0)) as prev_after', [
        filtered(knex, q)
          .select('f.fid')
          .andWhere('f.fid', '<=', q.after)
          .orderBy('f.fid', 'desc')
          .offset(q.limit)
          .limit(1),
      ])
    : knex.raw('null::int as prev_after');
  const pages: { found: number; last_fid: number | null; prev_after: number | null; features: string }[] = await knex
    .from(rows.as('p'))
    .select(
      knex.raw('count(*)::int as found'),
      prev,
      knex.raw('max(p.fid) filter (where p.rn = ?) as last_fid', [q.limit]),
      // GeoJSON Features are joined by commas (spliced into an array), GML members by nothing.
      knex.raw(`coalesce(string_agg(p.feature, ? order by p.rn) filter (where p.rn <= ?), '') as features`, [
        q.gml ? '' : ',',
        q.limit,
      ]),
    );
  const page = pages[0] ?? { found: 0, last_fid: null, prev_after: null, features: '' };
  return { found: page.found, lastFid: page.last_fid, prevAfter: page.prev_after, features: page.features };
}

/**
 * The rows of a page past `offset`: the ids first (numbered, ordered, skipped and cut without
 * building any text), then each kept feature's text. In one query the window would make the
 * database build the text of every skipped row too, so a deep page cost several first pages.
 */
function pageAfterOffset(knex: Knex, q: FeatureQuery, order: Knex.Raw): Knex.QueryBuilder {
  const ids = filtered(knex, q)
    .select('f.fid')
    // Window rows are numbered before OFFSET skips any: number the page from 1.
    .select(knex.raw('row_number() over (order by ?) - ? as rn', [order, q.offset]))
    .orderByRaw('?', [order])
    .limit(q.limit + 1)
    .offset(q.offset);
  if (q.after > 0) ids.andWhere('f.fid', '>', q.after);
  const rows = knex
    .from(ids.as('i'))
    .join('features as f', (j) => j.on('f.fid', '=', 'i.fid').andOnVal('f.layer_id', '=', q.layer.storageId))
    .select('f.fid', 'i.rn', projection(knex, q));
  // A clipped geometry needs the district's own geometry beside each feature.
  if (q.district && q.clip) rows.join('districts as d', (j) => j.onVal('d.code', '=', q.district as string));
  return rows;
}

/**
 * Up to `limit` features after a feature id, in id order, as one text of comma-joined GeoJSON
 * Features built by the database: the chunks of a whole-layer download (no window, no count).
 */
export async function selectFeatureChunk(
  knex: Knex,
  q: Filters & Pick<FeatureQuery, 'clip' | 'properties' | 'gml'>,
  after: number,
  limit: number,
): Promise<{ features: string; lastFid: number | null; n: number }> {
  const inner = filtered(knex, q)
    .select('f.fid', projection(knex, q as FeatureQuery))
    .andWhere('f.fid', '>', after)
    .orderBy('f.fid')
    .limit(limit);
  const rows = await knex.from(inner.as('p')).select<{ features: string; last_fid: number | null; n: number }[]>(
    // The subquery hands rows over in id order already; an ORDER BY inside the aggregate would
    // sort them again (PostgreSQL 15 does not skip it), a third of the chunk's time.
    knex.raw(`coalesce(string_agg(p.feature, ','), '') as features`),
    knex.raw('max(p.fid) as last_fid'),
    knex.raw('count(*)::int as n'),
  );
  const row = rows[0];
  return { features: row?.features ?? '', lastFid: row?.last_fid ?? null, n: row?.n ?? 0 };
}

/**
 * Every feature the query selects as GeoJSON Feature text, one row each, in id order: the
 * statement a whole-layer download streams by COPY (the same filters and text as pages).
 */
export function featureTextQuery(
  knex: Knex,
  q: Filters & Pick<FeatureQuery, 'clip' | 'properties' | 'gml'>,
): Knex.QueryBuilder {
  return filtered(knex, q)
    .select(projection(knex, q as FeatureQuery))
    .orderBy('f.fid');
}

/** A feature for binary formats: its properties and its geometry as little-endian WKB (EPSG:4326) with its box. */
export interface FeatureRow {
  fid: number;
  properties: Record<string, unknown>;
  wkb: Buffer;
  minx: number;
  miny: number;
  maxx: number;
  maxy: number;
}

/**
 * Up to `limit` features after a feature id, in id order, that pass the query's filters.
 * `clockwise` orients polygon rings as Shapefiles want them (exterior clockwise, holes
 * counter-clockwise); otherwise rings are as stored.
 */
export async function selectFeatureRows(
  knex: Knex,
  q: Filters & Pick<FeatureQuery, 'clip'>,
  after: number,
  limit: number,
  clockwise = false,
): Promise<FeatureRow[]> {
  const geom = q.district && q.clip ? CLIPPED_GEOM : PLAIN_GEOM;
  const wkbGeom = clockwise ? `ST_ForcePolygonCW(ST_Multi(${geom}))` : `ST_Multi(${geom})`;
  const rows = await filtered(knex, q)
    .select<FeatureRow[]>(
      'f.fid',
      'f.properties',
      knex.raw(`ST_AsBinary(${wkbGeom}, 'NDR') as wkb`),
      knex.raw(
        `ST_XMin(${geom}) as minx, ST_YMin(${geom}) as miny, ST_XMax(${geom}) as maxx, ST_YMax(${geom}) as maxy`,
      ),
    )
    .andWhere('f.fid', '>', after)
    .orderBy('f.fid')
    .limit(limit);
  return rows;
}

/** The longest UTF-8 value, in bytes, of each named property among the query's features (text fields of a DBF). */
export async function textWidths(knex: Knex, q: Filters, names: string[]): Promise<Map<string, number>> {
  if (names.length === 0) return new Map();
  const row = await filtered(knex, q).first<Record<string, number | null> | undefined>(
    names.map((n, i) => knex.raw(`max(octet_length(f.properties ->> ?)) as w${i}`, [n])),
  );
  return new Map(names.map((n, i) => [n, Number(row?.[`w${i}`] ?? 0)]));
}

/** One feature of a storage (a layer version's `storageId`) as GeoJSON text. */
export async function selectFeature(knex: Knex, storageId: number, fid: number): Promise<string | null> {
  const row = (await knex('features as f')
    .first(featureText(knex, null, PLAIN_GEOM))
    .where({ 'f.layer_id': storageId, 'f.fid': fid })) as { feature: string } | undefined;
  return row?.feature ?? null;
}
