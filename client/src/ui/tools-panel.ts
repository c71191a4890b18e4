import { composePng, type LegendSpec } from '../map/export-png.js';
import type { AppContext } from '../app-context.js';
import { readCoordinates } from '../geo/coords.js';
import type { Strings } from '../i18n.js';
import type { Measure } from '../map/measure.js';
import { toQuery } from '../state/view-state.js';
import { accessSection } from './access-section.js';
import { h } from './dom.js';
import { showPrintDialog } from './print-dialog.js';

/** Boundary check by typed coordinates, measuring, PNG export, embed code, a share link and signing in. */
export function toolsPanel(
  ctx: AppContext,
  host: HTMLElement,
  measure: Measure,
  legend: () => LegendSpec | null,
): { render(): void } {
  const coords = h('input', { id: 'check-input', type: 'text', autocomplete: 'off' });
  const checkRead = h('p', { id: 'check-read', class: 'hint', 'aria-live': 'polite' });
  const checkResult = h('div', { id: 'check-result', 'aria-live': 'polite' });
  const measureResult = h('div', { class: 'measure-result', 'aria-live': 'polite' });

  function render(): void {
    const t = ctx.t();
    coords.placeholder = t.checkHint;
    host.replaceChildren(
      h('h3', {}, t.checkTitle),
      h(
        'form',
        {
          class: 'row',
          onsubmit: (e: Event) => {
            e.preventDefault();
            const r = readCoordinates(coords.value);
            if (!r.ok) {
              checkRead.textContent = '';
              checkResult.textContent =
                r.why === 'ambiguous'
                  ? t.coordsAmbiguous(...(r.options.map(([lon, lat]) => place(t, lon, lat)) as [string, string]))
                  : t.badCoordinates;
              return;
            }
            const how =
              r.from === 'utm' ? t.coordsUtm(r.zone ?? '', Boolean(r.assumed)) : r.from === 'link' ? t.coordsLink : '';
            checkRead.textContent = t.coordsReadAs(place(t, r.lon, r.lat), how);
            void ctx.checkPoint(r.lon, r.lat);
          },
        },
        coords,
        h('button', { id: 'check-button' }, t.check),
      ),
      checkRead,
      checkResult,
      h('h3', {}, t.measure),
      h(
        'div',
        { class: 'row' },
        h('button', { onclick: () => measure.start('distance') }, t.measureDistance),
        h('button', { onclick: () => measure.start('area') }, t.measureArea),
        h('button', { onclick: () => measure.clear() }, t.measureClear),
      ),
      h('p', { class: 'hint' }, t.measureHint),
      measureResult,
      h('h3', {}, t.share),
      h(
        'div',
        { class: 'row' },
        h(
          'button',
          { id: 'share-link', onclick: (e: Event) => void copy(location.href, e.target as HTMLButtonElement) },
          t.share,
        ),
        h('button', { id: 'export-png', onclick: () => exportPng(ctx, legend) }, t.exportPng),
        h('button', { id: 'print-map', onclick: () => showPrintDialog(ctx) }, t.printMap),
        h('button', { id: 'embed-code', onclick: () => embedDialog(ctx) }, t.embed),
      ),
      ...accessSection(ctx),
    );
  }

  async function copy(text: string, button: HTMLButtonElement): Promise<void> {
    await navigator.clipboard?.writeText(text).catch(() => undefined);
    const label = button.textContent;
    button.textContent = ctx.t().copied;
    setTimeout(() => {
      button.textContent = label;
    }, 1500);
  }

  render();
  ctx.store.subscribe((s, prev) => {
    if (s.lang !== prev.lang) render();
  });
  return { render };
}

/** A point as a person reads it: "6,17810° LS, 106,63000° BT" (in English "6.17810° S, 106.63000° E"). */
function place(t: Strings, lon: number, lat: number): string {
  const deg = (v: number) => `${Math.abs(v).toFixed(5).replace('.', t.decimalSeparator)}°`;
  return `${deg(lat)} ${t.hemispheres[lat < 0 ? 'S' : 'N'] ?? ''}, ${deg(lon)} ${t.hemispheres[lon < 0 ? 'W' : 'E'] ?? ''}`;
}

export function setMeasureText(host: HTMLElement, text: string): void {
  const el = host.querySelector('.measure-result');
  if (el) el.textContent = text;
}

/** The canvas is read inside a render callback, while its drawing buffer is still intact. */
function exportPng(ctx: AppContext, legend: () => LegendSpec | null): void {
  ctx.map.once('render', () => {
    const a = document.createElement('a');
    const t = ctx.t();
    const day = new Date().toISOString().slice(0, 10);
    a.href = composePng(ctx.map.getCanvas(), legend(), `${t.appTitle} · ${t.exportedAt(day)} · ${location.host}`);
    a.download = `satupeta-${new Date().toISOString().slice(0, 10)}.png`;
    a.click();
  });
  ctx.map.triggerRepaint();
}

function embedDialog(ctx: AppContext): void {
  const t = ctx.t();
  const src = `${location.origin}/embed?${toQuery({ ...ctx.store.state, point: null })}`;
  const code = `<iframe src="${src}" width="800" height="500" style="border:0" loading="lazy" title="Satu Peta Kota Tangerang"></iframe>`;
  const area = h('textarea', { id: 'embed-snippet', readonly: true, rows: 5, 'aria-label': t.embedHint }, code);
  const dialog = h(
    'dialog',
    { class: 'embed' },
    h('h2', {}, t.embed),
    h('p', {}, t.embedHint),
    area,
    h(
      'form',
      { method: 'dialog', class: 'row' },
      h(
        'button',
        { type: 'button', onclick: () => void navigator.clipboard?.writeText(code).catch(() => undefined) },
        t.copy,
      ),
      h('button', {}, t.close),
    ),
  );
  document.body.append(dialog);
  dialog.addEventListener('close', () => dialog.remove());
  dialog.showModal();
  area.select();
}
