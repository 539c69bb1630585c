/**
 * An ImageFactory webhook handler, written as an app would write it: plain node:http, no framework,
 * no dependency beyond node:crypto. Copy what you need.
 *
 * What it gets right, and why:
 * 1. It verifies the `Signature` header (hex HMAC-SHA256 of the body with the webhook signing secret)
 *    over the RAW body bytes, before parsing. ImageFactory writes JSON as PHP does (`https:\/\/…`,
 *    `caf\u00e9`); a parsed and re-serialised body is different bytes with a different HMAC.
 * 2. It compares in constant time (crypto.timingSafeEqual), and answers 401 to a bad or missing
 *    signature, so a forged delivery is refused and not retried.
 * 3. It is idempotent per (uuid, key): ImageFactory retries, so the same call can arrive twice;
 *    a render already recorded is acknowledged again and not recorded twice.
 * 4. It acknowledges fast with 200: a delivery not answered within 3 s counts as failed and is
 *    sent again. Real work (downloading the image, updating your database) belongs after the answer.
 *
 * Exported, and kept stable because tests and the Pact provider verification use them:
 * - `startWebhookHandler(options)`: starts the handler; resolves to `{ url, received, close }`.
 * - `WebhookHandlerOptions`, `RunningWebhookHandler`, `ReceivedRender`: its types.
 * - `WEBHOOK_HANDLER_FLAWS` and `WebhookHandlerFlaw`: the deliberately broken variants
 *   (see examples/broken-webhook-handlers.ts), selected with `flaw`, used to test check-handler.
 *
 * @example
 * const handler = await startWebhookHandler({ secret: process.env.IMAGEFACTORY_WEBHOOK_SECRET!, port: 3000 });
 * console.log(`give ImageFactory this webhook URL: ${handler.url}`);
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { brokenSteps, type WebhookHandlerFlaw } from './broken-webhook-handlers.js';

export { WEBHOOK_HANDLER_FLAWS, type WebhookHandlerFlaw } from './broken-webhook-handlers.js';

/** A render the handler has recorded: `key` is `null` for a single-render delivery. */
export interface ReceivedRender {
  uuid: string;
  key: string | null;
  publicUrl: string;
}

export interface WebhookHandlerOptions {
  /** The webhook signing secret shown when the API token was created. */
  secret: string;
  /** [default: 0, an ephemeral port] */
  port?: number;
  /** [default: '127.0.0.1'] */
  host?: string;
  /** [default: '/webhooks/imagefactory'] */
  path?: string;
  /** A deliberately broken variant, for testing check-handler. [default: none, the correct handler] */
  flaw?: WebhookHandlerFlaw;
  /**
   * For `flaw: 'slow-ack'`: the work done before answering. [default: waits until `close()`, i.e. it
   * never answers in time]
   */
  slowWork?: () => Promise<void>;
}

export interface RunningWebhookHandler {
  /** The full webhook URL, e.g. `http://127.0.0.1:41234/webhooks/imagefactory`. */
  url: string;
  /** Every render recorded, once each, in the order they arrived. */
  received: ReceivedRender[];
  /** Stops listening and drops open connections (including a slow-ack's pending ones). */
  close(): Promise<void>;
}

/**
 * The three decisions a handler makes. The correct ones are below; the broken variants in
 * broken-webhook-handlers.ts each replace one of them.
 */
export interface HandlerSteps {
  /** Is this the genuine signature of these exact bytes? */
  signatureIsValid(rawBody: Buffer, signatureHeader: string | undefined): boolean;
  /** What to answer for a delivery whose renders were all recorded before. */
  duplicateStatus: number;
  /** Work done before answering (the right amount is none). */
  beforeAck(): Promise<void>;
}

const DEFAULTS = { port: 0, host: '127.0.0.1', path: '/webhooks/imagefactory' } as const;

/** Webhook bodies are small; a cap keeps a bogus client from filling memory. 1000 outputs is ~150 kB. */
const MAX_BODY_BYTES = 5 * 1024 * 1024;

