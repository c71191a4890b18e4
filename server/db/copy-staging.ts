import type { Knex } from 'knex';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { Backend } from './database.js';

export type StagedValue = string | number | boolean | null;

export interface StagingTable {
  /** Temporary table name (dropped at the end of the transaction). */
  name: string;
  /** Columns with their SQL types (no constraints), in the order rows are given. */
  columns: [string, string][];
}

const BATCH = 2000;

/**
 * The column types a staging table may use: the SQL written is always this table's own text,
 * looked up by the caller's name (never the caller's string itself).
 */
const TYPES: Readonly<Record<string, string>> = {
  integer: 'integer',
  bigint: 'bigint',
  text: 'text',
  'double precision': 'double precision',
  boolean: 'boolean',
  jsonb: 'jsonb',
  'geometry(Geometry, 4326)': 'geometry(Geometry, 4326)',
};

function sqlType(t: string): string {
  const known = Object.hasOwn(TYPES, t) ? TYPES[t] : undefined;
  if (known === undefined) throw new Error(`staging type "${t}" is not allowed`);
  return known;
}
const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Staging tables are defined in code, never from a request; this keeps it so: plain lower-case
 * names (also written into the COPY statement) and types from TYPES only.
 */
function checkTable(table: StagingTable): void {
  for (const name of [table.name, ...table.columns.map(([n]) => n)])
    if (!IDENTIFIER.test(name)) throw new Error(`staging identifier "${name}" is not a plain name`);
  for (const [, type] of table.columns) sqlType(type);
}
const CHUNK_BYTES = 1024 * 1024;

/**
 * Rows of an upload wait in a temporary table of its transaction until the whole file has passed.
 * On PostgreSQL they arrive by COPY; on the embedded database, which has no COPY stream, in
 * batches of one bound JSON document each. A COPY whose connection dies rejects the next write
 * (it never waits for a 'drain' that cannot come), so the request answers and its connection
 * goes back to the pool.
 */
export class CopyStaging {
  private pending: StagedValue[][] = [];
  private lines: string[] = [];
  private lineBytes = 0;
  private copy: (NodeJS.WritableStream & { destroy(err?: Error): void; destroyed?: boolean }) | null = null;
  private copyDone: Promise<void> | null = null;
  private failure: Error | null = null;
  private detach: () => void = () => undefined;
  staged = 0;

  private constructor(
    private readonly trx: Knex.Transaction,
    private readonly table: StagingTable,
    private readonly useCopy: boolean,
  ) {}

  static async open(trx: Knex.Transaction, backend: Backend, table: StagingTable): Promise<CopyStaging> {
    checkTable(table);
    // Names are bound as identifiers; types come from the fixed list TYPES.
    const cols = table.columns.map(([, t]) => `?? ${sqlType(t)}`).join(', ');
    await trx.raw(`create temporary table ?? (${cols}) on commit drop`, [table.name, ...table.columns.map(([n]) => n)]);
    const staging = new CopyStaging(trx, table, backend === 'postgresql');
    if (staging.useCopy) await staging.startCopy();
    return staging;
  }

  private async startCopy(): Promise<void> {
    // knex hands a transaction's own connection to whoever asks its client (documented knex behaviour for transactions).
    const conn = await (this.trx.client as { acquireConnection(): Promise<pg.PoolClient> }).acquireConnection();
    const names = this.table.columns.map(([n]) => n).join(', ');
    // COPY goes to pg directly (no knex bindings): the names are plain identifiers (checkTable).
    const stream = conn.query(copyFrom(`copy ${this.table.name} (${names}) from stdin`));
    this.copy = stream;
    const fail = (err: Error) => {
      this.failure ??= err;
    };
    // The connection itself can die (server restart, pg_terminate_backend): the stream may then
    // neither finish nor error, so the connection's own 'error'/'end' count as failures too.
    const onEnd = () => fail(new Error('database connection ended during COPY'));
    conn.on('error', fail);
    conn.on('end', onEnd);
    // The pool reuses the connection: its listeners go when this COPY is over, whatever the outcome.
    this.detach = () => {
      conn.removeListener('error', fail);
      conn.removeListener('end', onEnd);
      this.detach = () => undefined;
    };
    this.copyDone = new Promise((resolve, reject) => {
      stream.on('finish', () => resolve());
      stream.on('error', (err: Error) => {
        fail(err);
        reject(err);
      });
      stream.on('close', () => {
        if (this.failure) reject(this.failure);
      });
    });
    // An error before finish must not go unhandled while rows are still being written.
    this.copyDone.catch(() => undefined);
  }

