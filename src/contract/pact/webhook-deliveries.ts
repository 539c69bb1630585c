import { HTTPResponseStatusClass, MatchersV3, type PactV4 } from '@pact-foundation/pact';
import { signBody } from '../signature.js';
import { serialiseBatchWebhookBody, serialiseSingleWebhookBody } from '../webhook-bodies.js';
import { SIGNATURE_PATTERN, type ReadyHttpInteraction } from './matchers.js';
import { WEBHOOK_DELIVERY_STATES, type WebhookDeliveryState } from './provider-states.js';

/**
 * The webhook calls as HTTP interactions, ImageFactory (the consumer, who sends them) against a
 * webhook handler (the provider, who answers them). These make up the pact `verifyWebhookHandler`
 * replays against a running handler; its request filter signs (or spoils) each body as the
 * interaction's provider state says.
 */

/** The participants of the webhook-delivery pact shipped in `pacts/`. */
export const WEBHOOK_DELIVERY_PACT = {
  consumer: 'imagefactory-webhooks',
  provider: 'imagefactory-webhook-handler',
  /** The path in the pact; `verifyWebhookHandler` sends each call to the handler's own path instead. */
  path: '/webhooks/imagefactory',
} as const;

/** The file name Pact gives that pact: `<consumer>-<provider>.json`. */
export const WEBHOOK_DELIVERY_PACT_FILE = `${WEBHOOK_DELIVERY_PACT.consumer}-${WEBHOOK_DELIVERY_PACT.provider}.json`;

/** One webhook call of the pact: its body, how it is signed, and what the handler must answer. */
export interface WebhookDeliveryExample {
  description: string;
  state: WebhookDeliveryState;
  kind: 'batch' | 'single';
  /** The documented body, as an object in the service's key order. */
  body: Record<string, unknown>;
  /** 'success': any 2xx. 'clientError': any 4xx. */
  expect: 'success' | 'clientError';
}

const UUID = '9b2d8f4e-6a1c-4f3b-8d2e-5c7a9e1b3f60';

// The batch body carries a `/` in every URL and a non-ASCII key on purpose: PHP escapes both
// (`\/`, `\u00e9`), so a handler that re-serialises the parsed body gets other bytes and fails.
const BATCH_BODY = {
  uuid: UUID,
  output: [
    { key: 'order-1001', public_url: `https://cdn.imagefactory.io/renders/${UUID}-1.jpg` },
    { key: 'café-1002', public_url: `https://cdn.imagefactory.io/renders/${UUID}-2.jpg` },
  ],
};

const SINGLE_BODY = {
  uuid: UUID,
  public_url: 'https://imagefactory.io/storage/Xb3kP9qLmN2vR7tY1wZ8cD4fG6hJ0sA5eU3iO2pQ.jpg',
};

/** Every call of the webhook-delivery pact, in the order it is written. */
export const WEBHOOK_DELIVERY_EXAMPLES: readonly WebhookDeliveryExample[] = [
  {
    description: 'a signed batch webhook call',
    state: WEBHOOK_DELIVERY_STATES.signed,
    kind: 'batch',
    body: BATCH_BODY,
    expect: 'success',
  },
  {
    description: 'a signed single-render webhook call',
    state: WEBHOOK_DELIVERY_STATES.signed,
    kind: 'single',
    body: SINGLE_BODY,
    expect: 'success',
  },
  {
    description: 'a batch webhook call whose body was changed after signing',
    state: WEBHOOK_DELIVERY_STATES.tamperedBody,
    kind: 'batch',
    body: BATCH_BODY,
    expect: 'clientError',
  },
  {
    description: 'a batch webhook call signed with another secret',
    state: WEBHOOK_DELIVERY_STATES.otherSecret,
    kind: 'batch',
    body: BATCH_BODY,
    expect: 'clientError',
  },
  {
    description: 'a batch webhook call without a Signature header',
    state: WEBHOOK_DELIVERY_STATES.unsigned,
    kind: 'batch',
    body: BATCH_BODY,
    expect: 'clientError',
  },
];

/** The secret the pact's example signatures are made with; the filter re-signs with the handler's. */
export const EXAMPLE_SIGNING_SECRET = 'pact-example-signing-secret';

/**
 * Adds one webhook call to a pact between ImageFactory's webhook sender and a handler.
 *
 * @example
 * for (const example of WEBHOOK_DELIVERY_EXAMPLES) {
 *   await addWebhookDelivery(pact, example).executeTest((server) => sendWebhookExample(server.url, example));
 * }
 */
export function addWebhookDelivery(pact: PactV4, example: WebhookDeliveryExample): ReadyHttpInteraction {
  const bytes = serialiseExample(example);
  const headers: Record<string, string | ReturnType<typeof MatchersV3.regex>> = {
    'Content-Type': 'application/json',
  };
  if (example.state !== WEBHOOK_DELIVERY_STATES.unsigned) {
    headers['Signature'] = MatchersV3.regex(SIGNATURE_PATTERN, signBody(bytes, EXAMPLE_SIGNING_SECRET));
  }
  const status =
    example.expect === 'success'
      ? MatchersV3.matchStatus(200, HTTPResponseStatusClass.Success)
      : MatchersV3.matchStatus(401, HTTPResponseStatusClass.ClientError);
  return pact
    .addInteraction()
    .given(example.state)
    .uponReceiving(example.description)
    .withRequest('POST', WEBHOOK_DELIVERY_PACT.path, (builder) => {
      builder.headers(headers).jsonBody(example.body);
    })
    .willRespondWith(status);
}

/**
 * Sends one example call as the service would (PHP-style bytes, signed with the example secret
 * unless the example is unsigned) and returns the status it got. The consumer side of the pact.
 */
export async function sendWebhookExample(baseUrl: string, example: WebhookDeliveryExample): Promise<number> {
  const bytes = serialiseExample(example);
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  if (example.state !== WEBHOOK_DELIVERY_STATES.unsigned) {
    headers['Signature'] = signBody(bytes, EXAMPLE_SIGNING_SECRET);
  }
  const response = await fetch(`${baseUrl}${WEBHOOK_DELIVERY_PACT.path}`, {
    method: 'POST',
    headers,
    body: bytes,
  });
  await response.arrayBuffer();
  return response.status;
}

function serialiseExample(example: WebhookDeliveryExample): string {
  const body = example.body as { uuid: string; output?: { key: string; public_url: string }[]; public_url?: string };
  return example.kind === 'batch'
    ? serialiseBatchWebhookBody(body.uuid, body.output ?? [])
    : serialiseSingleWebhookBody(body.uuid, body.public_url ?? '');
}
