import type { Request } from 'express';
import { z } from 'zod';
import { badRequest } from './app-error.js';

/**
 * Validates a query string against a zod object schema. Unknown parameters and repeated ones
 * are 400s that name the parameter, so a typo never silently widens a result.
 */
export function parseQuery<S extends z.ZodObject>(req: Request, schema: S): z.infer<S> {
  const query = req.query as Record<string, unknown>;
  const allowed = Object.keys(schema.shape);
  for (const [key, value] of Object.entries(query)) {
    if (!allowed.includes(key)) {
      throw badRequest('unknown_parameter', `Unknown query parameter "${key}". Allowed: ${allowed.join(', ')}.`, {
        parameter: key,
        allowed,
      });
    }
    if (typeof value !== 'string') {
      throw badRequest('invalid_parameter', `Query parameter "${key}" must be given once, as a plain value.`, {
        parameter: key,
      });
    }
  }
  const parsed = schema.safeParse(query);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const parameter = String(issue?.path[0] ?? '');
    throw badRequest('invalid_parameter', `Query parameter "${parameter}": ${issue?.message ?? 'invalid'}.`, {
      parameter,
      value: query[parameter],
    });
  }
  return parsed.data;
}

/** Positive integer in a query string, with a readable message. */
export const intParam = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d{1,9}$/, 'must be a whole number')
    .transform(Number)
    .refine((n) => n >= min && n <= max, `must be between ${min} and ${max}`);
