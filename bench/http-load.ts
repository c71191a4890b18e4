import http from 'node:http';

/**
 * A small closed-loop load generator: `connections` keep-alive connections, each sending the
 * next URL as soon as the previous answer is read. Returns requests per second and bytes.
 */
export async function load(
  urls: string[],
  connections: number,
  rounds: number,
): Promise<{ rps: number; seconds: number; bytes: number; statuses: Record<number, number> }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const queue = Array.from({ length: rounds }, () => urls).flat();
  const statuses: Record<number, number> = {};
  let bytes = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: connections }, async () => {
      for (let url = queue.shift(); url !== undefined; url = queue.shift()) {
        const { status, size } = await get(url, agent);
        statuses[status] = (statuses[status] ?? 0) + 1;
        bytes += size;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  return { rps: (rounds * urls.length) / seconds, seconds, bytes, statuses };
}

export function get(url: string, agent: http.Agent): Promise<{ status: number; size: number }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent, headers: { 'Accept-Encoding': 'identity' } }, (res) => {
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, size }));
      })
      .on('error', reject);
  });
}
