import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { PactV4, v4AsynchronousBodyHandler } from '@pact-foundation/pact';
import { beforeAll, describe, expect, it } from 'vitest';
import { addBatchWebhookMessage, addSingleWebhookMessage, WEBHOOK_MESSAGES } from '../../../src/contract/pact/index.js';
import { runInQuietChild } from '../../../src/contract/pact/quiet-child.js';
import { parseWebhookBody, type ParsedWebhookBody } from '../../../src/contract/webhook-bodies.js';
import type { InteractionVerdict } from './mock-provider-tasks.js';

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

describe('the mock as the provider of the webhook messages', () => {
  it('sends bodies that honour both webhook messages', async () => {
    // In a child process, mock and receiver too: Pact's verifier prints its report to standard
    // output, and its message providers run where it runs (see mock-provider-tasks.ts).
    const { value } = await runInQuietChild<InteractionVerdict[]>({
      module: new URL('./mock-provider-tasks.ts', import.meta.url),
      export: 'verifyMockSendsWebhookMessages',
      input: { provider: PROVIDER, pactFile: PACT_FILE },
    });
    expect(value).toEqual([
      { description: WEBHOOK_MESSAGES.batch, result: 'OK' },
      { description: WEBHOOK_MESSAGES.single, result: 'OK' },
    ]);
  });
});
