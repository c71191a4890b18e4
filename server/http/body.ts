import type { z } from 'zod';

/** The first problem of a rejected JSON body, as a field name and a sentence a person can act on. */
export function describeIssue(error: z.ZodError): { field: string | null; text: string } {
  const issue = error.issues[0];
  if (issue?.code === 'unrecognized_keys')
    return { field: issue.keys[0] ?? null, text: `unknown field(s) ${issue.keys.join(', ')}` };
  const field = issue?.path.join('.') ?? '';
  return { field: field || null, text: `${field || 'body'}: ${issue?.message ?? 'invalid'}` };
}
