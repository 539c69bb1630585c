import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A lean webhook receiver for benchmarks: answers 200 and counts the keys it was sent. */
export async function startCountingReceiver(): Promise<{ url: string; keys: () => number; calls: () => number; close: () => Promise<void> }> {
  let keys = 0;
  let calls = 0;
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { output?: unknown[] };
      keys += body.output?.length ?? 1;
      calls += 1;
      response.writeHead(200).end();
    });
  });
  server.keepAliveTimeout = 10_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    keys: () => keys,
    calls: () => calls,
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
