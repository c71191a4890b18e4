import type { Knex } from 'knex';
import { AppError } from '../http/app-error.js';

/**
 * Roles as Satu Data names them: `editor` is the produsen (uploads and submits its agency's
 * layers), `walidata` verifies and publishes (every agency, or those in its scope), `pembina`
 * oversees everything read-only, drafts included; `viewer` reads its agencies' terbatas layers.
 */
export type Role = 'admin' | 'walidata' | 'pembina' | 'editor' | 'viewer';
export const ROLES: readonly Role[] = ['admin', 'walidata', 'pembina', 'editor', 'viewer'];

/** Roles that see every layer of every agency (restricted ones included). */
const SEES_ALL: readonly Role[] = ['admin', 'walidata', 'pembina'];

/** Who is asking. Every surface receives one and asks this module what it may see and do. */
export type Caller =
  | { kind: 'anonymous' }
  | {
      kind: 'token';
      tokenId: number;
      name: string;
      role: Role;
      /** Agency codes in scope; empty for admin. */ agencies: string[];
    };

export const ANONYMOUS: Caller = { kind: 'anonymous' };

/** Whether the caller may change the layers of an agency (create, edit metadata, upload features). */
export function mayWrite(caller: Caller, agencyCode: string): boolean {
  if (caller.kind === 'anonymous') return false;
  return caller.role === 'admin' || (caller.role === 'editor' && caller.agencies.includes(agencyCode));
}

/** Whether the caller may approve or reject an agency's submitted versions (walidata in scope, admin). */
export function mayReview(caller: Caller, agencyCode: string): boolean {
  if (caller.kind === 'anonymous') return false;
  if (caller.role === 'admin') return true;
  return caller.role === 'walidata' && (caller.agencies.length === 0 || caller.agencies.includes(agencyCode));
}

/** Whether the caller may see an agency's unpublished versions: who writes, reviews or oversees them. */
export function maySeeDrafts(caller: Caller, agencyCode: string): boolean {
  if (caller.kind === 'anonymous') return false;
  return caller.role === 'pembina' || mayWrite(caller, agencyCode) || mayReview(caller, agencyCode);
}

/** What a caller's view of the catalog depends on; callers with the same key see the same layers. */
export function visibilityKey(caller: Caller): string {
  if (caller.kind === 'anonymous') return 'publik';
  if (SEES_ALL.includes(caller.role)) return 'all';
  return `publik+${[...caller.agencies].sort().join(',')}`;
}

/**
 * Restricts a query over `layers` (under the given alias) to what the caller may see. The rule,
 * in one place:
 * - anonymous: `publik` layers;
 * - viewer: `publik` layers and every layer of the agencies it is granted;
 * - editor: `publik` layers and every layer of its one agency (and may write those);
 * - admin, walidata, pembina: everything.
 * Hidden layers then behave exactly like missing ones: absent from lists, counts and lookups.
 */
export function whereLayerVisible(qb: Knex.QueryBuilder, caller: Caller, alias = 'l'): Knex.QueryBuilder {
  if (caller.kind === 'anonymous') return qb.where(`${alias}.classification`, 'publik');
  if (SEES_ALL.includes(caller.role)) return qb;
  return qb.whereRaw(`(${alias}.classification = 'publik' or ${alias}.agency_code = any(?::text[]))`, [
    caller.agencies,
  ]);
}

/**
 * The national catalogs (CKAN for Satu Data Indonesia, DCAT) publish open data only: they see
 * what an anonymous caller sees, whoever asks, so a harvester with a token never republishes
 * `terbatas` metadata.
 */
export function harvestView(caller: Caller): Caller {
  return caller.kind === 'anonymous' ? caller : ANONYMOUS;
}

/** 401 for anonymous callers: a write needs a token. */
export function requireToken(caller: Caller): Extract<Caller, { kind: 'token' }> {
  if (caller.kind === 'anonymous') {
    throw new AppError(
      401,
      'authentication_required',
      'This needs a token: send "Authorization: Bearer <token>". Ask an administrator for one.',
    );
  }
  return caller;
}

/** 401 without a token, 403 with one that may not write this agency's layers. */
export function requireWriter(caller: Caller, agencyCode: string): void {
  const who = requireToken(caller);
  if (!mayWrite(who, agencyCode)) {
    throw new AppError(
      403,
      'forbidden',
      `This token (${who.role}${who.agencies.length ? ` of ${who.agencies.join(', ')}` : ''}) may not change layers of agency "${agencyCode}".`,
      { role: who.role, agencies: who.agencies, agency: agencyCode },
    );
  }
}

export function requireAdmin(caller: Caller): void {
  const who = requireToken(caller);
  if (who.role !== 'admin')
    throw new AppError(403, 'forbidden', `Only an admin token may do this; this one is ${who.role}.`, {
      role: who.role,
    });
}

/** How audit records name the caller: never the secret, always enough to find the token. */
export function actorName(caller: Caller): string {
  if (caller.kind === 'anonymous') return 'anonymous';
  // Token id 0 is the command line (npm run import), which works on the database directly.
  return caller.tokenId === 0 ? caller.name : `token ${caller.tokenId} (${caller.name}, ${caller.role})`;
}
