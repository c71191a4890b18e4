import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './ports.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const NGINX = '/usr/sbin/nginx';

/** Debian's nginx is installed (CI installs it; a laptop may not have it). */
export const hasNginx = existsSync(NGINX);

export interface Nginx {
  url: string;
  stop(): Promise<void>;
}

export interface NginxOptions {
  port?: number;
  /** false: the same configuration with its cache switched off (a plain balancer, for comparison). */
  cache?: boolean;
  /** nginx worker_processes (1 unless said). */
  workers?: number;
  /** nginx worker_connections (a client and an upstream connection each). */
  connections?: number;
  /** More lines for the server block, before its locations (a benchmark's FastCGI peer). */
  extra?: string;
}

/**
 * Debian's nginx on a loopback port with the shipped `deploy/nginx/satupeta.conf`, only its
 * "deployment:" lines replaced: the upstream servers, the listen port and the cache folder.
 */
export async function startNginx(upstreams: string[], options: NginxOptions = {}): Promise<Nginx> {
  let port = options.port;
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'satupeta-nginx-'));
  port ??= await freePort();
  const shipped = await fs.readFile(path.join(ROOT, 'deploy/nginx/satupeta.conf'), 'utf8');
  const servers = upstreams.map((u) => `    server ${u} max_fails=1 fail_timeout=2s;`);
  const lines: string[] = [];
  let serversWritten = false;
  for (const line of shipped.split('\n')) {
    if (options.extra && line.trim() === 'location / {') lines.push(`    ${options.extra}`, line);
    else if (options.cache === false && line.trim() === 'proxy_cache satupeta;') lines.push('    proxy_cache off;');
    else if (!line.includes('# deployment:')) lines.push(line);
    else if (line.trimStart().startsWith('proxy_cache_path'))
      lines.push(
        `proxy_cache_path ${dir}/cache levels=1:2 keys_zone=satupeta:10m max_size=256m inactive=1h use_temp_path=off;`,
      );
    else if (line.trimStart().startsWith('server ')) {
      if (!serversWritten) lines.push(...servers);
      serversWritten = true;
    } else if (line.trimStart().startsWith('listen')) lines.push(`    listen 127.0.0.1:${port};`);
    else throw new Error(`unknown deployment line in satupeta.conf: ${line}`);
  }
  await fs.writeFile(path.join(dir, 'satupeta.conf'), lines.join('\n'));
  await fs.writeFile(
    path.join(dir, 'nginx.conf'),
    [
      process.getuid?.() === 0 ? 'user root;' : '',
      `worker_processes ${options.workers ?? 1};`,
      'daemon off;',
      `pid ${dir}/nginx.pid;`,
      `error_log ${dir}/error.log warn;`,
      `events { worker_connections ${options.connections ?? 1024}; }`,
      'http {',
      '  access_log off;',
      ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `  ${t}_temp_path ${dir}/${t}-temp;`),
      `  include ${dir}/satupeta.conf;`,
      '}',
    ].join('\n'),
  );
  const child: ChildProcess = spawn(NGINX, ['-p', dir, '-c', path.join(dir, 'nginx.conf')], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`nginx exited: ${stderr}`);
    if (await listening(port)) break;
    if (i > 200) throw new Error(`nginx did not listen: ${stderr}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}
