import { AppError, badRequest } from './app-error.js';

/**
 * A KVP request's parameters by upper-case name: OGC parameter names are case-insensitive (their
 * values are not). A name given twice is refused rather than guessed.
 */
export function kvpParameters(query: Record<string, unknown>): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(query)) {
    const key = k.toUpperCase();
    if (typeof v !== 'string' || out.has(key))
      throw badRequest('invalid_parameter', `Parameter ${key} must be given once.`, { parameter: key });
    out.set(key, v);
  }
  return out;
}

export function required(kvp: Map<string, string>, name: string, why: string): string {
  const v = kvp.get(name)?.trim();
  if (!v) throw new AppError(400, 'missing_parameter', `${name} is required ${why}.`, { parameter: name });
  return v;
}
