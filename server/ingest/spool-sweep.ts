import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/** Names of what uploads leave in the temp folder while they run (receive.ts, ingest-service.ts). */
const SPOOL = /^satupeta-(upload|ingest)-/;
/** The owner part of a spool name: host and process id (`satupeta-upload-h<host>-p<pid>-…`). */
const OWNER = /^satupeta-(?:upload|ingest)-h([a-z0-9-]{1,40})-p(\d{1,10})-/;

function host(): string {
  return (
    os
      .hostname()
      .toLowerCase()
      .replace(/[^a-z0-9-]/g, '-')
      .slice(0, 40) || 'host'
  );
}

/** The start of a spool file's or work folder's name: says which process on which host made it. */
export function spoolPrefix(kind: 'upload' | 'ingest'): string {
  return `satupeta-${kind}-h${host()}-p${process.pid}-`;
}

/** A process of this host that is no longer running (its spool is a crash's leftover). */
function gone(name: string): boolean {
  const m = OWNER.exec(name);
  if (!m || m[1] !== host() || Number(m[2]) === process.pid) return false;
  try {
    process.kill(Number(m[2]), 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/**
 * Removes upload spool files and work folders that a crashed or killed process left behind:
 * those whose owner (named in the file name) was a process of this host that is no longer
 * running, at once, and any older than `maxAgeMs` (a folder shared between hosts, older names).
 * Anything else may belong to an upload running in another process, so it stays. Returns how
 * many entries were removed.
 */
export async function sweepSpool(dir: string, maxAgeMs: number, now = Date.now()): Promise<number> {
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch {
    return 0;
  }
  let removed = 0;
  for (const name of names) {
    if (!SPOOL.test(name)) continue;
    const full = path.join(dir, name);
    try {
      const stat = await fs.stat(full);
      if (now - stat.mtimeMs < maxAgeMs && !gone(name)) continue;
      await fs.rm(full, { recursive: true, force: true });
      removed += 1;
    } catch {
      // Gone meanwhile (another process swept it, or its upload finished): nothing to do.
    }
  }
  return removed;
}
