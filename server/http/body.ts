import type { z } from 'zod';
import { badRequest } from './app-error.js';
import type { ErrorCode } from './error-codes.js';

/** The first problem of a rejected JSON body, as a field name and a sentence a person can act on. */
export function describeIssue(error: z.ZodError): { field: string | null; text: string } {
  const issue = error.issues[0];
  if (issue?.code === 'unrecognized_keys')
    return { field: issue.keys[0] ?? null, text: `unknown field(s) ${issue.keys.join(', ')}` };
  const field = issue?.path.join('.') ?? '';
  return { field: field || null, text: `${field || 'body'}: ${issue?.message ?? 'invalid'}` };
}

/** A JSON object body checked against its schema; the first problem is a 400 with `code`, naming the field. */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown, hint: string, code: ErrorCode): z.infer<S> {
  if (body === undefined || body === null || typeof body !== 'object' || Array.isArray(body))
    throw badRequest('invalid_body', `Send a JSON object (Content-Type: application/json). ${hint}`);
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const { field, text } = describeIssue(parsed.error);
    throw badRequest(code, `${text}. ${hint}`, { field });
  }
  return parsed.data;
}
