import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { PactV4 } from '@pact-foundation/pact';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startWebhookHandler, type RunningWebhookHandler, type WebhookHandlerFlaw } from '../../../examples/webhook-handler.js';
import {
  verifyWebhookHandler,
  WEBHOOK_DELIVERY_EXAMPLES,
  WEBHOOK_DELIVERY_PACT,
  WEBHOOK_DELIVERY_PACT_FILE,
  WEBHOOK_DELIVERY_STATES,
  WebhookHandlerVerificationError,
} from '../../../src/contract/pact/index.js';
import { addWebhookDelivery, sendWebhookExample } from '../../../src/contract/pact/webhook-deliveries.js';

/**
 * The webhook-delivery pact (ImageFactory's sender against a handler), written from the documented
 * bodies; then `verifyWebhookHandler` replaying it against the example handler, correct and broken.
 */

const PACT_DIR = fileURLToPath(new URL('../../../pacts/', import.meta.url));
const PACT_FILE = `${PACT_DIR}${WEBHOOK_DELIVERY_PACT_FILE}`;
const SECRET = 'whsec_contract-test-secret';

describe("ImageFactory's webhook sender as the consumer of a webhook handler", () => {
  const pact = new PactV4({
    consumer: WEBHOOK_DELIVERY_PACT.consumer,
    provider: WEBHOOK_DELIVERY_PACT.provider,
    dir: PACT_DIR,
    logLevel: 'error',
  });

  beforeAll(() => rm(PACT_FILE, { force: true }));

  for (const example of WEBHOOK_DELIVERY_EXAMPLES) {
    const answer = example.expect === 'success' ? 200 : 401;
    it(`gets ${answer} for ${example.description}`, async () => {
      await addWebhookDelivery(pact, example).executeTest(async (server) => {
        expect(await sendWebhookExample(server.url, example)).toBe(answer);
      });
    });
  }
});

