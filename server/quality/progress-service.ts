import type { Knex } from 'knex';
import { requireToken, type Caller } from '../auth/access.js';
import type { CatalogService } from '../catalog/catalog-service.js';
import type { LayerRecord } from '../catalog/layer-types.js';
import { AppError } from '../http/app-error.js';
import { openDrafts, recentActions } from './progress-sql.js';
import type { QualityService } from './quality-service.js';

/** Days between updates an `update_frequency` promises, for the words producers write; null = not judged. */
export function frequencyDays(text: string | null): number | null {
  const t = (text ?? '').toLowerCase();
  if (/harian|daily/.test(t)) return 1;
  if (/mingguan|weekly/.test(t)) return 7;
  if (/triwulan|quarter/.test(t)) return 92;
  if (/semester|half/.test(t)) return 183;
  if (/bulanan|monthly/.test(t)) return 31;
  if (/(lima|5)\s*tahun/.test(t)) return 1827;
  if (/tahunan|annual|yearly/.test(t)) return 366;
  return null;
}

export interface OverdueLayer {
  id: string;
  title: string;
  lastUpdate: string | null;
  updateFrequency: string;
  /** The day the next update was due (null: never updated). */
  dueSince: string | null;
}

export interface AgencyProgress {
  code: string;
  name: string;
  layers: number;
  emptyLayers: number;
  drafts: { draft: number; submitted: number; rejected: number };
  /** The layers with an open draft: walidata's queue (submitted first, oldest submission first). */
  openDrafts: { id: string; title: string; version: number; state: string; submittedAt: string | null }[];
  averageScore: number;
  layersWithGaps: number;
  invalidGeometries: number;
  outsideCity: number;
  overdue: number;
  overdueLayers: OverdueLayer[];
}

export type ProgressSort = 'agency' | 'score' | 'overdue' | 'waiting';

const DAY_MS = 86_400_000;

/**
 * The walidata's board of the producers' progress (issue 15): per agency, layers, drafts by
 * state, metadata completeness and gaps, geometry problems, and layers overdue against the update
 * frequency they promise. For walidata (its scope), pembina and admins.
 */
export class ProgressService {
  constructor(
    private readonly knex: Knex,
    private readonly catalog: CatalogService,
    private readonly quality: QualityService,
  ) {}

  async board(caller: Caller, sort: ProgressSort, today = new Date()): Promise<AgencyProgress[]> {
    const scope = this.scope(caller);
    const [report, layers, drafts] = await Promise.all([
      this.quality.report(caller, null),
      this.catalog.visibleLayers(caller, null),
      openDrafts(this.knex),
    ]);
    const byCode = new Map<string, AgencyProgress>();
    for (const a of report.agencies) {
      if (scope && !scope.includes(a.code)) continue;
      byCode.set(a.code, {
        code: a.code,
        name: a.name,
        layers: a.layers,
        emptyLayers: a.emptyLayers,
        drafts: { draft: 0, submitted: 0, rejected: 0 },
        openDrafts: [],
        averageScore: a.averageScore,
        layersWithGaps: a.layersWithGaps,
        invalidGeometries: a.invalidGeometries,
        outsideCity: a.outsideCity,
        overdue: 0,
        overdueLayers: [],
      });
    }
    for (const l of layers) {
      const a = byCode.get(l.agencyCode);
      if (!a) continue;
      const draft = drafts.get(l.slug);
      if (draft) {
        a.drafts[draft.state]++;
        a.openDrafts.push({
          id: l.slug,
          title: l.title,
          version: draft.version,
          state: draft.state,
          submittedAt: draft.submitted_at?.toISOString() ?? null,
        });
      }
      const late = overdue(l, today);
      if (late) {
        a.overdue++;
        a.overdueLayers.push(late);
      }
    }
    const rows = [...byCode.values()];
    for (const a of rows) {
      a.overdueLayers.sort((x, y) => (x.dueSince ?? '').localeCompare(y.dueSince ?? ''));
      a.openDrafts.sort(
        (x, y) =>
          Number(y.state === 'submitted') - Number(x.state === 'submitted') ||
          (x.submittedAt ?? '').localeCompare(y.submittedAt ?? '') ||
          x.id.localeCompare(y.id),
      );
    }
    const order: Record<ProgressSort, (x: AgencyProgress, y: AgencyProgress) => number> = {
      agency: (x, y) => x.code.localeCompare(y.code),
      score: (x, y) => x.averageScore - y.averageScore || x.code.localeCompare(y.code),
      overdue: (x, y) => y.overdue - x.overdue || x.code.localeCompare(y.code),
      waiting: (x, y) => y.drafts.submitted - x.drafts.submitted || x.code.localeCompare(y.code),
    };
    return rows.sort(order[sort]);
  }

  /** One agency's week, as JSON a mailer can send: its board row and what happened in 7 days. */
  async weekly(caller: Caller, agency: string, today = new Date()) {
    const row = (await this.board(caller, 'agency', today)).find((a) => a.code === agency);
    if (!row)
      throw new AppError(404, 'not_found', `No agency "${agency}" on this board. See /api/walidata/progress.`, {
        agency,
      });
    const actions = (await recentActions(this.knex, 7)).filter((r) => r.agency === agency);
    return {
      agency: row.code,
      name: row.name,
      week: {
        from: new Date(today.getTime() - 7 * DAY_MS).toISOString().slice(0, 10),
        to: today.toISOString().slice(0, 10),
      },
      actions: Object.fromEntries(actions.map((r) => [r.action, r.n])),
      progress: row,
    };
  }

  /** Who may read the board: walidata (its agencies, or all), pembina and admin. */
  private scope(caller: Caller): string[] | null {
    const who = requireToken(caller);
    if (who.role === 'admin' || who.role === 'pembina') return null;
    if (who.role === 'walidata') return who.agencies.length ? who.agencies : null;
    throw new AppError(
      403,
      'forbidden',
      `The progress board is for walidata, pembina and admins; this token is ${who.role}.`,
      {
        role: who.role,
      },
    );
  }
}

/** The layer, if its promised update is past due (or it was never updated). */
function overdue(l: LayerRecord, today: Date): OverdueLayer | null {
  const days = frequencyDays(l.updateFrequency);
  if (days === null || l.updateFrequency === null) return null;
  const base = { id: l.slug, title: l.title, lastUpdate: l.lastUpdate, updateFrequency: l.updateFrequency };
  if (!l.lastUpdate) return { ...base, dueSince: null };
  // Overdue once the due day has passed (UTC days, as last_update is a date).
  const due = new Date(Date.parse(`${l.lastUpdate}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
  return due < today.toISOString().slice(0, 10) ? { ...base, dueSince: due } : null;
}
