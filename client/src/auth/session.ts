/**
 * The API token a person signed in with, kept for this browser tab only (sessionStorage): closing
 * the tab signs out. Requests to our own origin carry it; nothing else ever sees it.
 */
const KEY = 'satupeta.token';

export function currentToken(): string | null {
  try {
    return sessionStorage.getItem(KEY);
  } catch {
    return null;
  }
}

export function setToken(token: string | null): void {
  if (token) sessionStorage.setItem(KEY, token);
  else sessionStorage.removeItem(KEY);
}

/** Authorization header for a request to `url`, only when it goes to this origin. */
export function authHeaders(url: string): Record<string, string> {
  const token = currentToken();
  if (!token) return {};
  return new URL(url, location.href).origin === location.origin ? { Authorization: `Bearer ${token}` } : {};
}
