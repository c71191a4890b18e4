import { createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import yazl from 'yazl';
import type { FieldDef, LayerRecord } from '../catalog/layer-types.js';
import type { FeatureRow } from './features-sql.js';
import { wkbRuns } from './wkb.js';

/**
 * A layer as a zipped ESRI Shapefile, written a batch at a time (memory holds one batch): `.shp`
 * and `.shx` (MultiPoint, PolyLine or Polygon shapes; outer rings clockwise and holes
 * counter-clockwise, as the format wants), `.dbf` (dBASE III, text in UTF-8 as `.cpg` says),
 * `.prj` (WGS 84) and `fields.csv` listing each field's original name beside its shortened DBF
 * name. Headers that need totals (lengths, box, record count) are written last, in place.
 */
const SHAPE_TYPE = { Point: 8, LineString: 3, Polygon: 5 } as const;
const PRJ =
  'GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]';

interface DbfField {
  name: string;
  type: 'C' | 'N' | 'L' | 'D';
  length: number;
  decimals: number;
  source: FieldDef;
}

/**
 * DBF names: at most 10 ASCII letters, digits or `_`, unique regardless of case; a clash keeps
 * 8 characters and adds `_2`, `_3`… in field order, so the same fields always get the same names.
 */
export function dbfNames(fields: FieldDef[]): string[] {
  const taken = new Set<string>();
  return fields.map((f) => {
    const base =
      f.name
        .normalize('NFD')
        .replace(/[^A-Za-z0-9_]/g, '_')
        .slice(0, 10) || 'field';
    let name = base;
    for (let i = 2; taken.has(name.toUpperCase()); i++) name = `${base.slice(0, 10 - String(i).length - 1)}_${i}`;
    taken.add(name.toUpperCase());
    return name;
  });
}

function dbfFields(fields: FieldDef[], textBytes: Map<string, number>): DbfField[] {
  const names = dbfNames(fields);
  return fields.map((f, i) => {
    const name = names[i] as string;
    if (f.type === 'integer') return { name, type: 'N', length: 18, decimals: 0, source: f };
    if (f.type === 'number') return { name, type: 'N', length: 24, decimals: 12, source: f };
    if (f.type === 'boolean') return { name, type: 'L', length: 1, decimals: 0, source: f };
    if (f.type === 'date') return { name, type: 'D', length: 8, decimals: 0, source: f };
    return { name, type: 'C', length: Math.min(254, Math.max(1, textBytes.get(f.name) ?? 1)), decimals: 0, source: f };
  });
}

/** One DBF record: the deletion flag, then each value in its field's width (blanks for none: dBASE III has no null). */
function dbfRecord(fields: DbfField[], length: number, props: Record<string, unknown>): Buffer {
  const out = Buffer.alloc(length, 0x20);
  let at = 1;
  for (const f of fields) {
    writeDbfValue(out, at, props[f.source.name], f);
    at += f.length;
  }
  return out;
}

function writeDbfValue(out: Buffer, at: number, v: unknown, f: DbfField): void {
  if (v === null || v === undefined) {
    if (f.type === 'L') out.write('?', at);
    return;
  }
  if (f.type === 'C') {
    const text =
      typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : JSON.stringify(v);
    // Buffer.write stops before a character that would not fit whole.
    out.write(text, at, f.length, 'utf8');
    return;
  }
  if (f.type === 'L') {
    out.write(v === true ? 'T' : v === false ? 'F' : '?', at);
    return;
  }
  if (f.type === 'D') {
    if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}/.test(v)) out.write(v.slice(0, 10).replaceAll('-', ''), at);
    return;
  }
  if (typeof v !== 'number' || !Number.isFinite(v)) return;
  const text = f.decimals === 0 ? Math.round(v).toString() : v.toFixed(f.decimals);
  if (text.length <= f.length) out.write(text, at + f.length - text.length, 'latin1');
}

