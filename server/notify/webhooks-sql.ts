import type { Knex } from 'knex';

/** The events a webhook can receive: the review steps, and a ping an administrator sends to test a receiver. */
export const WEBHOOK_EVENTS = ['version.submitted', 'version.approved', 'version.rejected', 'ping'] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

export interface WebhookRow {
  id: number;
  agency_code: string | null;
  url: string;
  secret: string;
  events: WebhookEvent[];
  created_by: string;
  created_at: Date;
}

export interface DeliveryRow {
  id: string;
  webhook_id: number;
  event: WebhookEvent;
  payload: Record<string, unknown>;
  created_at: Date;
  attempts: number;
  next_attempt_at: Date;
  delivered_at: Date | null;
  failed_at: Date | null;
  last_status: number | null;
  last_error: string | null;
}

/** A due delivery with what sending it needs. */
export type ClaimedDelivery = DeliveryRow & Pick<WebhookRow, 'url' | 'secret'>;

export interface WebhookStats {
  pending: number;
  delivered: number;
  failed: number;
  last_delivered_at: Date | null;
}

export async function insertWebhook(
  knex: Knex,
  w: { agencyCode: string | null; url: string; secret: string; events: WebhookEvent[]; createdBy: string },
): Promise<WebhookRow> {
  const [row] = await knex<WebhookRow>('webhooks')
    .insert({ agency_code: w.agencyCode, url: w.url, secret: w.secret, events: w.events, created_by: w.createdBy })
    .returning('*');
  if (!row) throw new Error('no webhook returned');
  return row;
}

/** Every webhook with its delivery counts, oldest first. */
export async function listWebhooks(knex: Knex, id?: number): Promise<(WebhookRow & WebhookStats)[]> {
  const { rows } = await knex.raw<{ rows: (WebhookRow & WebhookStats)[] }>(
    `select w.*,
            count(d.id) filter (where d.delivered_at is null and d.failed_at is null)::int as pending,
            count(d.id) filter (where d.delivered_at is not null)::int as delivered,
            count(d.id) filter (where d.failed_at is not null)::int as failed,
            max(d.delivered_at) as last_delivered_at
       from webhooks w left join webhook_deliveries d on d.webhook_id = w.id
      where ?::int is null or w.id = ?::int
      group by w.id order by w.id`,
    [id ?? null, id ?? null],
  );
  return rows;
}

export async function deleteWebhook(knex: Knex, id: number): Promise<boolean> {
  const res = await knex.raw<{ rowCount: number | null }>('delete from webhooks where id = ?', [id]);
  return (res.rowCount ?? 0) > 0;
}

/** A webhook's deliveries, newest first. */
export async function listDeliveries(knex: Knex, webhookId: number, limit: number): Promise<DeliveryRow[]> {
  return knex<DeliveryRow>('webhook_deliveries').where({ webhook_id: webhookId }).orderBy('id', 'desc').limit(limit);
}

/**
 * Inside the transaction of the change it announces: one delivery per webhook that wants this
 * event for this agency (or for every agency), or for the one webhook named (an administrator's
 * ping). Returns how many were queued.
 */
export async function enqueue(
  trx: Knex,
  event: WebhookEvent,
  agencyCode: string | null,
  payload: Record<string, unknown>,
  onlyWebhook?: number,
): Promise<number> {
  const { rowCount } = await trx.raw<{ rowCount: number }>(
    `insert into webhook_deliveries (webhook_id, event, payload)
     select w.id, ?, ?::jsonb from webhooks w
      where case when ?::int is null then ? = any (w.events) and (w.agency_code is null or w.agency_code = ?)
                 else w.id = ?::int end`,
    [event, JSON.stringify(payload), onlyWebhook ?? null, event, agencyCode, onlyWebhook ?? null],
  );
  return rowCount;
}

/**
 * Claims up to `limit` due deliveries for this process: the attempt is counted and the next one
 * put `leaseMs` ahead, so another process (or this one after a crash) sends it again only if this
 * attempt never reports back. SKIP LOCKED: processes sharing the database never claim the same row.
 */
export async function claimDue(knex: Knex, limit: number, leaseMs: number): Promise<ClaimedDelivery[]> {
  const { rows } = await knex.raw<{ rows: ClaimedDelivery[] }>(
    `with due as (
       select id from webhook_deliveries
        where delivered_at is null and failed_at is null and next_attempt_at <= now()
        order by next_attempt_at, id limit ? for update skip locked)
     update webhook_deliveries d
        set attempts = d.attempts + 1, next_attempt_at = now() + ? * interval '1 millisecond'
       from due, webhooks w
      where d.id = due.id and w.id = d.webhook_id
     returning d.*, w.url, w.secret`,
    [limit, leaseMs],
  );
  return rows;
}

export async function markDelivered(knex: Knex, id: string, status: number): Promise<void> {
  await knex.raw(
    `update webhook_deliveries set delivered_at = now(), last_status = ?, last_error = null where id = ?`,
    [status, id],
  );
}

/** A failed attempt: retried after `retryMs`, or given up (failed_at) when it was the last. */
export async function markAttemptFailed(
  knex: Knex,
  id: string,
  outcome: { status: number | null; error: string; retryMs: number | null },
): Promise<void> {
  await knex.raw(
    `update webhook_deliveries
        set last_status = ?, last_error = ?,
            next_attempt_at = case when ?::bigint is null then next_attempt_at else now() + ?::bigint * interval '1 millisecond' end,
            failed_at = case when ?::bigint is null then now() end
      where id = ?`,
    [outcome.status, outcome.error.slice(0, 500), outcome.retryMs, outcome.retryMs, outcome.retryMs, id],
  );
}

/** When the next pending delivery comes due, or null when none waits. */
export async function nextDue(knex: Knex): Promise<Date | null> {
  const { rows } = await knex.raw<{ rows: { at: Date | null }[] }>(
    `select min(next_attempt_at) as at from webhook_deliveries where delivered_at is null and failed_at is null`,
  );
  return rows[0]?.at ?? null;
}
