import type pg from 'pg';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until `check` holds; throws after `ms`. */
export async function eventually(ms: number, check: () => Promise<boolean>): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await check()) return;
    await sleep(100);
  }
  throw new Error(`not within ${ms} ms`);
}

/** Whether an upload's rows are flowing into PostgreSQL (its COPY has processed some): its transaction is open. */
export async function uploadCopying(admin: pg.Client, database: string): Promise<boolean> {
  const { rows } = await admin.query(
    `select 1 from pg_stat_activity a join pg_stat_progress_copy c on c.pid = a.pid
      where a.datname = $1 and a.query ilike 'copy ingest_rows%' and c.tuples_processed > 0`,
    [database],
  );
  return rows.length > 0;
}

/** Whether every other session of the database is idle (a killed process's ones ended, their transactions rolled back). */
export async function othersIdle(admin: pg.Client, database: string): Promise<boolean> {
  const { rows } = await admin.query(
    `select 1 from pg_stat_activity where datname = $1 and pid <> pg_backend_pid() and state <> 'idle'`,
    [database],
  );
  return rows.length === 0;
}