function dbfHeader(fields: DbfField[], records: number): Buffer {
  const headerLength = 32 + 32 * fields.length + 1;
  const recordLength = 1 + fields.reduce((a, f) => a + f.length, 0);
  const h = Buffer.alloc(headerLength);
  const now = new Date();
  h.writeUInt8(0x03, 0);
  h.writeUInt8(now.getUTCFullYear() - 1900, 1);
  h.writeUInt8(now.getUTCMonth() + 1, 2);
  h.writeUInt8(now.getUTCDate(), 3);
  h.writeUInt32LE(records, 4);
  h.writeUInt16LE(headerLength, 8);
  h.writeUInt16LE(recordLength, 10);
  h.writeUInt8(0x00, 29); // language driver: none (.cpg says UTF-8)
  fields.forEach((f, i) => {
    const at = 32 + 32 * i;
    h.write(f.name, at, 'ascii');
    h.write(f.type, at + 11, 'ascii');
    h.writeUInt8(f.length, at + 16);
    h.writeUInt8(f.decimals, at + 17);
  });
  h.writeUInt8(0x0d, headerLength - 1);
  return h;
}

/**
 * One shape record's content from the feature's WKB: MultiPoint (8), PolyLine (3) or Polygon (5)
 * with the feature's box; coordinate runs are copied as they are when they hold x, y only (the
 * database already oriented polygon rings as the format wants).
 */
function shapeRecord(type: number, wkb: Uint8Array, box: number[]): Buffer {
  const g = wkbRuns(wkb);
  const runs = g.members.flat(1);
  const points = runs.reduce((a, [, n]) => a + n, 0);
  const header = type === 8 ? 40 : 44 + 4 * runs.length;
  const b = Buffer.alloc(header + 16 * points);
  b.writeInt32LE(type, 0);
  [box[0], box[1], box[2], box[3]].forEach((v, i) => b.writeDoubleLE(v as number, 4 + 8 * i));
  if (type === 8) b.writeInt32LE(points, 36);
  else {
    b.writeInt32LE(runs.length, 36);
    b.writeInt32LE(points, 40);
    let start = 0;
    runs.forEach(([, n], i) => {
      b.writeInt32LE(start, 44 + 4 * i);
      start += n;
    });
  }
  const src = Buffer.from(wkb.buffer, wkb.byteOffset, wkb.byteLength);
  let at = header;
  for (const [offset, n] of runs) {
    if (g.stride === 16 && g.little) {
      src.copy(b, at, offset, offset + 16 * n);
      at += 16 * n;
      continue;
    }
    for (let k = 0; k < n; k++) {
      const p = offset + k * g.stride;
      b.writeDoubleLE(g.little ? src.readDoubleLE(p) : src.readDoubleBE(p), at);
      b.writeDoubleLE(g.little ? src.readDoubleLE(p + 8) : src.readDoubleBE(p + 8), at + 8);
      at += 16;
    }
  }
  return b;
}

function shpHeader(type: number, fileBytes: number, box: number[]): Buffer {
  const h = Buffer.alloc(100);
  h.writeInt32BE(9994, 0);
  h.writeInt32BE(fileBytes / 2, 24);
  h.writeInt32LE(1000, 28);
  h.writeInt32LE(type, 32);
  [box[0], box[1], box[2], box[3]].forEach((v, i) =>
    h.writeDoubleLE(Number.isFinite(v) ? (v as number) : 0, 36 + 8 * i),
  );
  return h;
}

/**
 * Writes the zipped Shapefile to `file`. `textBytes` gives the longest UTF-8 value of each text
 * field (the DBF header needs widths before the first record), read from the same snapshot.
 */
