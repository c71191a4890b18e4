import { createHash, randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import { badRequest, notFound } from '../http/app-error.js';
import type { Caller, Role } from './access.js';

/** A token as listed: never the secret, never its hash. */
export interface TokenInfo {
  id: number;
  name: string;
  role: Role;
  agencies: string[];
  /** The first characters of the secret, to recognise it in a list. */
  prefix: string;
  createdAt: string;
  createdBy: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

export interface NewToken {
  name: string;
  role: Role;
  agencies: string[];
  createdBy: string;
}

const SECRET_PREFIX = 'sp_';

/**
 * Secrets are 32 random bytes, so a plain SHA-256 is enough to store them (nothing to brute
 * force, unlike a password) and lets a request find its token with one indexed lookup.
 */
export function hashToken(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

interface TokenRow {
  id: number;
  name: string;
  role: Role;
  agency_codes: string[];
  prefix: string;
  created_at: string;
  created_by: string;
  revoked_at: string | null;
  last_used_at: string | null;
}

const COLUMNS = [
  'id',
  'name',
  'role',
  'agency_codes',
  'prefix',
  'created_by',
  'created_at::text as created_at',
  'revoked_at::text as revoked_at',
  'last_used_at::text as last_used_at',
];

function toInfo(r: TokenRow): TokenInfo {
  return {
    id: r.id,
    name: r.name,
    role: r.role,
    agencies: r.agency_codes,
    prefix: r.prefix,
    createdAt: r.created_at,
    createdBy: r.created_by,
    revokedAt: r.revoked_at,
    lastUsedAt: r.last_used_at,
  };
}

export class TokenStore {
  /** log: where a failed last-use write is reported (it never fails the request it rode on). */
  constructor(
    private readonly knex: Knex,
    private readonly log?: Logger,
  ) {}

  /** When this process last recorded each token's use (ms), so a busy token costs no write per request. */
  private readonly touched = new Map<number, number>();

  /** Creates a token; the secret is returned once and never stored. */
  async create(t: NewToken): Promise<{ token: string; info: TokenInfo }> {
    await this.checkScope(t.role, t.agencies);
    const name = t.name.trim();
    if (!name || name.length > 200)
      throw badRequest('invalid_token_request', 'name must be 1 to 200 characters, e.g. "Bappeda GIS team".', {
        field: 'name',
      });
    const token = SECRET_PREFIX + randomBytes(32).toString('base64url');
    const agencies = t.role === 'admin' ? [] : [...new Set(t.agencies)].sort();
    const [row]: TokenRow[] = await this.knex('api_tokens')
      .insert({
        name,
        role: t.role,
        agency_codes: agencies,
        token_hash: hashToken(token),
        prefix: token.slice(0, 9),
        created_by: t.createdBy,
      })
      .returning(COLUMNS.map((c) => this.knex.raw(c)));
    if (!row) throw new Error('token insert returned no row');
    return { token, info: toInfo(row) };
  }

  async list(): Promise<TokenInfo[]> {
    const { rows } = await this.knex.raw<{ rows: TokenRow[] }>(
      `select ${COLUMNS.join(', ')} from api_tokens order by id`,
    );
    return rows.map(toInfo);
  }

  /** Revokes a token at once; revoking twice is harmless and answers the same record. */
  async revoke(id: number): Promise<TokenInfo> {
    const [row]: TokenRow[] = await this.knex('api_tokens')
      .where({ id })
      .update({ revoked_at: this.knex.raw('coalesce(revoked_at, now())') })
      .returning(COLUMNS.map((c) => this.knex.raw(c)));
    if (!row) throw notFound('token_not_found', `No token with id ${id}. List tokens with GET /api/tokens.`, { id });
    return toInfo(row);
  }

  /** The caller a secret stands for, or null when it is unknown or revoked. */
  async authenticate(secret: string): Promise<Caller | null> {
    if (!secret.startsWith(SECRET_PREFIX) || secret.length > 100) return null;
    const {
      rows: [row],
    } = await this.knex.raw<{ rows: Pick<TokenRow, 'id' | 'name' | 'role' | 'agency_codes'>[] }>(
      'select id, name, role, agency_codes from api_tokens where token_hash = ? and revoked_at is null',
      [hashToken(secret)],
    );
    if (!row) return null;
    // Last use is kept to the minute: one small write a minute per token, not one per request.
    const now = Date.now();
    if (now - (this.touched.get(row.id) ?? 0) >= 60_000) {
      if (this.touched.size >= 10_000) this.touched.clear();
      this.touched.set(row.id, now);
      this.knex
        .raw(
          `update api_tokens set last_used_at = now() where id = ? and (last_used_at is null or last_used_at < now() - interval '1 minute')`,
          [row.id],
        )
        .then(
          () => undefined,
          (err: unknown) => this.log?.warn({ err, tokenId: row.id }, "recording a token's last use failed"),
        );
    }
    return { kind: 'token', tokenId: row.id, name: row.name, role: row.role, agencies: row.agency_codes };
  }

  private async checkScope(role: Role, agencies: string[]): Promise<void> {
    if ((role === 'admin' || role === 'pembina') && agencies.length > 0)
      throw badRequest('invalid_token_request', `A ${role} token has no agency scope; leave agencies empty.`, {
        field: 'agencies',
      });
    if (role === 'editor' && agencies.length !== 1)
      throw badRequest(
        'invalid_token_request',
        'An editor token writes the layers of exactly one agency: give one agency code.',
        { field: 'agencies' },
      );
    if (role === 'viewer' && agencies.length === 0)
      throw badRequest(
        'invalid_token_request',
        'A viewer token needs at least one agency whose terbatas layers it may read.',
        { field: 'agencies' },
      );
    const known = new Set((await this.knex('agencies').whereIn('code', agencies).pluck('code')) as string[]);
    const unknown = agencies.filter((a) => !known.has(a));
    if (unknown.length)
      throw badRequest(
        'unknown_agency',
        `No agency with code ${unknown.map((u) => `"${u}"`).join(', ')}. See /api/agencies.`,
        { field: 'agencies', value: unknown },
      );
  }
}
