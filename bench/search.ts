import os from 'node:os';
import { openDatabase } from '../server/db/database.js';
import { freePort } from '../tests/support/ports.js';
import { fmt, startServer } from './support.js';
import { median, wrk, type WrkResult } from './wrk.js';

/**
 * npm run bench:search — catalog search under wrk (issue 18): 50 queries, the broadest of the
 * full-scale catalog among them ("tangerang", "kota", "2024"), the others the commonest title
 * words; SEARCH_CONNECTIONS (8) connections, rounds of SEARCH_SECONDS; p50 / p95 / p99 per round.
 * BENCH_DATABASE_URL: the full-scale PostgreSQL database of `npm run bench`.
 */
const databaseUrl = process.env.BENCH_DATABASE_URL ?? '';
const SECONDS = Number(process.env.SEARCH_SECONDS ?? 10);
const ROUNDS = Number(process.env.SEARCH_ROUNDS ?? 3);
const CONNECTIONS = Number(process.env.SEARCH_CONNECTIONS ?? 8);

async function main(): Promise<void> {
  if (!databaseUrl) throw new Error('set BENCH_DATABASE_URL to the full-scale PostgreSQL database');
  const db = await openDatabase({ databaseUrl, poolMax: 2, dataDir: '' });
  // The commonest words of publik layer titles (3+ letters), after the three broad ones.
  const { rows } = await db.knex.raw<{ rows: { w: string }[] }>(
    `select w from (select lower(unnest(regexp_split_to_array(title, '[^A-Za-z0-9]+'))) as w
       from layers where classification = 'publik') t
      where length(w) >= 3 and w not in ('tangerang', 'kota', '2024')
      group by w order by count(*) desc, w limit 47`,
  );
  await db.close();
  const queries = ['tangerang', 'kota', '2024', ...rows.map((r) => r.w)];
  const server = await startServer(
    { DATABASE_URL: databaseUrl, AUTO_SEED: 'false', DATABASE_POOL_MAX: '8' },
    await freePort(),
  );
  try {
    const paths = queries.map((q) => `/api/layers?q=${encodeURIComponent(q)}&limit=20`);
    const first = (await (await fetch(`${server.url}${paths[0]}`)).json()) as { total: number };
    console.log(`"tangerang" matches ${first.total} layers; ${queries.length} queries; ${os.cpus().length} cores`);
    await wrk({ base: server.url, paths, connections: CONNECTIONS, seconds: 3 });
    const runs: WrkResult[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const r = await wrk({ base: server.url, paths, connections: CONNECTIONS, seconds: SECONDS });
      runs.push(r);
      console.log(
        `round ${round + 1}: ${fmt(r.rps, 0)} searches/s, p50 ${fmt(r.p50)} ms, p95 ${fmt(r.p95)} ms, p99 ${fmt(r.p99)} ms, failed ${r.failed}`,
      );
    }
    const m = (f: (r: WrkResult) => number) => fmt(median(runs.map(f)));
    console.log(`\n| catalog search, wrk, ${CONNECTIONS} connections, 50 queries | median of rounds |\n|---|---|`);
    console.log(`| searches/s | ${m((r) => r.rps)} |`);
    console.log(
      `| p50 / p95 / p99 (target p95 < 10 ms) | ${m((r) => r.p50)} / **${m((r) => r.p95)}** / ${m((r) => r.p99)} ms |`,
    );
  } finally {
    await server.stop();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
