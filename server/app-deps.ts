import type { Logger } from 'pino';
import type { Config } from './config.js';
import type { Database } from './db/database.js';

/** Everything the app needs, passed in: no module holds a database or configuration of its own. */
export interface AppDeps {
  db: Database;
  config: Config;
  log: Logger;
}
