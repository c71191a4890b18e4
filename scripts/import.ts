import path from 'node:path';
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import type { Caller } from '../server/auth/access.js';
import { pino } from 'pino';
import { loadConfig } from '../server/config.js';
import { openDatabase } from '../server/db/database.js';
import { AppError } from '../server/http/app-error.js';
import type { UploadFormat } from '../server/ingest/ingest-service.js';
import { detectFormat } from '../server/ingest/receive.js';
import { buildServices } from '../server/services.js';

const USAGE =
  'npm run import -- <file.geojson|file.ndjson|file.zip> --layer <id> [--mode replace|append] [--crs EPSG:32748] [--encoding windows-1252] [--repair]';

/** The upload pipeline from the command line: same checks, one transaction, audit record by "cli". */
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    layer: { type: 'string' },
    mode: { type: 'string', default: 'replace' },
    crs: { type: 'string' },
    encoding: { type: 'string' },
    repair: { type: 'boolean', default: false },
    format: { type: 'string' },
  },
});
const file = positionals[0];
if (!file || !values.layer) fail(USAGE);
if (values.mode !== 'replace' && values.mode !== 'append') fail(`--mode must be replace or append\n${USAGE}`);
const BY_EXTENSION: Record<string, UploadFormat> = {
  '.geojson': 'geojson',
  '.json': 'geojson',
  '.ndjson': 'ndjson',
  '.geojsonl': 'ndjson',
  '.jsonl': 'ndjson',
  '.zip': 'shapefile',
};

const config = loadConfig();
const db = await openDatabase({ databaseUrl: config.databaseUrl, poolMax: 2, dataDir: config.dataDir });
const cli: Caller = { kind: 'token', tokenId: 0, name: `cli ${userInfo().username}`, role: 'admin', agencies: [] };
try {
  const format = await detectFormat(
    file,
    (values.format as UploadFormat | undefined) ?? BY_EXTENSION[path.extname(file).toLowerCase()],
    undefined,
  );
  const started = performance.now();
  const result = await buildServices({ db, config, log: pino({ level: 'warn' }) }).ingest.upload(cli, values.layer, {
    file,
    format,
    mode: values.mode,
    crs: values.crs,
    encoding: values.encoding,
    repair: values.repair,
    name: path.basename(file),
  });
  console.log(
    `${result.layer}: ${result.mode} with ${result.inserted} features from ${format} in ${((performance.now() - started) / 1000).toFixed(1)} s; ` +
      `${result.featureCount} features now, version ${result.previousVersion} → ${result.dataVersion}` +
      `${result.repaired ? `, ${result.repaired} repaired` : ''}${result.warnings.outsideCity ? `, ${result.warnings.outsideCity} slightly outside the city` : ''}; ` +
      `peak memory ${Math.round(process.resourceUsage().maxRSS / 1024)} MB; seconds ${JSON.stringify(result.seconds)}.`,
  );
} catch (err) {
  if (!(err instanceof AppError)) throw err;
  console.error(`${err.code}: ${err.message}`);
  const problems = (err.details.problems ?? []) as {
    feature: number | null;
    field: string | null;
    code: string;
    message: string;
  }[];
  for (const p of problems.slice(0, 20))
    console.error(`  feature ${p.feature ?? '-'} ${p.field ?? ''} ${p.code}: ${p.message}`);
  if (problems.length > 20) console.error(`  … ${Number(err.details.totalProblems) - 20} more`);
  process.exitCode = 1;
} finally {
  await db.close();
}

function fail(message: string): never {
  console.error(message);
  process.exit(2);
}
