import { rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { PactV4, providerWithMetadata, Verifier, v4AsynchronousBodyHandler } from '@pact-foundation/pact';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createImageFactoryClient } from '../../../src/contract/client.js';
import {
  addBatchWebhookMessage,
  addSingleWebhookMessage,
  WEBHOOK_MESSAGE_STATES,
  WEBHOOK_MESSAGES,
} from '../../../src/contract/pact/index.js';
import { verifySignature } from '../../../src/contract/signature.js';
import { parseWebhookBody, type ParsedWebhookBody } from '../../../src/contract/webhook-bodies.js';
import { startMock, type MockServer } from '../../../src/mock/server.js';

/**
 * The webhook bodies as messages: the kit's own body parser as the consumer, written from the
 * documented examples; then the mock as their provider, each message being a body the mock really
 * sent to a real local receiver during a real job.
 */

const PACT_DIR = fileURLToPath(new URL('../../../pacts/', import.meta.url));
const CONSUMER = 'imagefactory-webhook-consumer';
const PROVIDER = 'imagefactory';
const PACT_FILE = `${PACT_DIR}${CONSUMER}-${PROVIDER}.json`;

const pact = new PactV4({ consumer: CONSUMER, provider: PROVIDER, dir: PACT_DIR, logLevel: 'error' });

/** The consumer side: what a handler does with a body once its signature checked out. */
function handle(body: unknown): Promise<ParsedWebhookBody> {
  return Promise.resolve(parseWebhookBody(JSON.stringify(body)));
}

describe('the webhook body parser as a consumer of the webhook messages', () => {
  beforeAll(() => rm(PACT_FILE, { force: true }));

  it('reads the uuid and every key with its URL from a batch call', async () => {
    let parsed: ParsedWebhookBody | undefined;
    await addBatchWebhookMessage(pact).executeTest(
      v4AsynchronousBodyHandler(async (body) => {
        parsed = await handle(body);
      }),
    );
    expect(parsed).toEqual({
      kind: 'batch',
      body: {
        uuid: '9b2d8f4e-6a1c-4f3b-8d2e-5c7a9e1b3f60',
        output: [
          {
            key: 'order-1001',
            public_url: 'https://cdn.imagefactory.io/renders/0d9c0a52-2b7e-4f7e-9f3c-1e8d6b4a2c10.jpg',
          },
        ],
      },
    });
  });

  it('reads the uuid and the URL from a single-render call', async () => {
    let parsed: ParsedWebhookBody | undefined;
    await addSingleWebhookMessage(pact).executeTest(
      v4AsynchronousBodyHandler(async (body) => {
        parsed = await handle(body);
      }),
    );
    expect(parsed).toEqual({
      kind: 'single',
      body: {
        uuid: '9b2d8f4e-6a1c-4f3b-8d2e-5c7a9e1b3f60',
        public_url: 'https://imagefactory.io/storage/Xb3kP9qLmN2vR7tY1wZ8cD4fG6hJ0sA5eU3iO2pQ.jpg',
      },
    });
  });
});

interface ReceivedCall {
  raw: Buffer;
  signature: string | undefined;
}

/** A real webhook receiver on an ephemeral port: it keeps every raw body and answers 200. */
async function startReceiver(): Promise<{ url: string; calls: ReceivedCall[]; server: Server }> {
  const calls: ReceivedCall[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const signature = req.headers['signature'];
      calls.push({ raw: Buffer.concat(chunks), signature: Array.isArray(signature) ? signature[0] : signature });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/webhooks/imagefactory`, calls, server };
}

describe('the mock as the provider of the webhook messages', () => {
  let mock: MockServer;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;

  beforeAll(async () => {
    receiver = await startReceiver();
    mock = await startMock({
      port: 0,
      latency: 'instant',
      logLevel: 'silent',
      seed: 'pact-messages',
      webhookUrl: receiver.url,
    });
  });
  afterAll(async () => {
    await mock.close();
    await new Promise((resolve) => receiver.server.close(resolve));
  });

  /** Runs a real job on the mock and returns the raw body of its first webhook call. */
  async function firstCallOf(uuid: string): Promise<Buffer> {
    await mock.waitForJob(uuid);
    const call = receiver.calls.find((candidate) => candidate.raw.toString('utf8').includes(uuid));
    if (call === undefined) throw new Error(`the receiver got no webhook call for job ${uuid}`);
    // The message contract is about content; the bytes must still be the signed bytes.
    if (!verifySignature(call.raw, call.signature, mock.secret)) {
      throw new Error(`the webhook call for job ${uuid} does not carry a valid signature`);
    }
    return call.raw;
  }

  it('sends bodies that honour both webhook messages', async () => {
    const client = createImageFactoryClient({ baseUrl: mock.url, token: mock.token });
    // The raw bytes go back to Pact as sent, PHP escapes and all; Pact compares their JSON content.
    const asSent = (raw: () => Promise<Buffer>) =>
      providerWithMetadata(() => raw(), { contentType: 'application/json' });
    const verifier = new Verifier({
      provider: PROVIDER,
      pactUrls: [PACT_FILE],
      logLevel: 'error',
      stateHandlers: {
        [WEBHOOK_MESSAGE_STATES.batch]: async () => undefined,
        [WEBHOOK_MESSAGE_STATES.single]: async () => undefined,
      },
      messageProviders: {
        [WEBHOOK_MESSAGES.batch]: asSent(async () => {
          const { uuid } = await client.requestBatchRender({
            theme_id: 1,
            requests: [
              { key: 'order-1001', input_1: 'Summer sale' },
              { key: 'order-1002', input_1: 'Winter sale' },
            ],
          });
          return firstCallOf(uuid);
        }),
        [WEBHOOK_MESSAGES.single]: asSent(async () => {
          const { uuid } = await client.requestRender({ input_1: 'Summer sale', theme_id: 1, key: 'order-1001' });
          return firstCallOf(uuid);
        }),
      },
    });
    await expect(verifier.verifyProvider()).resolves.toBeDefined();
  });
});