export async function writeShapefileZip(
  file: string,
  layer: Pick<LayerRecord, 'slug' | 'fields' | 'geometryType'>,
  textBytes: Map<string, number>,
  batches: AsyncIterable<FeatureRow[]>,
): Promise<number> {
  const dir = await fs.mkdtemp(`${file}-parts-`);
  const base = path.join(dir, layer.slug);
  const type = SHAPE_TYPE[layer.geometryType];
  const fields = dbfFields(layer.fields, textBytes);
  const [shp, shx, dbf] = await Promise.all([
    fs.open(`${base}.shp`, 'w'),
    fs.open(`${base}.shx`, 'w'),
    fs.open(`${base}.dbf`, 'w'),
  ]);
  try {
    let shpAt = 100;
    let count = 0;
    const box = [Infinity, Infinity, -Infinity, -Infinity];
    await dbf.write(dbfHeader(fields, 0), 0, undefined, 0);
    let dbfAt = 32 + 32 * fields.length + 1;
    const recordLength = 1 + fields.reduce((a, f) => a + f.length, 0);
    for await (const rows of batches) {
      const shpChunks: Buffer[] = [];
      const shxChunks: Buffer[] = [];
      const dbfChunks: Buffer[] = [];
      for (const r of rows) {
        const content = shapeRecord(type, r.wkb, [r.minx, r.miny, r.maxx, r.maxy]);
        const head = Buffer.alloc(8);
        head.writeInt32BE(++count, 0);
        head.writeInt32BE(content.length / 2, 4);
        const index = Buffer.alloc(8);
        index.writeInt32BE(shpAt / 2, 0);
        index.writeInt32BE(content.length / 2, 4);
        shpChunks.push(head, content);
        shxChunks.push(index);
        shpAt += 8 + content.length;
        dbfChunks.push(dbfRecord(fields, recordLength, r.properties));
        box[0] = Math.min(box[0] as number, r.minx);
        box[1] = Math.min(box[1] as number, r.miny);
        box[2] = Math.max(box[2] as number, r.maxx);
        box[3] = Math.max(box[3] as number, r.maxy);
      }
      const shpBytes = Buffer.concat(shpChunks);
      const dbfBytes = Buffer.concat(dbfChunks);
      await shp.write(shpBytes, 0, shpBytes.length, shpAt - shpBytes.length);
      await shx.write(Buffer.concat(shxChunks), 0, undefined, 100 + 8 * (count - rows.length));
      await dbf.write(dbfBytes, 0, dbfBytes.length, dbfAt);
      dbfAt += dbfBytes.length;
    }
    await shp.write(shpHeader(type, shpAt, box), 0, 100, 0);
    await shx.write(shpHeader(type, 100 + 8 * count, box), 0, 100, 0);
    await dbf.write(dbfHeader(fields, count), 0, undefined, 0);
    await dbf.write(Buffer.from([0x1a]), 0, 1, dbfAt);
    await Promise.all([shp.close(), shx.close(), dbf.close()]);
    await fs.writeFile(`${base}.prj`, PRJ);
    await fs.writeFile(`${base}.cpg`, 'UTF-8');
    await fs.writeFile(
      path.join(dir, 'fields.csv'),
      `field,dbf_name,type\n${fields.map((f) => `"${f.source.name.replaceAll('"', '""')}",${f.name},${f.source.type}`).join('\n')}\n`,
    );
    const zip = new yazl.ZipFile();
    for (const ext of ['shp', 'shx', 'dbf', 'prj', 'cpg']) zip.addFile(`${base}.${ext}`, `${layer.slug}.${ext}`);
    zip.addFile(path.join(dir, 'fields.csv'), `${layer.slug}.fields.csv`);
    zip.end();
    await new Promise<void>((resolve, reject) => {
      const out = createWriteStream(file);
      out.on('close', resolve);
      out.on('error', reject);
      zip.outputStream.on('error', reject).pipe(out);
    });
    return count;
  } finally {
    await Promise.all([shp.close(), shx.close(), dbf.close()].map((p) => p.catch(() => undefined)));
    await fs.rm(dir, { recursive: true, force: true });
  }
}
