import { api } from '../api.js';
import type { AppContext } from '../app-context.js';
import { currentToken, setToken } from '../auth/session.js';
import { h } from './dom.js';
import { reviewSection } from './review-section.js';
import { uploadSection } from './upload-section.js';

/**
 * Sign in with an API token to see the restricted layers it allows; the page reloads so every
 * list, count and tile is read again as that caller. Signing out forgets the token.
 */
export function accessSection(ctx: AppContext): HTMLElement[] {
  const t = ctx.t();
  const status = h('p', { id: 'access-status', class: 'hint', 'aria-live': 'polite' });
  const token = currentToken();
  if (token) {
    const upload = h('div', { id: 'upload' });
    api.me(token).then(
      (me) => {
        status.textContent = t.signedInAs(me.role, me.agencies.join(', '));
        upload.replaceChildren(...uploadSection(ctx, me), ...reviewSection(ctx, me));
      },
      () => {
        status.textContent = t.tokenRejected;
      },
    );
    return [
      h('h3', {}, t.access),
      status,
      h(
        'button',
        {
          id: 'sign-out',
          onclick: () => {
            setToken(null);
            location.reload();
          },
        },
        t.signOut,
      ),
      upload,
    ];
  }
  const input = h('input', { id: 'token-input', type: 'password', autocomplete: 'off', placeholder: t.tokenHint });
  const signIn = async (e: Event) => {
    e.preventDefault();
    const value = input.value.trim();
    try {
      await api.me(value);
      setToken(value);
      location.reload();
    } catch {
      status.textContent = t.tokenRejected;
    }
  };
  return [
    h('h3', {}, t.access),
    h('p', { class: 'hint' }, t.accessHint),
    h(
      'form',
      { class: 'row', onsubmit: (e: Event) => void signIn(e) },
      input,
      h('button', { id: 'sign-in' }, t.signIn),
    ),
    status,
  ];
}
