import type { Knex } from 'knex';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { CheckedFeature } from './feature-check.js';

const BATCH = 2000;

/**
 * Checked features wait in a temporary table of the upload's transaction (dropped at its end)
 * until the whole file has passed. On PostgreSQL they arrive by COPY; on the embedded database,
 * which has no COPY stream, in batches of one bound JSON document each.
 */
export class Staging {
  private pending: CheckedFeature[] = [];
  /** COPY lines gathered into one write: fewer, larger writes keep the database busy while we parse. */
  private lines: string[] = [];
  private lineBytes = 0;
  private copy: NodeJS.WritableStream | null = null;
  private copyDone: Promise<void> | null = null;
  staged = 0;

  private constructor(
    private readonly trx: Knex.Transaction,
    private readonly useCopy: boolean,
  ) {}

  static async open(trx: Knex.Transaction, backend: 'postgresql' | 'embedded'): Promise<Staging> {
    await trx.raw(
      'create temporary table ingest_rows (idx integer not null, sort_key bigint not null, properties jsonb not null, geom geometry(Geometry, 4326) not null) on commit drop',
    );
    const staging = new Staging(trx, backend === 'postgresql');
    if (staging.useCopy) await staging.startCopy();
    return staging;
  }

  private async startCopy(): Promise<void> {
    // knex hands a transaction's own connection to whoever asks its client (documented knex behaviour for transactions).
    const conn = await (this.trx.client as { acquireConnection(): Promise<pg.PoolClient> }).acquireConnection();
    const stream = conn.query(copyFrom('copy ingest_rows (idx, sort_key, properties, geom) from stdin'));
    this.copy = stream;
    this.copyDone = new Promise((resolve, reject) => {
      stream.on('finish', () => resolve());
      stream.on('error', reject);
    });
    // An error before finish must not go unhandled while rows are still being written.
    this.copyDone.catch(() => undefined);
  }

  async add(row: CheckedFeature): Promise<void> {
    this.staged += 1;
    if (this.copy) {
      const line = `${row.index}\t${row.sortKey}\t${copyEscape(row.properties)}\t${row.ewkb}\n`;
      this.lines.push(line);
      this.lineBytes += line.length;
      if (this.lineBytes >= 1024 * 1024) await this.writeLines();
      return;
    }
    this.pending.push(row);
    if (this.pending.length >= BATCH) await this.flush();
  }

  private async writeLines(): Promise<void> {
    const chunk = this.lines.join('');
    this.lines = [];
    this.lineBytes = 0;
    if (this.copy && !this.copy.write(chunk)) await new Promise<void>((resolve) => this.copy?.once('drain', resolve));
  }

  private async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    const rows = this.pending.map((r) => ({ i: r.index, k: r.sortKey, p: r.properties, g: r.ewkb }));
    this.pending = [];
    await this.trx.raw(
      `insert into ingest_rows (idx, sort_key, properties, geom)
       select t.i, t.k, t.p::jsonb, t.g::geometry from jsonb_to_recordset(?::jsonb) as t(i integer, k bigint, p text, g text)`,
      [JSON.stringify(rows)],
    );
  }

  /** Everything staged is in the table once this resolves. */
  async finish(): Promise<void> {
    if (this.copy) {
      await this.writeLines();
      this.copy.end();
      await this.copyDone;
      this.copy = null;
    } else {
      await this.flush();
    }
  }

  /** Ends an unfinished COPY so the transaction can roll back cleanly. */
  abort(): void {
    if (this.copy) {
      (this.copy as unknown as { destroy(err?: Error): void }).destroy(new Error('upload rejected'));
      this.copy = null;
    }
  }
}

/** COPY text format: backslash, tab, newline and carriage return are escaped. */
function copyEscape(s: string): string {
  return /[\\\t\n\r]/.test(s)
    ? s.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'))
    : s;
}
