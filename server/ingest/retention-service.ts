import type { Knex } from 'knex';
import type { Logger } from 'pino';
import { actorName, requireAdmin, type Caller } from '../auth/access.js';
import { recordHistory } from './history-sql.js';
import { tryLockUploads } from './ingest-sql.js';
import { discardDraft, expiredVersions, staleDrafts, type RetentionCandidate } from './retention-sql.js';
import { removeVersionData } from './versions-sql.js';

export interface RetentionPolicy {
  /** A layer's newest versions that always keep their data. */
  keep: number;
  /** Days a published version keeps its data at least (counted from its publication). */
  keepDays: number;
  /** Days after which a draft or rejected draft nobody touched is discarded. */
  draftDays: number;
}

export interface RetentionItem {
  layer: string;
  version: number;
  state: string;
  at: string;
  featureCount: number;
}

export interface RetentionOutcome {
  discardedDrafts: RetentionItem[];
  removedVersions: (RetentionItem & { deleted: number })[];
  /** Layers an upload or review held at that moment: tried again on the next run. */
  skipped: RetentionItem[];
}

/** How often the job discards stale drafts in each server process. */
const JOB_INTERVAL_MS = 3600_000;
/** The first run waits a little after start, out of the way of the first requests. */
const FIRST_RUN_MS = 60_000;
const JOB_ACTOR = 'retention job';

const item = (c: RetentionCandidate): RetentionItem => ({
  layer: c.slug,
  version: c.version,
  state: c.state,
  at: c.at.toISOString(),
  featureCount: c.feature_count,
});

/**
 * Retention of layer versions (issue 15). Storage grows with every kept version, so: drafts
 * nobody touched for `draftDays` are discarded by a job every hour (never published, so nothing
 * the public saw goes); published versions outside the newest `keep` and older than `keepDays`
 * lose their data only when an administrator applies the plan, each removal audited like
 * DELETE …/versions/{n}/features. Submitted drafts and the current version are never touched.
 */
export class RetentionService {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;

  constructor(
    private readonly knex: Knex,
    private readonly log: Logger,
    readonly policy: RetentionPolicy,
  ) {}

  /** What applying the policy now would remove (administrators). */
  async plan(caller: Caller): Promise<{ policy: RetentionPolicy; drafts: RetentionItem[]; versions: RetentionItem[] }> {
    requireAdmin(caller);
    const [drafts, versions] = await Promise.all([
      staleDrafts(this.knex, this.policy.draftDays),
      expiredVersions(this.knex, this.policy.keep, this.policy.keepDays),
    ]);
    return { policy: this.policy, drafts: drafts.map(item), versions: versions.map(item) };
  }

  /** An administrator applies the plan: stale drafts, and (when asked) expired versions' data. */
  async apply(caller: Caller, what: { drafts: boolean; versions: boolean }): Promise<RetentionOutcome> {
    requireAdmin(caller);
    const out: RetentionOutcome = { discardedDrafts: [], removedVersions: [], skipped: [] };
    if (what.drafts) await this.discardStale(actorName(caller), out);
    if (what.versions) {
      for (const c of await expiredVersions(this.knex, this.policy.keep, this.policy.keepDays)) {
        const deleted = await this.onLayer(c, out, async (trx) => {
          const n = await removeVersionData(trx, c.layer_id, c.version, actorName(caller));
          await recordHistory(trx, {
            layerId: c.layer_id,
            actor: actorName(caller),
            action: 'remove_version_data',
            details: { version: c.version, deleted: n, retention: this.policy },
            previousVersion: null,
            newVersion: null,
          });
          return n;
        });
        if (deleted !== null) out.removedVersions.push({ ...item(c), deleted });
      }
    }
    return out;
  }

  /** One run of the job: stale drafts only, never published data. */
  runJob(): Promise<RetentionOutcome> {
    return this.discardStale(JOB_ACTOR, { discardedDrafts: [], removedVersions: [], skipped: [] });
  }

  /** The hourly job of each process. */
  start(): void {
    const run = () => {
      this.running = this.runJob()
        .then((out) => {
          if (out.discardedDrafts.length)
            this.log.info({ drafts: out.discardedDrafts }, 'retention: discarded drafts untouched too long');
        })
        .catch((err: unknown) => this.log.warn({ err }, 'retention: the job failed; it runs again within the hour'))
        .finally(() => {
          this.running = null;
        });
      this.timer = setTimeout(run, JOB_INTERVAL_MS).unref();
    };
    this.timer = setTimeout(run, FIRST_RUN_MS).unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  private async discardStale(actor: string, out: RetentionOutcome): Promise<RetentionOutcome> {
    for (const c of await staleDrafts(this.knex, this.policy.draftDays)) {
      const done = await this.onLayer(c, out, async (trx) => {
        if (!(await discardDraft(trx, c.layer_id, c.version))) return null;
        await recordHistory(trx, {
          layerId: c.layer_id,
          actor,
          action: 'discard_draft',
          details: {
            version: c.version,
            state: c.state,
            featureCount: c.feature_count,
            draftDays: this.policy.draftDays,
          },
          previousVersion: null,
          newVersion: null,
        });
        return true;
      });
      if (done) out.discardedDrafts.push(item(c));
    }
    return out;
  }

  /** One removal in its own transaction under the layer's upload lock; a busy layer is skipped. */
  private async onLayer<T>(
    c: RetentionCandidate,
    out: RetentionOutcome,
    act: (trx: Knex.Transaction) => Promise<T | null>,
  ): Promise<T | null> {
    return this.knex.transaction(async (trx) => {
      if (!(await tryLockUploads(trx, c.layer_id))) {
        out.skipped.push(item(c));
        return null;
      }
      return act(trx);
    });
  }
}
