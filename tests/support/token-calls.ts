import type { TestServer } from './test-server.js';

/**
 * Requests as one of a test file's named tokens (or anonymously), answered as status, raw text
 * and the parsed JSON body (typed `A` by the file).
 */
export function tokenCalls<W extends string, A>(s: Pick<TestServer, 'get'>, tokens: Record<W, string>) {
  const call = async (path: string, who?: W, init: RequestInit = {}) => {
    const headers: Record<string, string> = { ...(init.headers as Record<string, string> | undefined) };
    if (who) headers.Authorization = `Bearer ${tokens[who]}`;
    const res = await s.get(path, { ...init, headers });
    const text = await res.text();
    return { status: res.status, text, body: (text ? JSON.parse(text) : {}) as A };
  };
  /** A POST (a PATCH or DELETE with `method`) with an optional JSON body. */
  const send = (path: string, who: W | undefined, body?: unknown, method = 'POST') =>
    call(path, who, {
      method,
      ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } }),
    });
  return { call, send };
}
