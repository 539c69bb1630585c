import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { PactV4, Verifier } from '@pact-foundation/pact';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createImageFactoryClient, ImageFactoryRequestError } from '../../../src/contract/client.js';
import {
  addBatchRenderAccepted,
  addRenderAccepted,
  addRenderNotAcceptable,
  addRenderUnauthenticated,
  addRenderValidationFailed,
  mockStateHandlers,
} from '../../../src/contract/pact/index.js';
import { startMock, type MockServer } from '../../../src/mock/server.js';

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
  let mock: MockServer;

  beforeAll(async () => {
    // The tokens' webhook URLs are example hosts: accept the deliveries without a network.
    const deliveredNowhere: typeof fetch = async () => new Response(null, { status: 204 });
    mock = await startMock(
      { port: 0, latency: 'instant', logLevel: 'silent', seed: 'pact', webhookUrl: null },
      { fetch: deliveredNowhere },
    );
  });
  afterAll(() => mock.close());

  it('honours every interaction the client pact holds', async () => {
    const verifier = new Verifier({
      provider: PROVIDER,
      providerBaseUrl: mock.url,
      pactUrls: [PACT_FILE],
      logLevel: 'error',
      stateHandlers: mockStateHandlers(mock),
    });
    await expect(verifier.verifyProvider()).resolves.toBeDefined();
  });
});
