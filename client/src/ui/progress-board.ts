import type { AppContext } from '../app-context.js';
import { authHeaders } from '../auth/session.js';
import { h } from './dom.js';

/** One agency's row of GET /api/walidata/progress. */
export interface AgencyRow {
  code: string;
  name: string;
  layers: number;
  drafts: { draft: number; submitted: number; rejected: number };
  openDrafts: { id: string; title: string; version: number; state: string; submittedAt: string | null }[];
  averageScore: number;
  overdue: number;
}

/**
 * The producers' progress as a table (agencies with something to act on first, as the server
 * sorts them), and its CSV for a spreadsheet.
 */
export function progressBoard(ctx: AppContext, agencies: AgencyRow[]): HTMLElement {
  const t = ctx.t();
  const csv = h('button', { type: 'button', id: 'board-csv' }, t.boardCsv);
  csv.addEventListener('click', () => {
    const url = '/api/walidata/progress?format=csv';
    void fetch(url, { headers: authHeaders(url) })
      .then((r) => r.blob())
      .then((blob) => {
        const a = document.createElement('a');
        a.href = URL.createObjectURL(blob);
        a.download = 'walidata-progress.csv';
        a.click();
        URL.revokeObjectURL(a.href);
      });
  });
  return h(
    'div',
    {},
    h('h4', {}, t.boardTitle),
    h(
      'div',
      // Scrolls: reachable by keyboard, named for screen readers.
      { class: 'board-scroll', tabindex: 0, role: 'region', 'aria-label': t.boardTitle },
      h(
        'table',
        { id: 'progress-table' },
        h('thead', {}, h('tr', {}, ...t.boardColumns.map((c) => h('th', { scope: 'col' }, c)))),
        h(
          'tbody',
          {},
          ...agencies.map((a) =>
            h(
              'tr',
              {},
              h('th', { scope: 'row', title: a.name }, ctx.agencies.get(a.code)?.shortName ?? a.code),
              h('td', {}, String(a.layers)),
              h('td', {}, String(a.drafts.submitted)),
              h('td', {}, String(a.drafts.draft)),
              h('td', {}, String(a.drafts.rejected)),
              h('td', {}, String(Math.round(a.averageScore))),
              h('td', {}, String(a.overdue)),
            ),
          ),
        ),
      ),
    ),
    csv,
  );
}
