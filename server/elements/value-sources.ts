import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import { unreadable } from '../ingest/problems.js';
import { AppError } from '../http/app-error.js';

export type ValuesFormat = 'csv' | 'xlsx';

/** A cell as read: text, a number (spreadsheets), or a formula (always refused). */
export type Cell = string | number | { formula: string };

/** One row of a table, with the row number a person sees in a spreadsheet (the header is 1). */
export interface SourceRow {
  row: number;
  cells: Cell[];
}

const MAX_RECORD_CHARS = 64 * 1024;

/** The format from `format=`, else the Content-Type, else the first bytes (a zip is XLSX). */
export async function detectValuesFormat(
  file: string,
  asked: ValuesFormat | undefined,
  contentType: string | undefined,
): Promise<ValuesFormat> {
  const handle = await fs.open(file, 'r');
  let head: Buffer;
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(8), 0, 8, 0);
    head = buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
  if (head.length === 0) throw unreadable('empty_file', 'The file is empty: send a header row and at least one row.');
  if (head[0] === 0xd0 && head[1] === 0xcf && head[2] === 0x11 && head[3] === 0xe0) {
    throw new AppError(
      415,
      'unsupported_format',
      'This is an old Excel 97–2003 workbook (.xls): save it as .xlsx or as "CSV UTF-8" and send that. Nothing was written.',
    );
  }
  if (asked) return asked;
  const type = contentType?.split(';')[0]?.trim().toLowerCase();
  if (type === 'text/csv' || type === 'text/plain') return 'csv';
  if (type === 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet') return 'xlsx';
  return head[0] === 0x50 && head[1] === 0x4b ? 'xlsx' : 'csv';
}

/**
 * Rows of a CSV file (RFC 4180 quoting), streamed: UTF-8 only (a UTF-8 BOM is skipped), separated
 * by comma, semicolon (what Excel writes in an Indonesian locale) or tab, whichever the header uses.
 * Empty lines are skipped.
 */
export async function* readCsv(file: string): AsyncGenerator<SourceRow> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let buf = '';
  let line = 1;
  let delimiter: string | null = null;
  let first = true;
  const decode = (chunk?: Buffer) => {
    try {
      return chunk ? decoder.decode(chunk, { stream: true }) : decoder.decode();
    } catch {
      throw unreadable(
        'invalid_encoding',
        `The file is not UTF-8 text (near line ${line}). Save it from the spreadsheet as "CSV UTF-8", or send the .xlsx itself.`,
        { line },
      );
    }
  };
  const stream = createReadStream(file, { highWaterMark: 256 * 1024 });
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      if (first) {
        if ((chunk[0] === 0xff && chunk[1] === 0xfe) || (chunk[0] === 0xfe && chunk[1] === 0xff)) {
          throw unreadable(
            'invalid_encoding',
            'The file is UTF-16 ("Unicode text"); save it as "CSV UTF-8" and send that.',
          );
        }
      }
      buf += decode(chunk);
      if (first) {
        buf = buf.replace(/^\uFEFF/, '');
        first = false;
      }
      delimiter ??= sniffDelimiter(buf);
      if (delimiter === null) {
        if (buf.length > MAX_RECORD_CHARS) throw tooLongRecord(line);
        continue;
      }
      const { rows, rest, nextLine } = splitRecords(buf, delimiter, line, false);
      buf = rest;
      line = nextLine;
      if (buf.length > MAX_RECORD_CHARS) throw tooLongRecord(line);
      for (const r of rows) yield r;
    }
    buf += decode();
    delimiter ??= sniffDelimiter(buf + '\n') ?? ',';
    const { rows } = splitRecords(buf, delimiter, line, true);
    for (const r of rows) yield r;
  } finally {
    stream.destroy();
  }
}

/** The separator the header line uses most, once the header line is complete. */
function sniffDelimiter(text: string): string | null {
  const end = text.indexOf('\n');
  if (end < 0) return null;
  const header = text.slice(0, end);
  let best = ',';
  let most = 0;
  for (const d of [',', ';', '\t']) {
    const n = header.split(d).length - 1;
    if (n > most) {
      best = d;
      most = n;
    }
  }
  return best;
}

