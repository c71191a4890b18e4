import type { AppContext } from '../app-context.js';
import { authHeaders } from '../auth/session.js';
import { h } from './dom.js';

const SCALES = [1000, 2500, 5000, 10_000, 25_000, 50_000, 100_000];

/** The scale a web map shows at a zoom and latitude (96 dpi screen), rounded to an offered one. */
function nearestScale(zoom: number, lat: number): number {
  const metresPerPixel = (40075016.686 * Math.cos((lat * Math.PI) / 180)) / (256 * 2 ** zoom);
  const scale = metresPerPixel / (0.0254 / 96);
  return SCALES.reduce((best, s) => (Math.abs(Math.log(s / scale)) < Math.abs(Math.log(best / scale)) ? s : best));
}

/**
 * Cetak: the active layers as a PDF sheet from POST /api/print: paper, orientation, a scale or
 * "fit to the chosen district", resolution, title, subtitle, notes, office and a graticule. The
 * PDF downloads as a file; a refused request shows the server's message.
 */
export function showPrintDialog(ctx: AppContext): void {
  const t = ctx.t();
  const state = ctx.store.state;
  const layers = [...state.layers].reverse().map((l) => l.id);
  const district = state.district;
  const current = nearestScale(state.zoom, state.center[1]);
  const fmt = (n: number) => `1:${n.toLocaleString('id-ID')}`;
  const paper = h(
    'select',
    { id: 'print-paper', 'aria-label': t.printPaper },
    ...['A4', 'A3', 'A1'].map((p) => h('option', { value: p }, p)),
  );
  const orientation = h(
    'select',
    { id: 'print-orientation', 'aria-label': t.printOrientation },
    h('option', { value: 'landscape' }, t.printLandscape),
    h('option', { value: 'portrait' }, t.printPortrait),
  );
  const scale = h(
    'select',
    { id: 'print-scale', 'aria-label': t.printScale },
    ...(district ? [h('option', { value: 'district' }, t.printFitDistrict)] : []),
    ...SCALES.map((s) =>
      h('option', { value: String(s), ...(s === current && !district ? { selected: true } : {}) }, fmt(s)),
    ),
  );
  const dpi = h(
    'select',
    { id: 'print-dpi', 'aria-label': t.printDpi },
    h('option', { value: '150' }, '150 dpi'),
    h('option', { value: '300' }, '300 dpi'),
  );
  const title = h('input', { id: 'print-title', type: 'text', maxlength: '120', required: true, value: t.appTitle });
  const subtitle = h('input', { id: 'print-subtitle', type: 'text', maxlength: '200' });
  const notes = h('textarea', { id: 'print-notes', maxlength: '1000', rows: 3 });
  const author = h('input', { id: 'print-author', type: 'text', maxlength: '200' });
  const grid = h('input', { id: 'print-grid', type: 'checkbox' });
  const profile = h('input', { id: 'print-profile', type: 'checkbox', disabled: !district });
  const status = h('p', { id: 'print-status', class: 'hint', 'aria-live': 'polite' });
  const submit = h('button', { type: 'submit', id: 'print-submit' }, t.printCreate);

  async function send(ev: Event): Promise<void> {
    ev.preventDefault();
    if (layers.length === 0) {
      status.textContent = t.noActive;
      return;
    }
    submit.disabled = true;
    status.textContent = t.printing;
    const body = {
      layers,
      paper: paper.value,
      orientation: orientation.value,
      dpi: Number(dpi.value),
      title: title.value,
      ...(subtitle.value ? { subtitle: subtitle.value } : {}),
      ...(notes.value ? { notes: notes.value } : {}),
      ...(author.value ? { author: author.value } : {}),
      grid: grid.checked,
      ...(profile.checked && district ? { profile: true, district } : {}),
      ...(scale.value === 'district' && district ? { district } : { scale: Number(scale.value), center: state.center }),
    };
    try {
      const res = await fetch('/api/print', {
        method: 'POST',
        headers: { ...authHeaders('/api/print'), 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
      if (!res.ok) {
        const answer = (await res.json().catch(() => null)) as { error?: { message: string } } | null;
        status.textContent = answer?.error?.message ?? `HTTP ${res.status}`;
        return;
      }
      const name = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? 'peta.pdf';
      const url = URL.createObjectURL(await res.blob());
      const a = h('a', { href: url, download: name });
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
      status.textContent = t.printDone(name);
    } catch (err) {
      status.textContent = `${t.printFailed} (${(err as Error).message})`;
    } finally {
      submit.disabled = false;
    }
  }

  const row = (label: string, control: HTMLElement) => h('label', {}, `${label} `, control);
  const dialog = h(
    'dialog',
    { class: 'print-dialog', 'aria-label': t.printMap },
    h('h2', {}, t.printMap),
    h(
      'form',
      { onsubmit: (e: Event) => void send(e) },
      row(t.printTitle, title),
      row(t.printSubtitle, subtitle),
      h('div', { class: 'row' }, row(t.printPaper, paper), row(t.printOrientation, orientation)),
      h('div', { class: 'row' }, row(t.printScale, scale), row(t.printDpi, dpi)),
      row(t.printNotes, notes),
      row(t.printAuthor, author),
      h('label', {}, grid, ` ${t.printGrid}`),
      h('label', {}, profile, ` ${t.printProfile}`),
      status,
      h(
        'div',
        { class: 'dialog-buttons' },
        submit,
        h('button', { type: 'button', onclick: () => dialog.close() }, t.close),
      ),
    ),
  );
  document.body.append(dialog);
  dialog.addEventListener('close', () => dialog.remove());
  dialog.showModal();
}