  async add(row: StagedValue[]): Promise<void> {
    this.staged += 1;
    if (this.useCopy) {
      const line = row.map(copyField).join('\t') + '\n';
      this.lines.push(line);
      this.lineBytes += line.length;
      if (this.lineBytes >= CHUNK_BYTES) await this.writeLines();
      return;
    }
    this.pending.push(row);
    if (this.pending.length >= BATCH) await this.flush();
  }

  private async writeLines(): Promise<void> {
    const chunk = this.lines.join('');
    this.lines = [];
    this.lineBytes = 0;
    const copy = this.copy;
    if (this.failure) throw this.failure;
    if (!copy) return;
    if (copy.write(chunk)) return;
    await new Promise<void>((resolve, reject) => {
      const settle = (err?: Error) => {
        copy.removeListener('drain', onDrain);
        clearInterval(watch);
        if (err) reject(err);
        else resolve();
      };
      const onDrain = () => settle();
      copy.once('drain', onDrain);
      // 'drain' never comes from a dead socket; the failure flag set by the connection's events
      // (or a stream destroyed under us) ends the wait instead.
      const watch = setInterval(() => {
        if (this.failure) settle(this.failure);
        else if (copy.destroyed) settle(new Error('COPY stream closed'));
      }, 100);
    });
  }

  private async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    const cols = this.table.columns;
    const rows = this.pending.map((r) => Object.fromEntries(cols.map(([n], i) => [n, r[i] ?? null])));
    this.pending = [];
    // Identifiers bound with ??; types from TYPES (checkTable).
    const names = cols.map(([n]) => n);
    const record = cols.map(([, t]) => `?? ${jsonType(t)}`).join(', ');
    const select = cols.map(([, t]) => (jsonType(t) === t ? '??' : `??::${sqlType(t)}`)).join(', ');
    await this.trx.raw(
      `insert into ?? (${cols.map(() => '??').join(', ')})
       select ${select} from jsonb_to_recordset(?::jsonb) as t(${record})`,
      [this.table.name, ...names, ...names.map((n) => `t.${n}`), JSON.stringify(rows), ...names],
    );
  }

  /** Everything staged is in the table once this resolves. */
  async finish(): Promise<void> {
    if (this.useCopy) {
      try {
        await this.writeLines();
        this.copy?.end();
        await this.copyDone;
      } finally {
        this.detach();
      }
      this.copy = null;
    } else {
      await this.flush();
    }
  }

  /** Ends an unfinished COPY so the transaction can roll back cleanly. */
  abort(): void {
    if (this.copy) {
      this.copy.destroy(new Error('upload rejected'));
      this.copy = null;
    }
    this.detach();
  }
}

/** Types that jsonb_to_recordset reads directly; others (jsonb, geometry) travel as text and are cast. */
/** The type a staged value has in the JSON batches of the embedded path (jsonb and geometry travel as text). */
function jsonType(t: string): string {
  const sql = sqlType(t);
  return ['integer', 'bigint', 'text', 'double precision', 'boolean'].includes(sql) ? sql : 'text';
}

/** COPY text format: null is \N; backslash, tab, newline and carriage return are escaped. */
function copyField(v: StagedValue): string {
  if (v === null) return '\\N';
  const s = String(v);
  return /[\\\t\n\r]/.test(s)
    ? s.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'))
    : s;
}