/** The correct decisions: verify over the raw bytes in constant time; acknowledge duplicates; no waiting. */
export function correctSteps(secret: string): HandlerSteps {
  return {
    signatureIsValid: (rawBody, signatureHeader) => verifySignature(rawBody, signatureHeader, secret),
    duplicateStatus: 200,
    beforeAck: async () => {},
  };
}

/** hex HMAC-SHA256 of the raw bytes, compared in constant time; a missing or malformed header is invalid. */
export function verifySignature(rawBody: Buffer, signatureHeader: string | undefined, secret: string): boolean {
  const given = (signatureHeader ?? '').trim().toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(given)) return false;
  const expected = createHmac('sha256', secret).update(rawBody).digest();
  return timingSafeEqual(Buffer.from(given, 'hex'), expected);
}

/** Starts the handler. See the top of this file for what it does and why. */
export async function startWebhookHandler(options: WebhookHandlerOptions): Promise<RunningWebhookHandler> {
  const { port, host, path } = { ...DEFAULTS, ...withoutUndefined(options) };
  const closing = new AbortController();
  const slowWork = options.slowWork ?? (() => untilAborted(closing.signal));
  const correct = correctSteps(options.secret);
  const steps = options.flaw === undefined ? correct : brokenSteps(options.flaw, correct, slowWork);

  const received: ReceivedRender[] = [];
  const seen = new Set<string>();

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (new URL(request.url ?? '/', 'http://localhost').pathname !== path) return reply(response, 404, { message: 'Not found.' });
    if (request.method !== 'POST') return reply(response, 405, { message: 'Use POST.' });

    const rawBody = await readBody(request);
    if (rawBody === null) return reply(response, 413, { message: `Body larger than ${MAX_BODY_BYTES} bytes.` });

    // 1. The signature, over the bytes exactly as they arrived, before anything else.
    if (!steps.signatureIsValid(rawBody, header(request, 'signature'))) {
      return reply(response, 401, { message: 'Invalid signature.' });
    }

    // 2. Only now parse. A genuine body that does not parse is a bug on the sender's side: 400.
    const renders = parseRenders(rawBody);
    if (renders === null) return reply(response, 400, { message: 'Not an ImageFactory webhook body.' });

    // 3. Idempotent per (uuid, key): record what is new, acknowledge everything.
    const fresh = renders.filter((render) => !seen.has(`${render.uuid}\u0000${render.key ?? ''}`));
    for (const render of fresh) {
      seen.add(`${render.uuid}\u0000${render.key ?? ''}`);
      received.push(render);
    }

    await steps.beforeAck();
    if (closing.signal.aborted) return void response.destroy();
    if (fresh.length === 0) return reply(response, steps.duplicateStatus, { received: 0, duplicate: true });
    // 4. Answer now; a real app would hand `fresh` to a queue here and download the images there.
    reply(response, 200, { received: fresh.length });
  }

  const server = createServer((request, response) => {
    handle(request, response).catch(() => {
      if (!response.headersSent) reply(response, 500, { message: 'Internal error.' });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const hostInUrl = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  return {
    url: `http://${hostInUrl}:${address.port}${path}`,
    received,
    close: async () => {
      closing.abort();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The renders a body carries, or null when it is neither documented shape. */
function parseRenders(rawBody: Buffer): ReceivedRender[] | null {
  let body: unknown;
  try {
    body = JSON.parse(rawBody.toString('utf8'));
  } catch {
    return null;
  }
  if (typeof body !== 'object' || body === null) return null;
  const { uuid, output, public_url: publicUrl } = body as Record<string, unknown>;
  if (typeof uuid !== 'string') return null;
  if (Array.isArray(output)) {
    const renders = output.map((item: unknown) => {
      const { key, public_url: url } = (item ?? {}) as Record<string, unknown>;
      return typeof key === 'string' && typeof url === 'string' ? { uuid, key, publicUrl: url } : null;
    });
    return renders.every((render) => render !== null) ? (renders as ReceivedRender[]) : null;
  }
  return typeof publicUrl === 'string' ? [{ uuid, key: null, publicUrl }] : null;
}

async function readBody(request: IncomingMessage): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return null;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function header(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function reply(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
}

function untilAborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as Partial<T>;
}
