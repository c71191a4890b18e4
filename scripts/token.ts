import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { ROLES, type Role } from '../server/auth/access.js';
import { TokenStore } from '../server/auth/token-store.js';
import { loadConfig } from '../server/config.js';
import { openDatabase } from '../server/db/database.js';
import { AppError } from '../server/http/app-error.js';

const USAGE = `npm run token -- create --role admin|walidata|pembina|editor|viewer [--agency <code>]... [--name <text>]
npm run token -- list
npm run token -- revoke <id>`;

/** Creates, lists and revokes API tokens directly in the configured database (the first admin token comes from here). */
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    role: { type: 'string' },
    agency: { type: 'string', multiple: true, default: [] },
    name: { type: 'string' },
  },
});
const [command, arg] = positionals;
if (!command || !['create', 'list', 'revoke'].includes(command)) fail(USAGE);

const config = loadConfig();
const db = await openDatabase({ databaseUrl: config.databaseUrl, poolMax: 1, dataDir: config.dataDir });
try {
  const store = new TokenStore(db.knex);
  if (command === 'create') {
    const role = values.role as Role | undefined;
    if (!role || !ROLES.includes(role)) fail(`--role must be one of ${ROLES.join(', ')}\n${USAGE}`);
    const agencies = values.agency.flatMap((a) => a.split(',')).filter(Boolean);
    const name = values.name ?? `${role}${agencies.length ? ` ${agencies.join(',')}` : ''}`;
    const { token, info } = await store.create({ name, role, agencies, createdBy: `cli (${userInfo().username})` });
    console.log(
      `Created token ${info.id} (${info.role}${info.agencies.length ? ` of ${info.agencies.join(', ')}` : ''}). It is shown only now:\n\n  ${token}\n`,
    );
    console.log('Use it as: Authorization: Bearer <token>');
  } else if (command === 'list') {
    for (const t of await store.list()) {
      console.log(
        [
          t.id,
          t.role,
          t.agencies.join(',') || '-',
          t.prefix + '…',
          t.name,
          t.revokedAt ? `revoked ${t.revokedAt}` : 'active',
          `last used ${t.lastUsedAt ?? 'never'}`,
        ].join('\t'),
      );
    }
  } else {
    if (!arg || !/^\d+$/.test(arg)) fail(`revoke needs a token id (see list)\n${USAGE}`);
    const t = await store.revoke(Number(arg));
    console.log(`Token ${t.id} (${t.name}) revoked at ${t.revokedAt ?? ''}.`);
  }
} catch (err) {
  if (err instanceof AppError) fail(err.message);
  throw err;
} finally {
  await db.close();
}

function fail(message: string): never {
  console.error(message);
  process.exit(2);
}
