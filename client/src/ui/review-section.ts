import type { FeatureCollection } from 'geojson';
import type { Me } from '../api.js';
import type { AppContext } from '../app-context.js';
import { authHeaders } from '../auth/session.js';
import { CHANGE_COLORS, clearReviewDiff, DRAFT_COLOR, showReviewDiff } from '../map/review-overlay.js';
import { h } from './dom.js';
import { progressBoard, type AgencyRow } from './progress-board.js';

interface Answer {
  error?: { code: string; message: string; details?: { reasons?: { message: string }[] } };
  [k: string]: unknown;
}

/** A request with the signed-in token, answered as status and JSON (errors included). */
async function request(url: string, method = 'GET', body?: unknown): Promise<{ ok: boolean; body: Answer }> {
  const res = await fetch(url, {
    method,
    headers: { ...authHeaders(url), ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    cache: 'no-cache',
  });
  return { ok: res.ok, body: (await res.json().catch(() => ({}))) as Answer };
}

/** The extent of features' coordinates, or null when there are none. */
function extentOf(features: FeatureCollection['features']): [number, number, number, number] | null {
  const box = [Infinity, Infinity, -Infinity, -Infinity] as [number, number, number, number];
  const walk = (c: unknown): void => {
    if (!Array.isArray(c)) return;
    if (typeof c[0] === 'number' && typeof c[1] === 'number') {
      box[0] = Math.min(box[0], c[0]);
      box[1] = Math.min(box[1], c[1]);
      box[2] = Math.max(box[2], c[0]);
      box[3] = Math.max(box[3], c[1]);
    } else for (const x of c) walk(x);
  };
  for (const f of features) if (f.geometry && 'coordinates' in f.geometry) walk(f.geometry.coordinates);
  return box[0] <= box[2] ? box : null;
}

const errorText = (a: Answer) =>
  [a.error?.message ?? a.error?.code ?? '', ...(a.error?.details?.reasons ?? []).map((r) => r.message)].join(' ');

/**
 * Walidata's review in the viewer (issue 15): the producers' progress board, the drafts waiting,
 * and for one draft its changes against the published version on the map (added, removed,
 * changed), with approve, or reject with a note. Pembina sees all of it, read-only.
 */
export function reviewSection(ctx: AppContext, me: Me): HTMLElement[] {
  if (!['walidata', 'admin', 'pembina'].includes(me.role)) return [];
  const t = ctx.t();
  const mayDecide = me.role !== 'pembina';
  const board = h('div', { id: 'review-board', class: 'board' });
  const queue = h('ul', { id: 'review-queue', class: 'queue' });
  const detail = h('div', { id: 'review-detail', 'aria-live': 'polite' });

  async function load(): Promise<void> {
    const { ok, body } = await request('/api/walidata/progress?sort=waiting');
    if (!ok) {
      board.replaceChildren(h('p', { class: 'error' }, errorText(body)));
      return;
    }
    const agencies = body.agencies as AgencyRow[];
    board.replaceChildren(progressBoard(ctx, agencies));
    const drafts = agencies.flatMap((a) => a.openDrafts.map((d) => ({ ...d, agency: a.code })));
    queue.replaceChildren(
      ...(drafts.length === 0
        ? [h('li', { class: 'hint' }, t.reviewEmpty)]
        : drafts.map((d) =>
            h(
              'li',
              { class: `draft-${d.state}` },
              h('span', {}, `${d.title} · v${d.version} · ${t.reviewStates[d.state] ?? d.state}`),
              h(
                'button',
                {
                  type: 'button',
                  class: 'review-open',
                  'data-layer': d.id,
                  'aria-label': `${t.reviewOpen}: ${d.title}`,
                  onclick: () => void open(d.id, d.title),
                },
                t.reviewOpen,
              ),
            ),
          )),
    );
  }

  async function open(slug: string, title: string): Promise<void> {
    const base = `/api/layers/${encodeURIComponent(slug)}/versions`;
    const [draft, list] = await Promise.all([request(`${base}/draft`), request(`${base}?limit=20`)]);
    if (!draft.ok) {
      detail.replaceChildren(h('p', { class: 'error' }, errorText(draft.body)));
      return;
    }
    const version = draft.body.version as number;
    const state = draft.body.state as string;
    const published = (list.body.items as { version: number; state: string }[] | undefined)?.find(
      (v) => v.state === 'published',
    );
    const diff = published ? await request(`${base}/${published.version}/diff/draft?limit=1000`) : null;
    const fc = (diff?.body ?? { features: [] }) as unknown as FeatureCollection & {
      summary?: { added: number; removed: number; changed: number; unchanged: number };
    };
    const features = fc.features.map((f) => ({
      ...f,
      properties: { ...f.properties, _change: (f as unknown as { change: string }).change },
    }));
    showReviewDiff(ctx.map, slug, { type: 'FeatureCollection', features });
    // Where the changes are, removed features included; else where the draft is.
    const bbox = extentOf(features) ?? (draft.body.bbox as [number, number, number, number] | null);
    if (bbox) ctx.fitBbox(bbox);
    const s = fc.summary ?? { added: 0, removed: 0, changed: 0, unchanged: 0 };
    const total = s.added + s.removed + s.changed;
    const note = h('textarea', { id: 'review-note', rows: 3, 'aria-label': t.reviewNote, placeholder: t.reviewNote });
    const outcome = h('p', { id: 'review-outcome', role: 'status' });
    const decide = async (step: 'approve' | 'reject') => {
      if (step === 'reject' && note.value.trim().length < 3) {
        outcome.className = 'error';
        outcome.textContent = t.reviewNeedsNote;
        note.focus();
        return;
      }
      const r = await request(
        `${base}/${version}/${step}`,
        'POST',
        step === 'reject' ? { note: note.value.trim() } : undefined,
      );
      outcome.className = r.ok ? 'ok' : 'error';
      outcome.textContent = r.ok
        ? step === 'approve'
          ? t.reviewApproved(version)
          : t.reviewRejected(version)
        : errorText(r.body);
      if (!r.ok) return;
      detail.replaceChildren(outcome);
      clearReviewDiff(ctx.map);
      if (step === 'approve') ctx.reloadLayers();
      await load();
    };
    const actions = !mayDecide
      ? [h('p', { class: 'hint' }, t.reviewReadOnly)]
      : state !== 'submitted'
        ? [h('p', { class: 'hint' }, t.reviewNotSubmitted)]
        : [
            note,
            h(
              'div',
              { class: 'row' },
              h(
                'button',
                { id: 'review-approve', type: 'button', onclick: () => void decide('approve') },
                t.reviewApprove,
              ),
              h(
                'button',
                { id: 'review-reject', type: 'button', onclick: () => void decide('reject') },
                t.reviewReject,
              ),
            ),
          ];
    detail.replaceChildren(
      h('h4', {}, `${title} · v${version} · ${t.reviewStates[state] ?? state}`),
      h('p', { id: 'review-summary' }, t.reviewSummary(s.added, s.removed, s.changed, s.unchanged)),
      ...(total > features.length ? [h('p', { class: 'hint' }, t.reviewShown(features.length, total))] : []),
      h(
        'ul',
        { class: 'legend review-legend' },
        ...Object.entries({ draft: DRAFT_COLOR, ...CHANGE_COLORS }).map(([k, color]) =>
          h('li', {}, h('span', { class: 'swatch', style: `background:${color}` }), ` ${t.reviewLegend[k] ?? k}`),
        ),
      ),
      ...actions,
      h(
        'button',
        {
          type: 'button',
          onclick: () => {
            clearReviewDiff(ctx.map);
            detail.replaceChildren();
          },
        },
        t.reviewClose,
      ),
      outcome,
    );
    detail.scrollIntoView({ block: 'nearest' });
  }

  void load();
  return [h('h3', {}, t.reviewTitle), board, h('h4', {}, t.reviewQueue), queue, detail];
}
