import { api, type ProfileElement } from '../api.js';
import type { AppContext } from '../app-context.js';
import { h } from './dom.js';

/**
 * Profil wilayah: every data element's latest value in the district, with its rank among the
 * district's siblings and the change since the period before; real figures first, a filter box,
 * and a print button (the print stylesheet leaves only this section on paper).
 */
export async function profileSection(
  ctx: AppContext,
  code: string,
  name: string,
  signal: AbortSignal,
): Promise<HTMLElement | null> {
  const profile = await api.districtProfile(code, signal);
  if (signal.aborted) return null;
  const t = ctx.t();
  const fmt = (n: number) => new Intl.NumberFormat(t.numberLocale, { maximumFractionDigits: 2 }).format(n);
  const rows = [...profile.elements].sort(
    (a, b) => Number(a.isSample) - Number(b.isSample) || a.name.localeCompare(b.name, 'id'),
  );
  const body = h('tbody', {});
  const filter = h('input', {
    id: 'profile-filter',
    type: 'search',
    placeholder: t.profileFilter,
    'aria-label': t.profileFilter,
  });
  const count = h('div', { class: 'count', id: 'profile-count' });
  const draw = () => {
    const words = filter.value.toLowerCase().split(/\s+/).filter(Boolean);
    const shown = rows.filter((r) => words.every((w) => r.name.toLowerCase().includes(w))).slice(0, 200);
    count.textContent = t.profileShown(shown.length, rows.length);
    body.replaceChildren(...shown.map((r) => row(r)));
  };
  const row = (r: ProfileElement) =>
    h(
      'tr',
      { 'data-element': r.slug },
      h('td', {}, r.name, r.isSample ? h('span', { class: 'badge' }, t.sample) : null),
      h('td', { class: 'num' }, `${fmt(r.value)} ${r.unit}`, h('div', { class: 'meta' }, r.period || t.undated)),
      h('td', {}, r.rank !== null && r.siblings !== null ? `${r.rank}/${r.siblings}` : ''),
      h('td', { class: 'num' }, r.change === null ? '' : `${r.change > 0 ? '+' : ''}${fmt(r.change)}`),
    );
  filter.addEventListener('input', draw);
  draw();
  return h(
    'section',
    { class: 'profile', id: 'district-profile' },
    h('h3', {}, `${t.profileTitle}: ${name}`),
    h(
      'div',
      { class: 'row' },
      filter,
      h('button', { type: 'button', id: 'profile-print', onclick: () => window.print() }, t.print),
    ),
    count,
    h(
      'table',
      {},
      h(
        'thead',
        {},
        h('tr', {}, ...[t.profileElement, t.profileValue, t.profileRank, t.profileChange].map((c) => h('th', {}, c))),
      ),
      body,
    ),
  );
}
