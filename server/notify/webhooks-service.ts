import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import { actorName, requireAdmin, type Caller } from '../auth/access.js';
import type { CatalogService } from '../catalog/catalog-service.js';
import { badRequest, notFound } from '../http/app-error.js';
import { WebhookDispatcher, type DispatchOptions } from './dispatcher.js';
import {
  deleteWebhook,
  enqueue,
  insertWebhook,
  listDeliveries,
  listWebhooks,
  WEBHOOK_EVENTS,
  type DeliveryRow,
  type WebhookEvent,
  type WebhookRow,
  type WebhookStats,
} from './webhooks-sql.js';

export type { WebhookEvent };

export interface WebhookJson {
  id: number;
  agency: string | null;
  url: string;
  events: WebhookEvent[];
  createdBy: string;
  createdAt: string;
  deliveries: { pending: number; delivered: number; failed: number; lastDeliveredAt: string | null };
}

/** One review step as its webhooks receive it (the dispatcher adds id, event and createdAt). */
export interface VersionNotice {
  layer: { id: string; title: string; agency: string };
  version: { number: number; state: string; action: string; featureCount: number; createdBy: string | null };
  actor: string;
  note?: string;
}

const webhookJson = (w: WebhookRow & WebhookStats): WebhookJson => ({
  id: w.id,
  agency: w.agency_code,
  url: w.url,
  events: w.events,
  createdBy: w.created_by,
  createdAt: w.created_at.toISOString(),
  deliveries: {
    pending: w.pending,
    delivered: w.delivered,
    failed: w.failed,
    lastDeliveredAt: w.last_delivered_at?.toISOString() ?? null,
  },
});

const deliveryJson = (d: DeliveryRow) => ({
  id: d.id,
  event: d.event,
  createdAt: d.created_at.toISOString(),
  attempts: d.attempts,
  state: d.delivered_at ? 'delivered' : d.failed_at ? 'failed' : 'pending',
  deliveredAt: d.delivered_at?.toISOString() ?? null,
  nextAttemptAt: d.delivered_at || d.failed_at ? null : d.next_attempt_at.toISOString(),
  lastStatus: d.last_status,
  lastError: d.last_error,
  payload: d.payload,
});

/**
 * Review notifications (issue 15): webhooks per agency, or for every agency (walidata's), that
 * receive a signed POST when a draft is submitted, approved or rejected. Notices are queued in
 * the transaction of the step they announce (`queue`) and sent after it commits (`flush`).
 * Administrators manage the webhooks.
 */
export class WebhooksService {
  private readonly dispatcher: WebhookDispatcher;

  constructor(
    private readonly knex: Knex,
    private readonly catalog: CatalogService,
    log: Logger,
    options: DispatchOptions & { publicUrl: string | undefined },
  ) {
    this.dispatcher = new WebhookDispatcher(knex, log, options);
    this.publicUrl = options.publicUrl ?? '';
  }

  private readonly publicUrl: string;

  /** Sends what a stopped process left in the outbox; then only kicks and retries wake it. */
  start(): void {
    this.dispatcher.kick();
  }

  stop(): Promise<void> {
    return this.dispatcher.stop();
  }

  async list(caller: Caller): Promise<WebhookJson[]> {
    requireAdmin(caller);
    return (await listWebhooks(this.knex)).map(webhookJson);
  }

  async get(caller: Caller, id: number): Promise<WebhookJson> {
    requireAdmin(caller);
    const [row] = await listWebhooks(this.knex, id);
    if (!row) throw notFound('webhook_not_found', `No webhook ${id}. See GET /api/webhooks.`, { id });
    return webhookJson(row);
  }

  /** A new webhook and its signing secret, shown only in this answer. */
  async create(
    caller: Caller,
    w: { agency: string | null; url: string; events?: WebhookEvent[] | undefined },
  ): Promise<WebhookJson & { secret: string }> {
    requireAdmin(caller);
    if (w.agency !== null && !(await this.catalog.agencyExists(w.agency)))
      throw badRequest('unknown_agency', `No agency with code "${w.agency}". See /api/agencies.`, {
        field: 'agency',
        value: w.agency,
      });
    const secret = randomBytes(32).toString('hex');
    const row = await insertWebhook(this.knex, {
      agencyCode: w.agency,
      url: w.url,
      secret,
      events: w.events ?? WEBHOOK_EVENTS.filter((e) => e !== 'ping'),
      createdBy: actorName(caller),
    });
    return { ...webhookJson({ ...row, pending: 0, delivered: 0, failed: 0, last_delivered_at: null }), secret };
  }

  async remove(caller: Caller, id: number): Promise<void> {
    requireAdmin(caller);
    if (!(await deleteWebhook(this.knex, id)))
      throw notFound('webhook_not_found', `No webhook ${id}. See GET /api/webhooks.`, { id });
  }

  async deliveries(caller: Caller, id: number, limit: number) {
    await this.get(caller, id);
    return (await listDeliveries(this.knex, id, limit)).map(deliveryJson);
  }

  /** Queues a `ping` for one webhook and sends it now: an administrator's test of a receiver. */
  async ping(caller: Caller, id: number): Promise<void> {
    const hook = await this.get(caller, id);
    await this.knex.transaction((trx) =>
      enqueue(trx, 'ping', hook.agency, { actor: actorName(caller), webhook: hook.id }, hook.id),
    );
    this.dispatcher.kick();
  }

  /** Inside the step's transaction: one delivery per webhook of the layer's agency (or of all agencies). */
  async queue(trx: Knex.Transaction, event: WebhookEvent, notice: VersionNotice): Promise<void> {
    const path = `/api/layers/${encodeURIComponent(notice.layer.id)}/versions/${notice.version.number}`;
    await enqueue(trx, event, notice.layer.agency, {
      ...notice,
      links: {
        version: this.publicUrl + path,
        features: `${this.publicUrl}/api/layers/${encodeURIComponent(notice.layer.id)}/features?version=${notice.version.number}`,
      },
    });
  }

  /** After the step's transaction committed: send what it queued. */
  flush(): void {
    this.dispatcher.kick();
  }
}
