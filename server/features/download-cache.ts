import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';

/**
 * Built download files kept on disk by key (layer, data version, options): the second download
 * of the same version costs a file read. Builds of one key are shared (single-flight); a build
 * writes to a temporary name and renames, so a half-built file is never served; past the size
 * bound the least recently used files are removed.
 */
export class DownloadCache {
  private readonly building = new Map<string, Promise<{ file: string; size: number }>>();

  constructor(private readonly options: { dir: string; maxBytes: number }) {}

  async get(key: string, build: (file: string) => Promise<void>): Promise<{ file: string; size: number }> {
    const file = path.join(this.options.dir, key);
    const found = await fs.stat(file).catch(() => null);
    if (found) {
      const now = new Date();
      await fs.utimes(file, now, now).catch(() => undefined);
      return { file, size: found.size };
    }
    let pending = this.building.get(key);
    if (!pending) {
      pending = this.make(file, build).finally(() => this.building.delete(key));
      this.building.set(key, pending);
    }
    return pending;
  }

  private async make(file: string, build: (file: string) => Promise<void>): Promise<{ file: string; size: number }> {
    await fs.mkdir(this.options.dir, { recursive: true });
    const temp = `${file}.${randomBytes(4).toString('hex')}.part`;
    try {
      await build(temp);
      await fs.rename(temp, file);
    } finally {
      await fs.rm(temp, { force: true });
    }
    const { size } = await fs.stat(file);
    await this.evict(file);
    return { file, size };
  }

  /** Removes the least recently used finished files until the folder fits its bound (never `keep`). */
  private async evict(keep: string): Promise<void> {
    const names = (await fs.readdir(this.options.dir)).filter((n) => !n.endsWith('.part'));
    const files = await Promise.all(
      names.map(async (n) => {
        const p = path.join(this.options.dir, n);
        const st = await fs.stat(p).catch(() => null);
        return st ? { p, size: st.size, used: st.mtimeMs } : null;
      }),
    );
    const live = files.filter((f): f is NonNullable<typeof f> => f !== null).sort((a, b) => a.used - b.used);
    let total = live.reduce((a, f) => a + f.size, 0);
    for (const f of live) {
      if (total <= this.options.maxBytes) break;
      if (f.p === keep) continue;
      await fs.rm(f.p, { force: true });
      total -= f.size;
    }
  }
}
