import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../server/db/database.js';

/** Field 22 of /proc/<pid>/stat: when the process started, in clock ticks after boot. */
async function startTime(pid: number): Promise<string> {
  const stat = await fs.readFile(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? '';
}

// The lock of an embedded data folder names its holder by process id and start time. Both cases
// open the folder itself; they need no database server.
describe('the embedded data folder lock', () => {
  let other: ChildProcess;
  let dir = '';

  beforeAll(async () => {
    other = spawn('sleep', ['600'], { stdio: 'ignore' });
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'satupeta-lock-'));
  });

  afterAll(async () => {
    other.kill();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('refuses a folder whose lock names a running process by its id and start time', async () => {
    const pid = other.pid ?? 0;
    await fs.writeFile(path.join(dir, 'satupeta.lock'), `${pid} ${await startTime(pid)}`);
    await expect(openDatabase({ dataDir: dir, poolMax: 1 })).rejects.toThrow(`in use by process ${pid}`);
  });

  it('takes over a lock whose process id now belongs to a process that started later', async () => {
    const pid = other.pid ?? 0;
    await fs.writeFile(path.join(dir, 'satupeta.lock'), `${pid} 1`);
    const db = await openDatabase({ dataDir: dir, poolMax: 1 });
    try {
      const lock = await fs.readFile(path.join(dir, 'satupeta.lock'), 'utf8');
      expect(lock).toBe(`${process.pid} ${await startTime(process.pid)}`);
    } finally {
      await db.close();
    }
    await expect(fs.access(path.join(dir, 'satupeta.lock'))).rejects.toThrow();
  }, 120_000);
});
