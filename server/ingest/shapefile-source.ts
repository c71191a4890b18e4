import { createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as shapefile from 'shapefile';
import yauzl from 'yauzl';
import { crsFromCode, crsFromPrj, reproject } from './crs.js';
import type { FeatureBatch } from './geojson-source.js';
import { AppError } from '../http/app-error.js';
import { unreadable } from './problems.js';

export interface ShapefileOptions {
  /** Where the parts are unpacked (a fresh folder, removed by the caller). */
  workDir: string;
  /** Most bytes all unpacked parts may hold: the zip-bomb guard. */
  maxUnpackedBytes: number;
  /** CRS when the zip has no .prj (EPSG code). */
  crs: string | undefined;
  /** DBF text encoding when the zip has no .cpg. */
  encoding: string | undefined;
}

const PARTS = ['.shp', '.shx', '.dbf', '.prj', '.cpg'] as const;
const MAX_ENTRIES = 200;
const MAX_RATIO = 200;

/**
 * A zipped Shapefile: the zip is read from disk entry by entry (never whole into memory), its .shp,
 * .dbf, .prj and .cpg unpacked with a byte budget, then features are read in order and reprojected
 * to EPSG:4326 from the .prj (or the `crs` parameter).
 */
export async function* readZippedShapefile(file: string, o: ShapefileOptions): AsyncGenerator<FeatureBatch> {
  const parts = await unpack(file, o);
  const shp = parts.get('.shp');
  if (!shp)
    throw unreadable(
      'missing_shapefile_part',
      'The zip holds no .shp file. Zip the .shp together with its .shx, .dbf and .prj.',
    );
  const prj = parts.get('.prj');
  if (!prj && !o.crs) {
    throw unreadable(
      'missing_prj',
      'The Shapefile has no .prj, so its coordinate system is unknown. Add the .prj to the zip, or give crs=EPSG:… (e.g. EPSG:32748 for UTM 48S).',
    );
  }
  const toWgs84 = prj ? crsFromPrj(await fs.readFile(prj, 'utf8')) : crsFromCode(o.crs ?? '');
  const cpg = parts.get('.cpg');
  const encoding =
    o.encoding ??
    (cpg
      ? (await fs.readFile(cpg, 'utf8'))
          .trim()
          .toLowerCase()
          .replace(/^(\d{3,4})$/, 'windows-$1')
      : 'utf-8');
  let source;
  try {
    source = await shapefile.open(shp, parts.get('.dbf'), { encoding });
  } catch (err) {
    throw unreadable('invalid_shapefile', `The Shapefile could not be read (${(err as Error).message}).`);
  }
  let batch: unknown[] = [];
  for (;;) {
    let next;
    try {
      next = await source.read();
    } catch (err) {
      throw unreadable(
        'invalid_shapefile',
        `The Shapefile is damaged after feature ${batch.length} (${(err as Error).message}).`,
      );
    }
    if (next.done) break;
    const f = next.value as { properties: Record<string, unknown> | null; geometry: { coordinates: unknown } | null };
    if (f.geometry && toWgs84) reproject(f.geometry.coordinates, toWgs84);
    if (f.properties)
      for (const [k, v] of Object.entries(f.properties)) {
        if (v instanceof Date) f.properties[k] = v.toISOString().slice(0, 10);
        // DBF text fields are padded with NULs by some writers: padding, not data.
        else if (typeof v === 'string' && v.charCodeAt(v.length - 1) === 0) {
          let end = v.length;
          while (end > 0 && v.charCodeAt(end - 1) === 0) end -= 1;
          f.properties[k] = end === 0 ? null : v.slice(0, end);
        }
      }
    batch.push(f);
    if (batch.length === 1000) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length) yield batch;
}

/** Unpacks the Shapefile parts; refuses archives that are not zips, hold several layers or unpack past the budget. */
async function unpack(file: string, o: ShapefileOptions): Promise<Map<string, string>> {
  let zip: yauzl.ZipFile;
  try {
    zip = await new Promise<yauzl.ZipFile>((resolve, reject) => {
      yauzl.open(file, { lazyEntries: true, validateEntrySizes: true, autoClose: false }, (err, z) =>
        err ? reject(err) : resolve(z),
      );
    });
  } catch (err) {
    throw unreadable(
      'invalid_zip',
      `The upload is not a readable zip (${(err as Error).message}); it may be truncated.`,
    );
  }
  const parts = new Map<string, string>();
  let unpacked = 0;
  let entries = 0;
  try {
    await new Promise<void>((resolve, reject) => {
      zip.on('error', (err: Error) => reject(unreadable('invalid_zip', `The zip is damaged (${err.message}).`)));
      zip.on('end', () => resolve());
      zip.on('entry', (entry: yauzl.Entry) => {
        void (async () => {
          entries += 1;
          if (entries > MAX_ENTRIES)
            throw unreadable(
              'invalid_zip',
              `The zip holds more than ${MAX_ENTRIES} files; send one Shapefile per upload.`,
            );
          const ext = path.extname(entry.fileName).toLowerCase() as (typeof PARTS)[number];
          if (
            entry.fileName.endsWith('/') ||
            !PARTS.includes(ext) ||
            entry.fileName.split('/').some((s) => s.startsWith('__MACOSX') || s.startsWith('.'))
          )
            return;
          if (parts.has(ext))
            throw unreadable(
              'multiple_shapefiles',
              `The zip holds more than one ${ext}; send one Shapefile per upload.`,
            );
          if (
            entry.uncompressedSize > o.maxUnpackedBytes - unpacked ||
            (entry.compressedSize > 0 &&
              entry.uncompressedSize / entry.compressedSize > MAX_RATIO &&
              entry.uncompressedSize > 1024 * 1024)
          ) {
            throw unreadable(
              'zip_too_large',
              `${entry.fileName} would unpack to ${entry.uncompressedSize} bytes; the limit is ${o.maxUnpackedBytes} bytes in all, at most ${MAX_RATIO}× the packed size.`,
            );
          }
          const target = path.join(o.workDir, `layer${ext}`);
          await extract(zip, entry, target, () => o.maxUnpackedBytes - unpacked);
          unpacked += entry.uncompressedSize;
          parts.set(ext, target);
        })().then(() => zip.readEntry(), reject);
      });
      zip.readEntry();
    });
  } finally {
    zip.close();
  }
  return parts;
}

async function extract(zip: yauzl.ZipFile, entry: yauzl.Entry, target: string, budget: () => number): Promise<void> {
  let stream;
  try {
    stream = await new Promise<NodeJS.ReadableStream>((resolve, reject) =>
      zip.openReadStream(entry, (err, s) => (err ? reject(err) : resolve(s))),
    );
  } catch (err) {
    throw unreadable('invalid_zip', `${entry.fileName} cannot be unpacked (${(err as Error).message}).`);
  }
  let written = 0;
  const guard = new Transform({
    transform(chunk: Buffer, _enc, done) {
      written += chunk.length;
      if (written > budget())
        done(unreadable('zip_too_large', `${entry.fileName} unpacks past the limit of ${budget()} bytes.`));
      else done(null, chunk);
    },
  });
  try {
    await pipeline(stream, guard, createWriteStream(target));
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw unreadable(
      'invalid_zip',
      `${entry.fileName} cannot be unpacked (${(err as Error).message}); the zip may be truncated or damaged.`,
    );
  }
}
