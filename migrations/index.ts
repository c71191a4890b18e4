import type { Knex } from 'knex';
import * as schema from './001-schema.js';
import * as tileFields from './002-tile-fields.js';
import * as propertiesIndex from './003-properties-index.js';
import * as geometryChecks from './004-geometry-checks.js';
import * as access from './005-access.js';
import * as timeExtent from './006-time-extent.js';
import * as elements from './007-elements.js';
import * as derivedElements from './008-derived-elements.js';
import * as elementHistory from './009-element-history.js';
import * as elementSearch from './010-element-search.js';
import * as changeNotices from './011-change-notices.js';
import * as rateWindows from './012-rate-windows.js';
import * as layerSearch from './013-layer-search.js';
import * as layerVersions from './014-layer-versions.js';
import * as review from './015-review.js';
import * as webhooks from './016-webhooks.js';

export interface Migration {
  name: string;
  up(knex: Knex): Promise<void>;
  down(knex: Knex): Promise<void>;
}

/** Ordered list of migrations; both database backends run exactly these. */
export const migrations: Migration[] = [
  schema,
  tileFields,
  propertiesIndex,
  geometryChecks,
  access,
  timeExtent,
  elements,
  derivedElements,
  elementHistory,
  elementSearch,
  changeNotices,
  rateWindows,
  layerSearch,
  layerVersions,
  review,
  webhooks,
];
