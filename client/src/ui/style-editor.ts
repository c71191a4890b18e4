import { api } from '../api.js';
import type { AppContext } from '../app-context.js';
import { authHeaders } from '../auth/session.js';
import { h } from './dom.js';

const PALETTES = ['YlOrRd', 'OrRd', 'Reds', 'Blues', 'Greens', 'Purples', 'YlGnBu', 'Set2', 'Dark2', 'Paired'];

interface StyleAnswer {
  rule: {
    kind: 'single' | 'categorized' | 'graduated';
    property?: string;
    method?: string | null;
    classes?: unknown[];
    symbol: { color: string };
    label: { property: string } | null;
  };
}

/**
 * For an editor of the layer's agency or an admin: change how a layer is drawn (one colour, its
 * categories, or classes of a number from a palette, and a label) with PUT /api/layers/{id}/style.
 * The server computes the classes from the data and answers the problems of a bad style; the map
 * and legend redraw with the saved style.
 */
export async function showStyleEditor(ctx: AppContext, id: string): Promise<void> {
  const t = ctx.t();
  const [layer, current] = await Promise.all([
    api.layer(id),
    fetch(`/api/layers/${encodeURIComponent(id)}/style`, { headers: authHeaders('/api') }).then(
      (r) => r.json() as Promise<StyleAnswer>,
    ),
  ]);
  const fields = layer.fields;
  const numeric = fields.filter((f) => f.type === 'integer' || f.type === 'number');
  const option = (value: string, text: string, selected: boolean) =>
    h('option', { value, ...(selected ? { selected: true } : {}) }, text);
  const rule = current.rule;
  const kind = h(
    'select',
    { id: 'style-kind', 'aria-label': t.styleKind },
    option('single', t.styleSingle, rule.kind === 'single'),
    option('categorized', t.styleCategorized, rule.kind === 'categorized'),
    option('graduated', t.styleGraduated, rule.kind === 'graduated'),
  );
  const property = h('select', { id: 'style-property', 'aria-label': t.styleProperty });
  const color = h('input', { id: 'style-color', type: 'color', value: rule.symbol.color, 'aria-label': t.styleColor });
  const palette = h(
    'select',
    { id: 'style-palette', 'aria-label': t.stylePalette },
    ...PALETTES.map((p) => option(p, p, false)),
  );
  const method = h(
    'select',
    { id: 'style-method', 'aria-label': t.method },
    ...['quantile', 'jenks', 'equal'].map((m) => option(m, t.methods[m] ?? m, rule.method === m)),
  );
  const k = h('input', { id: 'style-k', type: 'number', min: '2', max: '9', value: '5', 'aria-label': t.classes });
  const label = h(
    'select',
    { id: 'style-label', 'aria-label': t.styleLabel },
    option('', t.styleNoLabel, rule.label === null),
    ...fields.map((f) => option(f.name, f.name, rule.label?.property === f.name)),
  );
  const problems = h('ul', { id: 'style-problems', class: 'problems', 'aria-live': 'polite' });
  const rows = {
    property: h('label', {}, `${t.styleProperty} `, property),
    palette: h('label', {}, `${t.stylePalette} `, palette),
    method: h('label', {}, `${t.method} `, method, ' ', k),
  };
  const refresh = () => {
    const choices = kind.value === 'graduated' ? numeric : fields;
    const keep = property.value || rule.property;
    property.replaceChildren(...choices.map((f) => option(f.name, f.name, f.name === keep)));
    rows.property.hidden = kind.value === 'single';
    rows.palette.hidden = kind.value === 'single';
    rows.method.hidden = kind.value !== 'graduated';
  };
  kind.addEventListener('change', refresh);
  refresh();

  const save = async (ev: Event) => {
    ev.preventDefault();
    const body: Record<string, unknown> = { kind: kind.value, color: color.value };
    if (kind.value !== 'single') Object.assign(body, { property: property.value, palette: palette.value });
    if (kind.value === 'graduated') Object.assign(body, { method: method.value, k: Number(k.value) });
    if (label.value) body.label = { property: label.value };
    const url = `/api/layers/${encodeURIComponent(id)}/style`;
    const res = await fetch(url, {
      method: 'PUT',
      headers: { ...authHeaders(url), 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    const answer = (await res.json()) as {
      error?: { message: string; details?: { problems?: { path: string; message: string }[] } };
    };
    if (!res.ok) {
      const list = answer.error?.details?.problems ?? [
        { path: '', message: answer.error?.message ?? `HTTP ${res.status}` },
      ];
      problems.replaceChildren(...list.map((p) => h('li', {}, p.path ? `${p.path}: ${p.message}` : p.message)));
      return;
    }
    dialog.close();
    ctx.reloadLayers();
  };
  const dialog = h(
    'dialog',
    { class: 'style-editor', 'aria-label': `${t.style}: ${layer.title}` },
    h('h2', {}, `${t.style}: ${layer.title}`),
    h(
      'form',
      { onsubmit: (ev: Event) => void save(ev) },
      h('label', {}, `${t.styleKind} `, kind),
      rows.property,
      h('label', {}, `${t.styleColor} `, color),
      rows.palette,
      rows.method,
      h('label', {}, `${t.styleLabel} `, label),
      problems,
      h(
        'div',
        { class: 'dialog-buttons' },
        h('button', { type: 'submit', id: 'style-save' }, t.save),
        h('button', { type: 'button', onclick: () => dialog.close() }, t.close),
      ),
    ),
  );
  document.body.append(dialog);
  dialog.addEventListener('close', () => dialog.remove());
  dialog.showModal();
}
