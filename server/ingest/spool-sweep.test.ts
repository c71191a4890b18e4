import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { spoolPrefix, sweepSpool } from './spool-sweep.js';

describe('sweepSpool', () => {
  it('removes spool files and work folders older than the bound, and nothing else', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'satupeta-sweep-test-'));
    try {
      const old = Date.now() / 1000 - 7 * 3600;
      for (const name of ['satupeta-upload-aaaa', 'satupeta-upload-bbbb', 'lain-lain.txt']) {
        await fs.writeFile(path.join(dir, name), 'x');
      }
      await fs.mkdir(path.join(dir, 'satupeta-ingest-cccc'));
      await fs.writeFile(path.join(dir, 'satupeta-ingest-cccc', 'part.shp'), 'x');
      for (const name of ['satupeta-upload-aaaa', 'satupeta-ingest-cccc', 'lain-lain.txt'])
        await fs.utimes(path.join(dir, name), old, old);
      expect(await sweepSpool(dir, 6 * 3600_000)).toBe(2);
      expect((await fs.readdir(dir)).sort()).toEqual(['lain-lain.txt', 'satupeta-upload-bbbb']);
      expect(await sweepSpool(path.join(dir, 'tidak-ada'), 1)).toBe(0);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('removes at once what a process of this host that has exited left, and keeps what a running one holds', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'satupeta-sweep-test-'));
    try {
      // A process id that has just exited: a child that ran and ended.
      const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
      const deadPid = Number(child.stdout.toString());
      const mine = `${spoolPrefix('upload')}aaaa`;
      const dead = mine.replace(`-p${process.pid}-`, `-p${deadPid}-`);
      const parent = mine.replace(`-p${process.pid}-`, `-p${process.ppid}-`);
      const otherHost = `satupeta-upload-hsomewhere-else-p${deadPid}-cccc`;
      for (const name of [mine, dead, parent, otherHost]) await fs.writeFile(path.join(dir, name), 'x');
      expect(await sweepSpool(dir, 6 * 3600_000)).toBe(1);
      expect((await fs.readdir(dir)).sort()).toEqual([mine, parent, otherHost].sort());
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
