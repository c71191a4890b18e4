import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const WRK = '/usr/bin/wrk';

/**
 * wrk's Lua for a URL list: each thread walks the file named by WRK_URLS from its own offset,
 * sending the one header in WRK_HEADER (if any). A script appends its own `done`.
 */
export const ROTATION_LUA = `
local paths = {}
for line in io.lines(os.getenv("WRK_URLS")) do paths[#paths + 1] = line end
local header = os.getenv("WRK_HEADER")
local headers = {}
if header and header ~= "" then
  local name, value = header:match("^([^:]+):%s*(.*)$")
  headers[name] = value
end
local counter = 0
local offset = 0
function setup(thread) thread:set("offset", math.random(1, #paths)) end
function init(args) counter = offset or 0 end
function request()
  counter = counter + 1
  return wrk.format("GET", paths[(counter % #paths) + 1], headers)
end
`;

/** `done` prints one JSON line with the counts and latency percentiles. */
const LUA = `${ROTATION_LUA}
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('{"requests":%d,"bytes":%d,"duration_us":%d,"p50_us":%d,"p95_us":%d,"p99_us":%d,"errors":%d,"status":%d}\\n',
    summary.requests, summary.bytes, summary.duration, latency:percentile(50), latency:percentile(95), latency:percentile(99),
    e.connect + e.read + e.write + e.timeout, e.status))
end
`;

export interface WrkResult {
  rps: number;
  bytesPerSecond: number;
  p50: number;
  p95: number;
  p99: number;
  /** Socket errors and timeouts plus answers of 4xx/5xx. */
  failed: number;
}

export interface WrkRun {
  /** http://host:port the paths are relative to. */
  base: string;
  /** Paths (with query strings), one per line. */
  paths: string[];
  connections: number;
  seconds: number;
  /** One header sent with every request, e.g. `Accept-Encoding: gzip`. */
  header?: string;
}

/** Runs Debian's wrk over a list of paths; threads = min(2, connections). */
export async function wrk(r: WrkRun): Promise<WrkResult> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'satupeta-wrk-'));
  try {
    const urls = path.join(dir, 'urls.txt');
    const lua = path.join(dir, 'rotate.lua');
    await fs.writeFile(urls, r.paths.join('\n'));
    await fs.writeFile(lua, LUA);
    const threads = Math.min(2, r.connections);
    const { stdout } = await run(
      WRK,
      [
        '-t',
        String(threads),
        '-c',
        String(r.connections),
        '-d',
        `${r.seconds}s`,
        '--timeout',
        '30s',
        '-s',
        lua,
        r.base,
      ],
      { env: { ...process.env, WRK_URLS: urls, WRK_HEADER: r.header ?? '' }, maxBuffer: 1 << 20 },
    );
    const j = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as Record<string, number>;
    const seconds = (j.duration_us ?? 1) / 1e6;
    return {
      rps: (j.requests ?? 0) / seconds,
      bytesPerSecond: (j.bytes ?? 0) / seconds,
      p50: (j.p50_us ?? 0) / 1000,
      p95: (j.p95_us ?? 0) / 1000,
      p99: (j.p99_us ?? 0) / 1000,
      failed: (j.errors ?? 0) + (j.status ?? 0),
    };
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

/** Median of a list (NaN when empty). */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/**
 * Runs `task` over `items` from `workers` concurrent loops, round and round, for `seconds`;
 * returns tasks finished per second (the replayed-SQL side of a wrk comparison).
 */
export async function runFor<T>(
  items: T[],
  workers: number,
  seconds: number,
  task: (item: T) => Promise<void>,
): Promise<number> {
  let next = 0;
  let done = 0;
  const started = performance.now();
  const until = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (performance.now() < until) {
        const item = items[next++ % items.length] as T;
        await task(item);
        done++;
      }
    }),
  );
  return done / ((performance.now() - started) / 1000);
}
