import type { Logger } from 'pino';
import type { Config } from './config.js';
import type { Database } from './db/database.js';
import type { Lifecycle } from './http/lifecycle.js';
import type { TileCache } from './tiles/tile-cache.js';

/** Everything the app needs, passed in: no module holds a database or configuration of its own. */
export interface AppDeps {
  db: Database;
  config: Config;
  log: Logger;
  /** Shared tile cache; buildApp makes one from the config when none is given. */
  tileCache?: TileCache;
  /** Serving or draining (main.ts sets it on SIGTERM); tests may leave it out. */
  lifecycle?: Lifecycle;
}
