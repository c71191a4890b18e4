import { api } from '../api.js';
import type { AppContext } from '../app-context.js';
import { h } from './dom.js';

/** The layer's Satu Data metadata in a dialog. */
export async function showMetadata(ctx: AppContext, id: string): Promise<void> {
  const d = await api.layer(id);
  const t = ctx.t();
  const m = d.metadata;
  const rows: [string, unknown][] = [
    ['Produsen / producer', m.producer],
    ['Walidata / custodian', m.custodian],
    ['Kontak / contact', m.contactEmail],
    ['Sumber / source', m.source],
    ['Skala / scale', m.scale],
    ['Frekuensi / frequency', m.updateFrequency],
    ['Pembaruan / last update', m.lastUpdate],
    ['Lisensi / license', m.license],
    ['Klasifikasi', d.classification],
    ['Kata kunci / keywords', (m.keywords as string[] | undefined)?.join(', ')],
    ['Silsilah / lineage', m.lineage],
    ['Sistem referensi', m.referenceSystem],
    [t.featureCount(d.featureCount), ''],
    ['Versi data', d.dataVersion],
  ];
  const dialog = h(
    'dialog',
    { class: 'metadata' },
    h('h2', {}, d.title),
    m.sampleData ? h('p', { class: 'sample' }, `⚠ ${t.sample}`) : null,
    h('p', {}, d.description),
    h(
      'dl',
      {},
      ...rows.flatMap(([k, v]) => [
        h('dt', {}, k),
        h('dd', {}, v === null || v === undefined || v === '' ? '—' : String(v as string)),
      ]),
    ),
    h('a', { href: `/api/layers/${encodeURIComponent(id)}`, target: '_blank', rel: 'noopener' }, 'JSON'),
    h('form', { method: 'dialog' }, h('button', {}, t.close)),
  );
  document.body.append(dialog);
  dialog.addEventListener('close', () => dialog.remove());
  dialog.showModal();
}
