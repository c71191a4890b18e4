import type { Knex } from 'knex';
import { CopyStaging } from '../db/copy-staging.js';
import type { Backend } from '../db/database.js';
import type { CheckedFeature } from './feature-check.js';

/**
 * Checked features wait in the temporary table `ingest_rows` of the upload's transaction until
 * the whole file has passed (COPY on PostgreSQL, bound batches on the embedded database).
 */
export class Staging {
  private constructor(private readonly rows: CopyStaging) {}

  static async open(trx: Knex.Transaction, backend: Backend): Promise<Staging> {
    return new Staging(
      await CopyStaging.open(trx, backend, {
        name: 'ingest_rows',
        columns: [
          ['idx', 'integer'],
          ['sort_key', 'bigint'],
          ['properties', 'jsonb'],
          ['geom', 'geometry(Geometry, 4326)'],
        ],
      }),
    );
  }

  get staged(): number {
    return this.rows.staged;
  }

  add(row: CheckedFeature): Promise<void> {
    return this.rows.add([row.index, row.sortKey, row.properties, row.ewkb]);
  }

  finish(): Promise<void> {
    return this.rows.finish();
  }

  abort(): void {
    this.rows.abort();
  }
}
