import { MatchersV3, type PactV4 } from '@pact-foundation/pact';
import { httpUrl, uuidV4, type ReadyMessageInteraction } from './matchers.js';

/**
 * The two webhook bodies as asynchronous-message interactions: what a consumer's webhook handler
 * accepts. The handler's body logic runs in `executeTest`, handed the example body:
 *
 * ```ts
 * await addBatchWebhookMessage(pact).executeTest(
 *   v4AsynchronousBodyHandler(async (body) => handleImageFactoryWebhook(body)),
 * );
 * ```
 *
 * The bodies are matched by shape (a uuid, a list of key/URL pairs, a URL), because every call
 * carries other values. The bytes and the signature are `verifyWebhookHandler`'s business: a
 * message contract is about JSON content only.
 */

/** The message descriptions: a provider's `messageProviders` are keyed by them. */
export const WEBHOOK_MESSAGES = {
  batch: 'a batch webhook call with rendered outputs',
  single: 'a single-render webhook call',
} as const;

/** The state both messages are given: a render was requested, and its images are ready. */
export const WEBHOOK_MESSAGE_STATES = {
  batch: 'a batch render was requested and its images are ready',
  single: 'a single render was requested and its image is ready',
} as const;

/** The defaults the webhook builders start from. */
export const WEBHOOK_MESSAGE_DEFAULTS = {
  uuid: '9b2d8f4e-6a1c-4f3b-8d2e-5c7a9e1b3f60',
  output: { key: 'order-1001', public_url: 'https://cdn.imagefactory.io/renders/0d9c0a52-2b7e-4f7e-9f3c-1e8d6b4a2c10.jpg' },
  singlePublicUrl: 'https://imagefactory.io/storage/Xb3kP9qLmN2vR7tY1wZ8cD4fG6hJ0sA5eU3iO2pQ.jpg',
} as const;

/** Options of {@link addBatchWebhookMessage}. */
export interface BatchWebhookMessageOptions {
  /** [uuid="9b2d8f4e-…"] The example uuid (matched as any v4 uuid). */
  uuid?: string;
  /** The example output item; every item of a real call must have its shape. */
  output?: { key: string; public_url: string };
  /** Replaces the description (and so the `messageProviders` key a provider must use). */
  description?: string;
}

/** Options of {@link addSingleWebhookMessage}. */
export interface SingleWebhookMessageOptions {
  /** [uuid="9b2d8f4e-…"] The example uuid (matched as any v4 uuid). */
  uuid?: string;
  /** [publicUrl="https://imagefactory.io/storage/….jpg"] The example URL (matched as any http(s) URL). */
  publicUrl?: string;
  description?: string;
}

/**
 * A batch webhook body: `{"uuid":<v4>,"output":[{"key":<string>,"public_url":<URL>},…]}` with at
 * least one output. A batch's outputs arrive over several calls in any order, so a handler must
 * take any non-empty subset of the keys it sent.
 *
 * @example
 * await addBatchWebhookMessage(pact, { output: { key: 'sku-1', public_url: 'https://cdn.test/renders/a.jpg' } })
 *   .executeTest(v4AsynchronousBodyHandler(async (body) => store.saveOutputs(body)));
 */
export function addBatchWebhookMessage(
  pact: PactV4,
  options: BatchWebhookMessageOptions = {},
): ReadyMessageInteraction {
  const output = options.output ?? WEBHOOK_MESSAGE_DEFAULTS.output;
  return pact
    .addAsynchronousInteraction()
    .given(WEBHOOK_MESSAGE_STATES.batch)
    .expectsToReceive(options.description ?? WEBHOOK_MESSAGES.batch, (builder) => {
      builder.withJSONContent({
        uuid: uuidV4(options.uuid ?? WEBHOOK_MESSAGE_DEFAULTS.uuid),
        output: MatchersV3.eachLike(
          { key: MatchersV3.string(output.key), public_url: httpUrl(output.public_url) },
          1,
        ),
      });
    });
}

/**
 * A single-render webhook body: `{"uuid":<v4>,"public_url":<URL>}`.
 *
 * @example
 * await addSingleWebhookMessage(pact).executeTest(
 *   v4AsynchronousBodyHandler(async (body) => store.saveSingle(body)),
 * );
 */
export function addSingleWebhookMessage(
  pact: PactV4,
  options: SingleWebhookMessageOptions = {},
): ReadyMessageInteraction {
  return pact
    .addAsynchronousInteraction()
    .given(WEBHOOK_MESSAGE_STATES.single)
    .expectsToReceive(options.description ?? WEBHOOK_MESSAGES.single, (builder) => {
      builder.withJSONContent({
        uuid: uuidV4(options.uuid ?? WEBHOOK_MESSAGE_DEFAULTS.uuid),
        public_url: httpUrl(options.publicUrl ?? WEBHOOK_MESSAGE_DEFAULTS.singlePublicUrl),
      });
    });
}
