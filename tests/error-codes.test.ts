import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, errorCodeTable } from '../server/http/error-codes.js';

describe('error codes', () => {
  it('are documented in the README exactly as server/http/error-codes.ts lists them', () => {
    const readme = fs.readFileSync('README.md', 'utf8');
    expect(readme).toContain(errorCodeTable());
    const documented = [...readme.matchAll(/^\| `([a-z_]+)` \| (\d{3}) \|/gm)].map((m) => m[1]);
    expect(documented).toEqual(Object.keys(ERROR_CODES));
  });
});
