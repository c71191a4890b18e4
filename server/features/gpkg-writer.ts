import Database from 'better-sqlite3';
import type { FieldDef, LayerRecord } from '../catalog/layer-types.js';
import type { FeatureRow } from './features-sql.js';

/**
 * A layer as an OGC GeoPackage 1.2 file (better-sqlite3): the required gpkg_spatial_ref_sys,
 * gpkg_contents and gpkg_geometry_columns tables, and one feature table named after the layer with
 * `fid`, `geom` (GeoPackage binary: the "GP" header with its envelope, then the WKB PostGIS wrote,
 * little-endian, EPSG:4326) and a column per field in its SQLite type. Rows are written a batch per
 * transaction, so memory holds one batch whatever the layer's size.
 */
const WGS84_WKT =
  'GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AUTHORITY["EPSG","4326"]]';
const SQLITE_TYPE: Record<FieldDef['type'], string> = {
  string: 'TEXT',
  integer: 'INTEGER',
  number: 'REAL',
  boolean: 'BOOLEAN',
  date: 'DATE',
};
const GEOMETRY_TYPE = { Point: 'MULTIPOINT', LineString: 'MULTILINESTRING', Polygon: 'MULTIPOLYGON' } as const;

const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;

/** GeoPackage binary geometry: "GP", version 0, flags (little-endian, xy envelope), srs id, envelope, WKB. */
function gpkgGeometry(r: FeatureRow): Buffer {
  const header = Buffer.alloc(40);
  header.write('GP', 0, 'ascii');
  header.writeUInt8(0, 2);
  header.writeUInt8(0b0000_0011, 3);
  header.writeInt32LE(4326, 4);
  header.writeDoubleLE(r.minx, 8);
  header.writeDoubleLE(r.maxx, 16);
  header.writeDoubleLE(r.miny, 24);
  header.writeDoubleLE(r.maxy, 32);
  return Buffer.concat([header, r.wkb]);
}

/** A property as SQLite stores it for its field's type; objects and arrays as JSON text. */
function cell(v: unknown, type: FieldDef['type']): string | number | null {
  if (v === null || v === undefined) return null;
  if (type === 'boolean' && typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string' || typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  return JSON.stringify(v);
}

/** Column names for the fields: `fid` and `geom` are taken, so a field named so gets a suffix. */
export function gpkgColumns(fields: FieldDef[]): string[] {
  const taken = new Set(['fid', 'geom']);
  return fields.map((f) => {
    let name = f.name;
    for (let i = 2; taken.has(name.toLowerCase()); i++) name = `${f.name}_${i}`;
    taken.add(name.toLowerCase());
    return name;
  });
}

export async function writeGeoPackage(
  file: string,
  layer: Pick<LayerRecord, 'slug' | 'title' | 'description' | 'fields' | 'geometryType'>,
  batches: AsyncIterable<FeatureRow[]>,
): Promise<number> {
  const db = new Database(file);
  try {
    db.pragma('journal_mode = OFF');
    db.pragma('synchronous = OFF');
    db.pragma('application_id = 1196444487'); // "GPKG"
    db.pragma('user_version = 10200'); // GeoPackage 1.2
    db.exec(`
      create table gpkg_spatial_ref_sys (srs_name text not null, srs_id integer not null primary key,
        organization text not null, organization_coordsys_id integer not null, definition text not null, description text);
      create table gpkg_contents (table_name text not null primary key, data_type text not null, identifier text unique,
        description text default '', last_change datetime not null default (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
        min_x double, min_y double, max_x double, max_y double, srs_id integer,
        constraint fk_gc_r_srs_id foreign key (srs_id) references gpkg_spatial_ref_sys(srs_id));
      create table gpkg_geometry_columns (table_name text not null, column_name text not null,
        geometry_type_name text not null, srs_id integer not null, z tinyint not null, m tinyint not null,
        constraint pk_geom_cols primary key (table_name, column_name),
        constraint fk_gc_tn foreign key (table_name) references gpkg_contents(table_name),
        constraint fk_gc_srs foreign key (srs_id) references gpkg_spatial_ref_sys (srs_id));`);
    const srs = db.prepare('insert into gpkg_spatial_ref_sys values (?, ?, ?, ?, ?, ?)');
    srs.run('Undefined cartesian SRS', -1, 'NONE', -1, 'undefined', 'undefined cartesian coordinate reference system');
    srs.run('Undefined geographic SRS', 0, 'NONE', 0, 'undefined', 'undefined geographic coordinate reference system');
    srs.run(
      'WGS 84 geodetic',
      4326,
      'EPSG',
      4326,
      WGS84_WKT,
      'longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid',
    );
    const columns = gpkgColumns(layer.fields);
    const table = quote(layer.slug);
    db.exec(
      `create table ${table} (fid integer primary key autoincrement not null, geom ${GEOMETRY_TYPE[layer.geometryType]}` +
        layer.fields.map((f, i) => `, ${quote(columns[i] as string)} ${SQLITE_TYPE[f.type]}`).join('') +
        ')',
    );
    db.prepare(
      'insert into gpkg_contents (table_name, data_type, identifier, description, srs_id) values (?, ?, ?, ?, 4326)',
    ).run(layer.slug, 'features', layer.title, layer.description);
    db.prepare('insert into gpkg_geometry_columns values (?, ?, ?, 4326, 0, 0)').run(
      layer.slug,
      'geom',
      GEOMETRY_TYPE[layer.geometryType],
    );
    const insert = db.prepare(
      `insert into ${table} (fid, geom${columns.map((c) => `, ${quote(c)}`).join('')}) values (?, ?${columns.map(() => ', ?').join('')})`,
    );
    const box = [Infinity, Infinity, -Infinity, -Infinity];
    let count = 0;
    const write = db.transaction((rows: FeatureRow[]) => {
      for (const r of rows) {
        insert.run(r.fid, gpkgGeometry(r), ...layer.fields.map((f) => cell(r.properties[f.name], f.type)));
        box[0] = Math.min(box[0] as number, r.minx);
        box[1] = Math.min(box[1] as number, r.miny);
        box[2] = Math.max(box[2] as number, r.maxx);
        box[3] = Math.max(box[3] as number, r.maxy);
      }
      count += rows.length;
    });
    for await (const rows of batches) write(rows);
    if (count > 0)
      db.prepare('update gpkg_contents set min_x = ?, min_y = ?, max_x = ?, max_y = ? where table_name = ?').run(
        box[0],
        box[1],
        box[2],
        box[3],
        layer.slug,
      );
    return count;
  } finally {
    db.close();
  }
}
