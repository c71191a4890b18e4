import { api } from '../api.js';
import type { AppContext } from '../app-context.js';
import { clear, h } from './dom.js';
import { profileSection } from './profile-section.js';

/** Choose a kecamatan or kelurahan: zoom to it, highlight it, list the layers with features inside. */
export function districtPanel(ctx: AppContext, host: HTMLElement): { render(): void } {
  const kec = h('select', { id: 'district-kecamatan' });
  const kel = h('select', { id: 'district-kelurahan' });
  const list = h('div', { class: 'district-layers' });
  host.append(kec, kel, list);
  let abort: AbortController | null = null;

  function fillSelects(): void {
    const t = ctx.t();
    const code = ctx.store.state.district;
    const kecCode = code ? code.split('.').slice(0, 3).join('.') : '';
    // Named for screen readers in the current language (the first option is not a name).
    kec.setAttribute('aria-label', t.chooseKecamatan);
    kel.setAttribute('aria-label', t.chooseKelurahan);
    kec.replaceChildren(
      h('option', { value: '' }, t.chooseKecamatan),
      ...ctx.districts.filter((d) => d.level === 'kecamatan').map((d) => h('option', { value: d.code }, d.name)),
    );
    kec.value = kecCode;
    kel.replaceChildren(
      h('option', { value: '' }, t.chooseKelurahan),
      ...ctx.districts.filter((d) => d.parentCode === kecCode).map((d) => h('option', { value: d.code }, d.name)),
    );
    kel.value = code && code.length > 8 ? code : '';
    kel.disabled = !kecCode;
  }

  async function show(code: string | null): Promise<void> {
    abort?.abort();
    clear(list);
    const highlight = ctx.map.getSource('highlight') as { setData(d: unknown): void } | undefined;
    if (!code) {
      highlight?.setData({ type: 'FeatureCollection', features: [] });
      return;
    }
    const a = (abort = new AbortController());
    const [feature, layers] = await Promise.all([api.districtGeometry(code), api.districtLayers(code, a.signal)]);
    if (a.signal.aborted) return;
    highlight?.setData(feature);
    const t = ctx.t();
    const name = ctx.districts.find((d) => d.code === code)?.name ?? code;
    void profileSection(ctx, code, name, a.signal).then((section) => {
      if (section && !a.signal.aborted) list.prepend(section);
    });
    list.append(
      h('h3', {}, `${t.layersInDistrict} (${layers.length})`),
      h(
        'ul',
        {},
        ...layers
          .slice(0, 300)
          .map((l) =>
            h(
              'li',
              {},
              h('button', { class: 'link', onclick: () => ctx.toggleLayer(l.slug) }, l.title),
              ` ${t.featureCount(l.featureCount)}`,
            ),
          ),
      ),
    );
  }

  function choose(code: string): void {
    ctx.store.update({ district: code || null });
    const d = ctx.districts.find((x) => x.code === code);
    if (d) void api.districtGeometry(code).then((f) => ctx.fitBbox(bboxOf(f.geometry)));
  }

  kec.addEventListener('change', () => choose(kec.value));
  kel.addEventListener('change', () => choose(kel.value || kec.value));
  const render = () => {
    fillSelects();
    void show(ctx.store.state.district).catch(() => undefined);
  };
  render();
  ctx.store.subscribe((s, prev) => {
    if (s.district !== prev.district || s.lang !== prev.lang) render();
  });
  return { render };
}

export function bboxOf(g: { type: string; coordinates?: unknown }): [number, number, number, number] {
  const pts: number[][] = [];
  const walk = (c: unknown): void => {
    if (Array.isArray(c) && typeof c[0] === 'number') pts.push(c as number[]);
    else if (Array.isArray(c)) c.forEach(walk);
  };
  walk(g.coordinates);
  const xs = pts.map((p) => p[0] ?? 0),
    ys = pts.map((p) => p[1] ?? 0);
  return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
}