describe('verifyWebhookHandler', () => {
  let handler: RunningWebhookHandler | undefined;
  afterEach(async () => {
    await handler?.close();
    handler = undefined;
  });

  async function start(options: { secret?: string; flaw?: WebhookHandlerFlaw; path?: string } = {}) {
    handler = await startWebhookHandler({ secret: options.secret ?? SECRET, ...options, port: 0 });
    const url = new URL(handler.url);
    return { providerBaseUrl: url.origin, path: url.pathname };
  }

  async function failureOf(promise: Promise<void>): Promise<WebhookHandlerVerificationError> {
    const error: unknown = await promise.then(
      () => undefined,
      (reason: unknown) => reason,
    );
    expect(error).toBeInstanceOf(WebhookHandlerVerificationError);
    return error as WebhookHandlerVerificationError;
  }

  it('passes for the example handler, which records both signed calls once', async () => {
    const target = await start();
    await verifyWebhookHandler({ ...target, secret: SECRET });
    expect(handler?.received).toEqual([
      {
        uuid: '9b2d8f4e-6a1c-4f3b-8d2e-5c7a9e1b3f60',
        key: 'order-1001',
        publicUrl: 'https://cdn.imagefactory.io/renders/9b2d8f4e-6a1c-4f3b-8d2e-5c7a9e1b3f60-1.jpg',
      },
      {
        uuid: '9b2d8f4e-6a1c-4f3b-8d2e-5c7a9e1b3f60',
        key: 'café-1002',
        publicUrl: 'https://cdn.imagefactory.io/renders/9b2d8f4e-6a1c-4f3b-8d2e-5c7a9e1b3f60-2.jpg',
      },
      {
        uuid: '9b2d8f4e-6a1c-4f3b-8d2e-5c7a9e1b3f60',
        key: null,
        publicUrl: 'https://imagefactory.io/storage/Xb3kP9qLmN2vR7tY1wZ8cD4fG6hJ0sA5eU3iO2pQ.jpg',
      },
    ]);
  });

  it('sends every call to the path it is given', async () => {
    const target = await start({ path: '/hooks/if' });
    expect(target.path).toBe('/hooks/if');
    await verifyWebhookHandler({ ...target, secret: SECRET });
    expect(handler?.received).toHaveLength(3);
  });

  it('fails for a handler that accepts tampered, foreign and unsigned calls', async () => {
    const target = await start({ flaw: 'accepts-tampered' });
    const error = await failureOf(verifyWebhookHandler({ ...target, secret: SECRET }));
    expect(error.calls.map((call) => [call.state, call.status]).sort(byState)).toEqual(
      [
        [WEBHOOK_DELIVERY_STATES.signed, 200],
        [WEBHOOK_DELIVERY_STATES.signed, 200],
        [WEBHOOK_DELIVERY_STATES.tamperedBody, 200],
        [WEBHOOK_DELIVERY_STATES.otherSecret, 200],
        [WEBHOOK_DELIVERY_STATES.unsigned, 200],
      ].sort(byState),
    );
    // Pact's report comes back from the verifier's child process cut to its failures section.
    const between = 'Verifying a pact between imagefactory-webhooks and imagefactory-webhook-handler';
    const report = [
      'Failures:',
      '',
      `1) ${between} Given ${WEBHOOK_DELIVERY_STATES.otherSecret} - a batch webhook call signed with another secret`,
      '    1.1) has status code 401',
      '           expected 401 but was 200',
      `2) ${between} Given ${WEBHOOK_DELIVERY_STATES.tamperedBody} - a batch webhook call whose body was changed after signing`,
      '    2.1) has status code 401',
      '           expected 401 but was 200',
      `3) ${between} Given ${WEBHOOK_DELIVERY_STATES.unsigned} - a batch webhook call without a Signature header`,
      '    3.1) has status code 401',
      '           expected 401 but was 200',
      '',
      'There were 3 pact failures',
    ];
    expect(error.report).toBe(report.join('\n'));
    expect(error.message).toBe(
      [
        `verifyWebhookHandler: the handler at ${target.providerBaseUrl}${target.path} does not honour the webhook contract.`,
        `  - ${WEBHOOK_DELIVERY_STATES.tamperedBody}: answered 200, expected a 4xx. The handler accepts a body that was changed after signing: verify the signature over the raw body and reject a mismatch.`,
        `  - ${WEBHOOK_DELIVERY_STATES.otherSecret}: answered 200, expected a 4xx. The handler accepts a signature made with another secret: compute the HMAC with your own signing secret and compare.`,
        `  - ${WEBHOOK_DELIVERY_STATES.unsigned}: answered 200, expected a 4xx. The handler accepts a call without a Signature header: reject it.`,
        '',
        "Pact's verifier reported:",
        ...report.map((line) => (line === '' ? '' : `  ${line}`)),
      ].join('\n'),
    );
  });

  it('fails for a handler that re-serialises the body before checking the signature', async () => {
    const target = await start({ flaw: 'reserialises-body' });
    const error = await failureOf(verifyWebhookHandler({ ...target, secret: SECRET }));
    expect(error.calls.filter((call) => call.status !== 401)).toEqual([]);
    expect(error.message).toContain(
      `  - ${WEBHOOK_DELIVERY_STATES.signed}: answered 401, expected a 2xx. Check the Signature header against the raw body bytes as they arrived, before any JSON parsing`,
    );
    expect(handler?.received).toEqual([]);
  });

  it('fails for a handler that only misses the unicode escapes', async () => {
    const target = await start({ flaw: 'reserialises-escaping-slashes' });
    const error = await failureOf(verifyWebhookHandler({ ...target, secret: SECRET }));
    // The single-render body has no non-ASCII character: only the batch call shows the mistake.
    expect(error.calls.filter((call) => call.state === WEBHOOK_DELIVERY_STATES.signed).map((call) => call.status).sort()).toEqual([200, 401]);
  });

  it('fails for a handler that checks with another secret', async () => {
    const target = await start({ secret: 'whsec_not-the-same' });
    const error = await failureOf(verifyWebhookHandler({ ...target, secret: SECRET }));
    expect(error.calls.filter((call) => call.state === WEBHOOK_DELIVERY_STATES.signed).map((call) => call.status)).toEqual([401, 401]);
  });

  it('says so when nothing listens at the handler URL', async () => {
    const target = await start();
    await handler?.close();
    handler = undefined;
    const error = await failureOf(verifyWebhookHandler({ ...target, secret: SECRET }));
    expect(error.calls).toEqual([]);
    expect(error.message).toBe(
      `verifyWebhookHandler: nothing answers at ${target.providerBaseUrl}${target.path} (ECONNREFUSED); start the handler first and pass its address as providerBaseUrl.`,
    );
  });

  it('refuses an empty secret before starting the verifier', async () => {
    await expect(verifyWebhookHandler({ providerBaseUrl: 'http://127.0.0.1:1', secret: '' })).rejects.toThrow(
      'verifyWebhookHandler: secret is empty; pass the webhook signing secret your handler checks with',
    );
  });
});

function byState(a: (string | number)[], b: (string | number)[]): number {
  return String(a[0]).localeCompare(String(b[0]));
}
