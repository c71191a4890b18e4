import type { Me } from '../api.js';
import type { AppContext } from '../app-context.js';
import { authHeaders } from '../auth/session.js';
import { h } from './dom.js';

const TYPES: Record<string, string> = {
  zip: 'application/zip',
  ndjson: 'application/x-ndjson',
  geojsonl: 'application/x-ndjson',
  jsonl: 'application/x-ndjson',
};

interface Problem {
  feature: number | null;
  field: string | null;
  code: string;
  message: string;
}

/**
 * For a signed-in editor or admin: upload a GeoJSON, NDJSON or zipped Shapefile into one of the
 * layers it may change. The browser streams the file to POST /api/layers/{id}/features; the answer
 * (counts and version, or the problems by feature) is shown as it comes, and the map redraws.
 */
export function uploadSection(ctx: AppContext, me: Me): HTMLElement[] {
  if (me.role !== 'editor' && me.role !== 'admin') return [];
  const t = ctx.t();
  const writable = [...ctx.entries.values()].filter((e) => me.role === 'admin' || me.agencies.includes(e.agency));
  const layer = h(
    'select',
    { id: 'upload-layer', 'aria-label': t.uploadLayer },
    ...writable.map((e) => h('option', { value: e.id }, e.title)),
  );
  const mode = h(
    'select',
    { id: 'upload-mode', 'aria-label': t.uploadMode },
    h('option', { value: 'replace' }, t.uploadReplace),
    h('option', { value: 'append' }, t.uploadAppend),
  );
  const file = h('input', { id: 'upload-file', type: 'file', accept: '.geojson,.json,.ndjson,.geojsonl,.jsonl,.zip' });
  const repair = h('input', { id: 'upload-repair', type: 'checkbox' });
  const result = h('div', { id: 'upload-result', 'aria-live': 'polite' });
  const submit = h('button', { id: 'upload-submit' }, t.upload);

  /** With walidata review on, an upload is a draft: this hands it to walidata. */
  function submitButton(slug: string, version: number): HTMLElement {
    const button = h('button', { id: 'upload-submit-review', type: 'button' }, t.submitForReview);
    button.addEventListener('click', () => {
      button.disabled = true;
      const url = `/api/layers/${encodeURIComponent(slug)}/versions/${version}/submit`;
      void fetch(url, { method: 'POST', headers: authHeaders(url) })
        .then(async (res) => {
          const answer = (await res.json()) as { error?: { code: string; message: string } };
          result.replaceChildren(
            res.ok
              ? h('p', { class: 'ok' }, t.submittedForReview(version))
              : h('p', { class: 'error' }, `${answer.error?.code ?? res.status}: ${answer.error?.message ?? ''}`),
          );
        })
        .catch((err: unknown) => result.replaceChildren(h('p', { class: 'error' }, (err as Error).message)));
    });
    return button;
  }

  async function send(e: Event): Promise<void> {
    e.preventDefault();
    const chosen = file.files?.[0];
    if (!chosen || !layer.value) return;
    submit.disabled = true;
    result.replaceChildren(t.uploading);
    const ext = chosen.name.split('.').pop()?.toLowerCase() ?? '';
    const url = `/api/layers/${encodeURIComponent(layer.value)}/features?mode=${mode.value}${repair.checked ? '&repair=true' : ''}&filename=${encodeURIComponent(chosen.name.slice(0, 200))}`;
    try {
      const res = await fetch(url, {
        method: 'POST',
        body: chosen,
        headers: { ...authHeaders(url), 'Content-Type': TYPES[ext] ?? 'application/geo+json' },
      });
      const body = (await res.json()) as {
        state?: 'published' | 'draft';
        version?: number;
        inserted?: number;
        featureCount?: number;
        previousVersion?: number;
        dataVersion?: number;
        error?: { code: string; message: string; details: { problems?: Problem[] } };
      };
      if (res.ok && body.state === 'draft') {
        result.replaceChildren(
          h('p', { class: 'ok' }, t.uploadedDraft(body.inserted ?? 0, body.featureCount ?? 0, body.version ?? 0)),
          submitButton(layer.value, body.version ?? 0),
        );
      } else if (res.ok) {
        result.replaceChildren(
          h(
            'p',
            { class: 'ok' },
            t.uploaded(body.inserted ?? 0, body.featureCount ?? 0, body.previousVersion ?? 0, body.dataVersion ?? 0),
          ),
        );
        ctx.reloadLayers();
      } else {
        const problems = body.error?.details.problems ?? [];
        const list = h(
          'ul',
          { class: 'problems' },
          ...problems
            .slice(0, 20)
            .map((p) =>
              h(
                'li',
                {},
                `${p.feature === null ? '' : `#${p.feature} `}${p.field ? `${p.field} ` : ''}${p.code}: ${p.message}`,
              ),
            ),
        );
        result.replaceChildren(
          h('p', { class: 'error' }, `${body.error?.code ?? res.status}: ${body.error?.message ?? ''}`),
          ...(problems.length ? [list] : []),
        );
      }
    } catch (err) {
      result.replaceChildren(h('p', { class: 'error' }, (err as Error).message));
    } finally {
      submit.disabled = false;
    }
  }

  return [
    h('h3', {}, t.uploadTitle),
    writable.length === 0
      ? h('p', { class: 'hint' }, t.uploadNoLayers)
      : h(
          'form',
          { class: 'upload', onsubmit: (e: Event) => void send(e) },
          layer,
          mode,
          file,
          h('label', {}, repair, ` ${t.uploadRepair}`),
          submit,
        ),
    result,
  ];
}
