// `npm start` runs this before the server: it builds (npm run build) only when a source is newer
// than the last build, so a second start is the server's own start-up, not a 10 s rebuild.
// Plain JavaScript on purpose: it must run before anything is compiled, in milliseconds.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const STAMP = path.join(root, 'dist', '.build-stamp');
/** What the build reads: the compiled folders, the client, and the files that steer both. */
const INPUTS = [
  'server',
  'migrations',
  'fixtures',
  'scripts',
  'client',
  'package.json',
  'package-lock.json',
  'tsconfig.json',
  'tsconfig.build.json',
  'vite.config.ts',
];
const SKIP = new Set([path.join(root, 'client', 'dist'), path.join(root, 'node_modules')]);

/** Every file under `p` with its modification time (folders only recurse: the build rewrites client/dist). */
function walk(p, out) {
  if (SKIP.has(p)) return;
  let stat;
  try {
    stat = fs.statSync(p);
  } catch {
    return;
  }
  if (stat.isDirectory()) for (const name of fs.readdirSync(p).sort()) walk(path.join(p, name), out);
  else out.push([path.relative(root, p), stat.mtimeMs]);
}

/** The stamp's mtime and its content (a hash of the file list, so a deleted or added file rebuilds too). */
function lastBuild() {
  try {
    if (!fs.existsSync(path.join(root, 'client', 'dist', 'index.html'))) return null;
    if (!fs.existsSync(path.join(root, 'dist', 'server', 'main.js'))) return null;
    return { at: fs.statSync(STAMP).mtimeMs, files: fs.readFileSync(STAMP, 'utf8').trim() };
  } catch {
    return null;
  }
}

const files = [];
for (const p of INPUTS) walk(path.join(root, p), files);
const newestSource = Math.max(...files.map(([, mtime]) => mtime));
const fileList = createHash('sha256')
  .update(files.map(([name]) => name).join('\n'))
  .digest('hex');
const built = lastBuild();
if (process.argv.includes('--stamp')) {
  // `npm run build` ends here: it just built everything, so the next start need not.
  fs.writeFileSync(STAMP, `${fileList}\n`);
} else if (built && newestSource <= built.at && built.files === fileList) {
  console.log('build is current (no source changed since dist/.build-stamp); not rebuilding');
} else {
  const startedAt = Date.now();
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const run = spawnSync(npm, ['run', 'build'], { cwd: root, stdio: 'inherit' });
  if (run.status !== 0) process.exit(run.status ?? 1);
  // Stamped with the time the build started: a source saved during the build triggers the next one.
  fs.writeFileSync(STAMP, `${fileList}\n`);
  const t = new Date(startedAt);
  fs.utimesSync(STAMP, t, t);
}