/** Complete records of `text`; an unfinished one stays in `rest` until more arrives (or the end). */
function splitRecords(
  text: string,
  d: string,
  startLine: number,
  atEnd: boolean,
): { rows: SourceRow[]; rest: string; nextLine: number } {
  const rows: SourceRow[] = [];
  let pos = 0;
  let line = startLine;
  while (pos < text.length) {
    const nl = text.indexOf('\n', pos);
    if (nl < 0 && !atEnd) break;
    const end = nl < 0 ? text.length : nl;
    const quote = text.indexOf('"', pos);
    if (quote < 0 || quote > end) {
      // Fast path: no quotes in this line.
      let raw = text.slice(pos, end);
      if (raw.endsWith('\r')) raw = raw.slice(0, -1);
      if (raw.trim() !== '') rows.push({ row: line, cells: raw.split(d) });
      line += 1;
      pos = end + 1;
      continue;
    }
    const parsed = quotedRecord(text, pos, d, atEnd, line);
    if (!parsed) break;
    if (parsed.cells.some((c) => c.trim() !== '')) rows.push({ row: line, cells: parsed.cells });
    line += parsed.lines;
    pos = parsed.next;
  }
  return { rows, rest: text.slice(pos), nextLine: line };
}

/** A record with quoted fields starting at `pos`, or null when it continues past the text read so far. */
function quotedRecord(
  text: string,
  pos: number,
  d: string,
  atEnd: boolean,
  line: number,
): { cells: string[]; next: number; lines: number } | null {
  const cells: string[] = [];
  let cell = '';
  let i = pos;
  let lines = 1;
  let inQuotes = false;
  while (i < text.length) {
    const c = text[i];
    if (inQuotes) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i += 2;
          continue;
        }
        if (i + 1 >= text.length && !atEnd) return null;
        inQuotes = false;
      } else {
        if (c === '\n') lines += 1;
        cell += c;
      }
      i += 1;
      continue;
    }
    if (c === '"' && cell.trim() === '') {
      cell = '';
      inQuotes = true;
    } else if (c === d) {
      cells.push(cell);
      cell = '';
    } else if (c === '\n') {
      cells.push(cell.endsWith('\r') ? cell.slice(0, -1) : cell);
      return { cells, next: i + 1, lines };
    } else {
      cell += c;
    }
    i += 1;
  }
  if (!atEnd) return null;
  if (inQuotes)
    throw unreadable('invalid_csv', `A quoted field that starts on line ${line} is never closed.`, { line });
  cells.push(cell.endsWith('\r') ? cell.slice(0, -1) : cell);
  return { cells, next: text.length, lines };
}

function tooLongRecord(line: number): AppError {
  return unreadable(
    'invalid_csv',
    `Line ${line} is longer than ${MAX_RECORD_CHARS / 1024} KB: is this a CSV file, or does a quote stay open?`,
    { line },
  );
}

/** Rows of the first worksheet of an XLSX workbook, streamed; formulas are kept as formulas so they can be refused. */
export async function* readXlsx(file: string): AsyncGenerator<SourceRow> {
  // Loaded on the first workbook, not at start-up.
  const { default: ExcelJS } = await import('exceljs');
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(file, {
    worksheets: 'emit',
    sharedStrings: 'cache',
    hyperlinks: 'ignore',
    styles: 'ignore',
    entries: 'ignore',
  });
  try {
    for await (const sheet of reader) {
      for await (const row of sheet) {
        const values = row.values as unknown[];
        const cells: Cell[] = [];
        for (let i = 1; i < values.length; i++) cells.push(xlsxCell(values[i]));
        if (cells.some((c) => typeof c !== 'string' || c.trim() !== '')) yield { row: row.number, cells };
      }
      return;
    }
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw unreadable(
      'invalid_spreadsheet',
      `The workbook cannot be read as .xlsx (${(err as Error).message.slice(0, 120)}). Open it in a spreadsheet and save it again as .xlsx or "CSV UTF-8".`,
    );
  }
}

function xlsxCell(v: unknown): Cell {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return v;
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return String(v);
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  if (typeof v === 'object') {
    const o = v as { formula?: string; sharedFormula?: string; richText?: { text: string }[]; error?: string };
    if (o.formula !== undefined || o.sharedFormula !== undefined)
      return { formula: o.formula ?? o.sharedFormula ?? '' };
    if (o.richText) return o.richText.map((t) => t.text).join('');
    if (o.error !== undefined) return String(o.error);
  }
  return JSON.stringify(v);
}
