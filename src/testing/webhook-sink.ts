import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { verifySignature } from '../contract/signature.js';
import { parseWebhookBody, type ParsedWebhookBody } from '../contract/webhook-bodies.js';

/**
 * A real local receiver of webhooks for tests: it keeps the raw bytes of every call, checks the
 * `Signature` header over exactly those bytes, parses the PHP-style body, and answers as told,
 * including the faults a real handler shows (errors, hangs, connection resets).
 */

export interface SinkDelivery {
  /** 1-based, in arrival order. */
  sequence: number;
  receivedAt: number;
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  rawBody: string;
  /** Whether `Signature` is the HMAC-SHA256 of the raw body with the sink's secret. */
  signatureValid: boolean;
  /** The parsed body, or the parser's complaint. */
  parsed: ParsedWebhookBody | { kind: 'invalid'; error: string };
  /** What the sink answered; null when it hung or reset the connection. */
  answeredStatus: number | null;
}

/** How the sink answers one call. */
export type SinkAnswer = { status: number; body?: string } | 'hang' | 'reset';

export interface WebhookSinkOptions {
  /** The signing secret to check signatures with. */
  secret: string;
  /** [path="/webhooks/imagefactory"] */
  path?: string;
  /**
   * [respond: 200 for a valid signature, 401 otherwise] Decides each answer; a correct handler's
   * behaviour is the default.
   */
  respond?: (delivery: SinkDelivery) => SinkAnswer | Promise<SinkAnswer>;
}

export interface WebhookSink {
  /** The full URL to give the mock as a webhook URL. */
  url: string;
  readonly deliveries: readonly SinkDelivery[];
  /** Deliveries with a valid signature, parsed: what a correct handler would have accepted. */
  genuine(): SinkDelivery[];
  /** Every key the sink acknowledged (2xx), with how many times it came. */
  keyCounts(): Map<string, number>;
  /** Every key the sink acknowledged, once per time: what `assertJobHandled` takes as `received`. */
  received(): string[];
  close(): Promise<void>;
}

const correctHandler = (delivery: SinkDelivery): SinkAnswer =>
  delivery.signatureValid ? { status: 200, body: '{"ok":true}' } : { status: 401, body: '{"message":"Invalid signature."}' };

function parse(raw: string): SinkDelivery['parsed'] {
  try {
    return parseWebhookBody(raw);
  } catch (error) {
    return { kind: 'invalid', error: (error as Error).message };
  }
}

/**
 * Starts a sink on 127.0.0.1 on a free port.
 *
 * @example
 * const sink = await startWebhookSink({ secret: mock.secret });
 * mock.addToken({ name: 'test', webhookUrl: sink.url, token: 't', secret: mock.secret });
 */
export async function startWebhookSink(options: WebhookSinkOptions): Promise<WebhookSink> {
  const path = options.path ?? '/webhooks/imagefactory';
  const respond = options.respond ?? correctHandler;
  const deliveries: SinkDelivery[] = [];
  const hanging = new Set<ServerResponse>();
  const sockets = new Set<Socket>();

  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', async () => {
      const rawBody = Buffer.concat(chunks).toString('utf8');
      const signature = request.headers.signature;
      const delivery: SinkDelivery = {
        sequence: deliveries.length + 1,
        receivedAt: Date.now(),
        method: request.method ?? '',
        path: request.url ?? '',
        headers: request.headers,
        rawBody,
        signatureValid: verifySignature(rawBody, Array.isArray(signature) ? signature[0] : signature, options.secret),
        parsed: parse(rawBody),
        answeredStatus: null,
      };
      deliveries.push(delivery);
      const answer = request.url === path ? await respond(delivery) : { status: 404, body: '{"message":"Not Found"}' };
      if (answer === 'hang') {
        hanging.add(response);
        return;
      }
      if (answer === 'reset') {
        request.socket.destroy();
        return;
      }
      delivery.answeredStatus = answer.status;
      response.writeHead(answer.status, { 'Content-Type': 'application/json' }).end(answer.body ?? '');
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  // What the sink acknowledged is what it "stored": with a custom `respond` that accepts forged
  // calls, their keys show up here, just as they would in a broken handler's table.
  const received = () =>
    deliveries.flatMap((delivery) =>
      delivery.answeredStatus !== null && delivery.answeredStatus >= 200 && delivery.answeredStatus < 300 && delivery.parsed.kind === 'batch'
        ? delivery.parsed.body.output.map((output) => output.key)
        : [],
    );
  return {
    url: `http://127.0.0.1:${port}${path}`,
    deliveries,
    genuine: () => deliveries.filter((delivery) => delivery.signatureValid && delivery.parsed.kind !== 'invalid'),
    received,
    keyCounts: () => {
      const counts = new Map<string, number>();
      for (const key of received()) counts.set(key, (counts.get(key) ?? 0) + 1);
      return counts;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const response of hanging) response.destroy();
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
