import fs from 'node:fs/promises';
import path from 'node:path';

/** Names of what uploads leave in the temp folder while they run (receive.ts, ingest-service.ts). */
const SPOOL = /^satupeta-(upload|ingest)-/;

/**
 * Removes upload spool files and work folders older than `maxAgeMs`: what a crashed or killed
 * process left behind. Anything younger may belong to an upload running in another process
 * sharing the folder, so it stays. Returns how many entries were removed.
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
      if (now - stat.mtimeMs < maxAgeMs) continue;
      await fs.rm(full, { recursive: true, force: true });
      removed += 1;
    } catch {
      // Gone meanwhile (another process swept it, or its upload finished): nothing to do.
    }
  }
  return removed;
}
