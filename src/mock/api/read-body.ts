import type { IncomingMessage } from 'node:http';
import type { Context } from 'hono';
import { ApiError } from './errors.js';

function tooLarge(maxBytes: number): ApiError {
  return new ApiError(413, `Payload Too Large: the body is over ${maxBytes} bytes, the mock's cap.`, {
    hint: `Split the batch, or raise the cap with --max-body-bytes (current ${maxBytes}).`,
  });
}

/**
 * Reads a request body as UTF-8 text, refusing more than `maxBytes` with a 413 before or while
 * reading. Under @hono/node-server it reads Node's own stream: the Web-stream path of
 * `c.req.text()` (and of hono/body-limit, which wraps it) cost a quarter of the throughput in
 * the API benchmark. Elsewhere (`app.request()` in tests, other runtimes) it uses `c.req`.
 */
export async function readBodyText(c: Context, maxBytes: number): Promise<string> {
  const declared = Number(c.req.header('Content-Length'));
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge(maxBytes);
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  if (!incoming || typeof incoming.on !== 'function') {
    const text = await c.req.text();
    if (Buffer.byteLength(text) > maxBytes) throw tooLarge(maxBytes);
    return text;
  }
  const chunks: Buffer[] = [];
  let received = 0;
  for await (const chunk of incoming as AsyncIterable<Buffer>) {
    received += chunk.length;
    if (received > maxBytes) throw tooLarge(maxBytes);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, received).toString('utf8');
}
