import { createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { spoolPrefix } from './spool-sweep.js';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import type { Request } from 'express';
import { AppError } from '../http/app-error.js';
import type { UploadFormat } from './ingest-service.js';

/**
 * Streams a request body to a temporary file, never holding it in memory; past the size limit
 * it stops with 413 (at once when Content-Length already says so). A gzip-encoded body
 * (Content-Encoding: gzip) is unpacked on the way, and the limit counts the unpacked bytes. The
 * caller removes the file.
 */
export async function receiveToFile(
  req: Request,
  dir: string,
  maxBytes: number,
): Promise<{ file: string; bytes: number }> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (declared > maxBytes) throw tooLarge(maxBytes);
  const encoding = (req.headers['content-encoding'] ?? 'identity').toLowerCase();
  if (encoding !== 'identity' && encoding !== 'gzip') {
    throw new AppError(
      415,
      'unsupported_encoding',
      `Content-Encoding "${encoding}" is not accepted; send the file as it is or gzip-compressed. Nothing was written.`,
    );
  }
  const file = path.join(dir, `${spoolPrefix('upload')}${randomBytes(8).toString('hex')}`);
  let bytes = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      bytes += chunk.length;
      done(bytes > maxBytes ? tooLarge(maxBytes) : null, chunk);
    },
  });
  try {
    if (encoding === 'gzip') await pipeline(req, createGunzip(), counter, createWriteStream(file));
    else await pipeline(req, counter, createWriteStream(file));
  } catch (err) {
    await fs.rm(file, { force: true });
    if (err instanceof AppError) throw err;
    if ((err as { code?: string }).code?.startsWith('Z_')) {
      throw new AppError(
        400,
        'invalid_gzip',
        'The body says Content-Encoding: gzip but does not unpack as gzip. Nothing was written.',
      );
    }
    throw new AppError(
      400,
      'upload_interrupted',
      'The upload ended before the whole body arrived; send it again. Nothing was written.',
    );
  }
  return { file, bytes };
}

function tooLarge(maxBytes: number): AppError {
  return new AppError(
    413,
    'payload_too_large',
    `The upload is larger than ${Math.round(maxBytes / 1024 / 1024)} MB, the most this server accepts (UPLOAD_MAX_MB). Split it and append the parts. Nothing was written.`,
    { limitBytes: maxBytes },
  );
}

const BY_TYPE: Record<string, UploadFormat> = {
  'application/geo+json': 'geojson',
  'application/json': 'geojson',
  'application/x-ndjson': 'ndjson',
  'application/geo+json-seq': 'ndjson',
  'application/ndjson': 'ndjson',
  'application/jsonl': 'ndjson',
  'application/zip': 'shapefile',
  'application/x-zip-compressed': 'shapefile',
};

/** The format from `format=`, else the Content-Type, else the first bytes of the file. */
export async function detectFormat(
  file: string,
  asked: UploadFormat | undefined,
  contentType: string | undefined,
): Promise<UploadFormat> {
  if (asked) return asked;
  const type = contentType?.split(';')[0]?.trim().toLowerCase();
  if (type && BY_TYPE[type]) return BY_TYPE[type];
  const handle = await fs.open(file, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(4096), 0, 4096, 0);
    const head = buffer.subarray(0, bytesRead);
    if (head[0] === 0x50 && head[1] === 0x4b) return 'shapefile';
    const text = head
      .toString('utf8')
      .replace(/^\uFEFF/, '')
      .trimStart();
    if (text.startsWith('{')) {
      const firstLine = text.split('\n')[0] ?? '';
      return /"type"\s*:\s*"FeatureCollection"/.test(text) || !/"type"\s*:\s*"Feature"/.test(firstLine)
        ? 'geojson'
        : 'ndjson';
    }
    if (text.startsWith('\x1e')) return 'ndjson';
  } finally {
    await handle.close();
  }
  throw new AppError(
    415,
    'unsupported_format',
    "Could not tell the upload's format: send a GeoJSON FeatureCollection, newline-delimited GeoJSON or a zipped Shapefile, with format=geojson|ndjson|shapefile or a matching Content-Type. Nothing was written.",
  );
}
