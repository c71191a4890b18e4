import type { Knex } from 'knex';
import type { Classification } from '../catalog/layer-types.js';

/** Who is asking. Only anonymous callers exist until tokens arrive; every surface passes one. */
export interface Caller {
  kind: 'anonymous';
}

export const ANONYMOUS: Caller = { kind: 'anonymous' };

/** The one place that decides which classifications a caller may see. */
export function visibleClassifications(caller: Caller): Classification[] {
  switch (caller.kind) {
    case 'anonymous':
      return ['publik'];
  }
}

/** What a caller's view of the catalog depends on; callers with the same key see the same layers. */
export function visibilityKey(caller: Caller): string {
  return visibleClassifications(caller).join('+');
}

/**
 * Restricts a query over `layers` (under the given alias) to what the caller may see. Hidden
 * layers then behave exactly like missing ones: absent from lists, counts and lookups.
 */
export function whereLayerVisible(qb: Knex.QueryBuilder, caller: Caller, alias = 'l'): Knex.QueryBuilder {
  return qb.whereIn(`${alias}.classification`, visibleClassifications(caller));
}
