import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { PactV4 } from '@pact-foundation/pact';
import { beforeAll, describe, expect, it } from 'vitest';
import { createImageFactoryClient, ImageFactoryRequestError } from '../../../src/contract/client.js';
import {
  addBatchRenderAccepted,
  addRenderAccepted,
  addRenderNotAcceptable,
  addRenderUnauthenticated,
  addRenderValidationFailed,
} from '../../../src/contract/pact/index.js';
import { runInQuietChild } from '../../../src/contract/pact/quiet-child.js';
import type { InteractionVerdict } from './mock-provider-tasks.js';

/**
 * The kit's typed client as the consumer of the render API, written from the documented examples;
 * then the mock verified as the provider of the pact that wrote. Both halves live in one file
 * because the second reads what the first writes, and vitest runs one file's tests in order.
 */

const PACT_DIR = fileURLToPath(new URL('../../../pacts/', import.meta.url));
const CONSUMER = 'imagefactory-client';
const PROVIDER = 'imagefactory';
const PACT_FILE = `${PACT_DIR}${CONSUMER}-${PROVIDER}.json`;
const TOKEN = 'pact-example-token';
const MOCK_PROVIDER_TASKS = new URL('./mock-provider-tasks.ts', import.meta.url);

const pact = new PactV4({ consumer: CONSUMER, provider: PROVIDER, dir: PACT_DIR, logLevel: 'error' });

/** A fetch that rewrites the Accept header: the only way to make the (correct) client misbehave. */
const acceptingHtml: typeof fetch = (input, init) =>
  fetch(input, { ...init, headers: { ...(init?.headers as Record<string, string>), Accept: 'text/html' } });

async function rejectionOf(promise: Promise<unknown>): Promise<ImageFactoryRequestError> {
  const error: unknown = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!(error instanceof ImageFactoryRequestError)) throw new Error(`expected an ImageFactoryRequestError, got ${String(error)}`);
  return error;
}

describe('the typed client as a consumer of the render API', () => {
  // Pact merges into an existing file: start clean so that a renamed interaction does not linger.
  beforeAll(() => rm(PACT_FILE, { force: true }));

  it('gets a uuid and the token webhook URL when a batch render is accepted', async () => {
    await addBatchRenderAccepted(pact).executeTest(async (server) => {
      const client = createImageFactoryClient({ baseUrl: server.url, token: TOKEN });
      const answer = await client.requestBatchRender({
        theme_id: 1,
        requests: [
          { key: 'order-1001', input_1: 'Summer sale', input_2: 'Up to 50% off' },
          { key: 'order-1002', input_1: 'Winter sale' },
        ],
      });
      expect(answer).toEqual({
        success: true,
        uuid: '9b2d8f4e-6a1c-4f3b-8d2e-5c7a9e1b3f60',
        webhook_url: 'https://app.example.com/webhooks/imagefactory',
      });
    });
  });

  it('gets a uuid when a single render is accepted', async () => {
    await addRenderAccepted(pact).executeTest(async (server) => {
      const client = createImageFactoryClient({ baseUrl: server.url, token: TOKEN });
      const answer = await client.requestRender({ input_1: 'Summer sale', theme_id: 1, key: 'order-1001' });
      expect(answer).toEqual({
        success: true,
        uuid: '9b2d8f4e-6a1c-4f3b-8d2e-5c7a9e1b3f60',
        webhook_url: 'https://app.example.com/webhooks/imagefactory',
      });
    });
  });

  it('throws an unauthenticated error when the batch token is unknown', async () => {
    await addRenderUnauthenticated(pact).executeTest(async (server) => {
      const client = createImageFactoryClient({ baseUrl: server.url, token: 'not-a-known-token' });
      const error = await rejectionOf(
        client.requestBatchRender({
          theme_id: 1,
          requests: [
            { key: 'order-1001', input_1: 'Summer sale', input_2: 'Up to 50% off' },
            { key: 'order-1002', input_1: 'Winter sale' },
          ],
        }),
      );
      expect(error).toMatchObject({
        kind: 'unauthenticated',
        status: 401,
        message: 'Unauthenticated.',
        endpoint: 'POST /api/request-batch-render',
        body: { message: 'Unauthenticated.' },
      });
    });
  });

  it('throws an unauthenticated error when the single-render token is unknown', async () => {
    await addRenderUnauthenticated(pact, { endpoint: 'single' }).executeTest(async (server) => {
      const client = createImageFactoryClient({ baseUrl: server.url, token: 'not-a-known-token' });
      const error = await rejectionOf(client.requestRender({ input_1: 'Summer sale', theme_id: 1, key: 'order-1001' }));
      expect(error).toMatchObject({ kind: 'unauthenticated', status: 401, message: 'Unauthenticated.' });
    });
  });

  it('throws a not-acceptable error when something on the way sends Accept: text/html', async () => {
    await addRenderNotAcceptable(pact).executeTest(async (server) => {
      const client = createImageFactoryClient({ baseUrl: server.url, token: TOKEN, fetch: acceptingHtml });
      const error = await rejectionOf(
        client.requestBatchRender({
          theme_id: 1,
          requests: [
            { key: 'order-1001', input_1: 'Summer sale', input_2: 'Up to 50% off' },
            { key: 'order-1002', input_1: 'Winter sale' },
          ],
        }),
      );
      expect(error).toMatchObject({ kind: 'not-acceptable', status: 406, message: 'Not Acceptable.' });
    });
  });

  it('throws a validation error with every field message when the batch body is empty', async () => {
    await addRenderValidationFailed(pact).executeTest(async (server) => {
      const client = createImageFactoryClient({ baseUrl: server.url, token: TOKEN });
      // The documented 422 example: a body with neither requests nor theme_id.
      const error = await rejectionOf(client.requestBatchRender({} as never));
      expect(error).toMatchObject({
        kind: 'validation',
        status: 422,
        message: 'The requests field is required. (and 1 more error)',
        errors: {
          requests: ['The requests field is required.'],
          theme_id: ['The theme id field is required.'],
        },
      });
    });
  });

  it('throws a validation error naming key when a single render has none', async () => {
    await addRenderValidationFailed(pact, { endpoint: 'single' }).executeTest(async (server) => {
      const client = createImageFactoryClient({ baseUrl: server.url, token: TOKEN });
      const error = await rejectionOf(client.requestRender({ input_1: 'Summer sale', theme_id: 1 } as never));
      expect(error).toMatchObject({
        kind: 'validation',
        status: 422,
        message: 'The key field is required.',
        errors: { key: ['The key field is required.'] },
      });
    });
  });
});

describe('the mock as the provider of the render API pact', () => {
  it('honours every interaction the client pact holds', async () => {
    // In a child process: Pact's verifier prints its report to standard output (see quiet-child.ts).
    const { value } = await runInQuietChild<InteractionVerdict[]>({
      module: MOCK_PROVIDER_TASKS,
      export: 'verifyMockHonoursPact',
      input: { provider: PROVIDER, pactUrls: [PACT_FILE] },
    });
    expect(value).toEqual(
      [
        'a batch render request that does not accept JSON',
        'a batch render request with an unknown token',
        'a request for a batch render',
        'a request for a single render',
        'a single render request with an unknown token',
        'an invalid batch render request',
        'an invalid single render request',
      ].map((description) => ({ description, result: 'OK' })),
    );
  });
});
