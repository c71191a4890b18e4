import type { Readable } from 'node:stream';
import type { Knex } from 'knex';
import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';

/**
 * A bound value written into the statement text: COPY takes no bind parameters. Strings go
 * through pg's escapeLiteral (quotes doubled, backslashes in E'' form), numbers only when finite
 * (negative ones in parentheses, so `a -$1` never becomes a `--` comment).
 */
function literal(v: unknown): string {
  if (v === null) return 'NULL';
  if (typeof v === 'number' && Number.isFinite(v)) return v < 0 ? `(${v})` : String(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'string') return pg.escapeLiteral(v);
  throw new Error(`a ${typeof v} value cannot be written into a COPY statement`);
}

/** The query's PostgreSQL text ($1, $2 … placeholders, as knex writes it) with its values written in. */
export function inlineBindings(sql: string, bindings: readonly unknown[]): string {
  return sql.replace(/\$(\d+)\b/g, (_, n: string) => {
    const i = Number(n) - 1;
    if (i < 0 || i >= bindings.length) throw new Error(`placeholder $${n} has no value`);
    return literal(bindings[i]);
  });
}

/**
 * A one-column query's rows as bytes, streamed by `COPY (query) TO STDOUT` on the transaction's
 * own connection: each row's text and a newline, with no escaping. That holds for text that has
 * no line breaks and no \x01 or \x02 bytes (JSON written by PostgreSQL has none: control
 * characters in it are \u escapes), because CSV with \x01 as its quote character leaves every
 * other value as it is. Memory holds what the socket delivered and the consumer has not taken.
 *
 * A consumer that stops early (a client gone) cancels the statement on the server by its process
 * id and drains what was already sent, so the transaction can then end normally.
 */
export async function* copyLines(trx: Knex.Transaction, query: Knex.QueryBuilder): AsyncGenerator<Buffer> {
  const native = query.toSQL().toNative();
  const sql = `copy (${inlineBindings(native.sql, native.bindings)}) to stdout with (format csv, quote e'\\x01', delimiter e'\\x02')`;
  // knex hands a transaction's own connection to whoever asks its client (as in copy-staging.ts).
  const conn = await (trx.client as { acquireConnection(): Promise<pg.PoolClient> }).acquireConnection();
  const stream = conn.query(copyTo(sql)) as unknown as Readable;
  let done = false;
  try {
    // Not destroyed when the consumer stops: the connection is still in COPY until drained.
    for await (const chunk of stream.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>) yield chunk;
    done = true;
  } finally {
    if (!done) await cancelAndDrain(conn, stream);
  }
}

async function cancelAndDrain(conn: pg.PoolClient, stream: Readable): Promise<void> {
  const pid = (conn as unknown as { processID: number }).processID;
  const params = (conn as unknown as { connectionParameters: pg.ClientConfig }).connectionParameters;
  const canceller = new pg.Client({ ...params });
  try {
    await canceller.connect();
    await canceller.query('select pg_cancel_backend($1)', [pid]);
  } catch {
    // The drain below still ends the COPY, only later.
  } finally {
    await canceller.end().catch(() => undefined);
  }
  try {
    for await (const chunk of stream.iterator({ destroyOnReturn: false })) void chunk;
  } catch {
    // 57014 query_canceled: what the cancel asked for.
  }
}
