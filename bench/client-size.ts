import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { ROOT } from './support.js';

/**
 * npm run bench:client: gzip size of the JavaScript the viewer loads on the main thread (the
 * entry and the chunks it imports statically), and of MapLibre's worker, from client/dist.
 */
const dist = path.join(ROOT, 'client/dist');
const html = fs.readFileSync(path.join(dist, 'index.html'), 'utf8');
const refs = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.(?:js|css))"/g)].map((m) => m[1] as string);
const gz = (file: string) => gzipSync(fs.readFileSync(path.join(dist, file))).byteLength;
const js = refs.filter((r) => r.endsWith('.js'));
const css = refs.filter((r) => r.endsWith('.css'));
const worker = fs.readdirSync(path.join(dist, 'assets')).filter((f) => f.startsWith('maplibre-gl-worker'));
const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
console.log('| viewer asset (gzip) | size |\n|---|---|');
for (const f of [...js, ...css]) console.log(`| ${f} | ${kb(gz(f))} |`);
console.log(`| **main-thread JavaScript, total** (target ≤ 350 KB) | **${kb(js.reduce((n, f) => n + gz(f), 0))}** |`);
for (const f of worker)
  console.log(`| MapLibre worker (loaded by the worker thread) ${f} | ${kb(gz(`assets/${f}`))} |`);
