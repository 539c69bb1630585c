import { MatchersV3, type PactV4 } from '@pact-foundation/pact';
import type { BatchRenderRequest, SingleRenderRequest } from '../schemas.js';
import { BEARER_PATTERN, httpUrl, uuidV4, type ReadyHttpInteraction } from './matchers.js';
import { PROVIDER_STATES, type ThemeStateParams, type TokenStateParams } from './provider-states.js';

/**
 * The render-API interactions as Pact builders. Each function adds one interaction to the caller's
 * own `PactV4` and returns Pact's last stage, so the next call can only be `executeTest`:
 *
 * ```ts
 * await addBatchRenderAccepted(pact, { request }).executeTest(async (server) => {
 *   const client = createMyClient(server.url);
 *   expect(await client.render(request)).toEqual(…);
 * });
 * ```
 *
 * The examples are the documented ones. Requests are matched as sent (the keys and inputs the
 * consumer sends are the contract); answers are matched by shape: a v4 uuid, a URL, the documented
 * error texts.
 */

/** Which endpoint an error interaction calls. */
export type RenderEndpoint = 'batch' | 'single';

const PATHS: Record<RenderEndpoint, string> = {
  batch: '/api/request-batch-render',
  single: '/api/request-render',
};

/** The defaults every builder starts from; each option below overrides one of them. */
export const RENDER_INTERACTION_DEFAULTS = {
  token: 'pact-example-token',
  webhookUrl: 'https://app.example.com/webhooks/imagefactory',
  uuid: '9b2d8f4e-6a1c-4f3b-8d2e-5c7a9e1b3f60',
  batchRequest: {
    theme_id: 1,
    requests: [
      { key: 'order-1001', input_1: 'Summer sale', input_2: 'Up to 50% off' },
      { key: 'order-1002', input_1: 'Winter sale' },
    ],
  } satisfies BatchRenderRequest,
  singleRequest: { input_1: 'Summer sale', theme_id: 1, key: 'order-1001' } satisfies SingleRenderRequest,
  unknownToken: 'not-a-known-token',
} as const;

/** Options shared by the interactions whose request is authenticated. */
export interface AuthenticatedOptions {
  /** [token="pact-example-token"] The token the consumer sends; the provider state creates it. */
  token?: string;
  /** [webhookUrl="https://app.example.com/webhooks/imagefactory"] The token's webhook URL. */
  webhookUrl?: string;
  /** Replaces the interaction's description (it must be unique within a pact). */
  description?: string;
}

/** Options of {@link addBatchRenderAccepted}. */
export interface BatchRenderAcceptedOptions extends AuthenticatedOptions {
  /** [request=RENDER_INTERACTION_DEFAULTS.batchRequest] The body the consumer sends, matched as sent. */
  request?: BatchRenderRequest;
  /** [uuid="9b2d8f4e-…"] The example uuid of the answer (matched as any v4 uuid). */
  uuid?: string;
}

/** Options of {@link addRenderAccepted}. */
export interface RenderAcceptedOptions extends AuthenticatedOptions {
  /** [request=RENDER_INTERACTION_DEFAULTS.singleRequest] The body the consumer sends, matched as sent. */
  request?: SingleRenderRequest;
  /** [uuid="9b2d8f4e-…"] The example uuid of the answer (matched as any v4 uuid). */
  uuid?: string;
}

/** Options of {@link addRenderUnauthenticated}. */
export interface RenderUnauthenticatedOptions {
  /** [endpoint="batch"] */
  endpoint?: RenderEndpoint;
  /** [token="not-a-known-token"] A token the provider does not know. */
  token?: string;
  /** [request=the endpoint's default request] */
  request?: BatchRenderRequest | SingleRenderRequest;
  description?: string;
}

/** Options of {@link addRenderNotAcceptable}. */
export interface RenderNotAcceptableOptions extends AuthenticatedOptions {
  /** [endpoint="batch"] */
  endpoint?: RenderEndpoint;
  /** [accept="text/html"] The Accept header the consumer (wrongly) sends. */
  accept?: string;
  /** [request=the endpoint's default request] */
  request?: BatchRenderRequest | SingleRenderRequest;
}

/** Options of {@link addRenderValidationFailed}. */
export interface RenderValidationFailedOptions extends AuthenticatedOptions {
  /** [endpoint="batch"] */
  endpoint?: RenderEndpoint;
  /**
   * The invalid body the consumer sends. Defaults: batch `{}` (the documented example: requests
   * and theme_id missing); single `{"input_1":"Summer sale","theme_id":1}` (key missing).
   */
  request?: Record<string, unknown>;
  /** Laravel's first message, matched by type (default: the documented text for the default request). */
  message?: string;
  /** The fields named in `errors`, each with an example message; each must be present as a list of strings. */
  errors?: Record<string, string>;
}

const DEFAULT_VALIDATION: Record<
  RenderEndpoint,
  { request: Record<string, unknown>; message: string; errors: Record<string, string> }
> = {
  batch: {
    request: {},
    message: 'The requests field is required. (and 1 more error)',
    errors: {
      requests: 'The requests field is required.',
      theme_id: 'The theme id field is required.',
    },
  },
  single: {
    request: { input_1: 'Summer sale', theme_id: 1 },
    message: 'The key field is required.',
    errors: { key: 'The key field is required.' },
  },
};

/**
 * `POST /api/request-batch-render` accepted: `200 {"success":true,"uuid":<v4>,"webhook_url":<URL>}`.
 * Given a token with a webhook URL, and the theme the request names.
 *
 * @example
 * await addBatchRenderAccepted(pact, {
 *   request: { theme_id: 2, requests: [{ key: 'sku-1', input_1: 'Blue shirt' }] },
 * }).executeTest(async (server) => {
 *   const client = createImageFactoryClient({ baseUrl: server.url, token: 'pact-example-token' });
 *   const answer = await client.requestBatchRender({ theme_id: 2, requests: [{ key: 'sku-1', input_1: 'Blue shirt' }] });
 *   expect(answer.success).toBe(true);
 * });
 */
export function addBatchRenderAccepted(
  pact: PactV4,
  options: BatchRenderAcceptedOptions = {},
): ReadyHttpInteraction {
  const request = options.request ?? RENDER_INTERACTION_DEFAULTS.batchRequest;
  return accepted(pact, options, {
    path: PATHS.batch,
    request,
    description: options.description ?? 'a request for a batch render',
    theme: themeParams(request.theme_id, request.requests.flatMap(inputNames)),
  });
}

/**
 * `POST /api/request-render` accepted: `200 {"success":true,"uuid":<v4>,"webhook_url":<URL>}`.
 * Given a token with a webhook URL, and the theme the request names.
 *
 * @example
 * await addRenderAccepted(pact, { request: { theme_id: 1, key: 'hero', input_1: 'Hello' } })
 *   .executeTest(async (server) => { … });
 */
export function addRenderAccepted(pact: PactV4, options: RenderAcceptedOptions = {}): ReadyHttpInteraction {
  const request = options.request ?? RENDER_INTERACTION_DEFAULTS.singleRequest;
  return accepted(pact, options, {
    path: PATHS.single,
    request,
    description: options.description ?? 'a request for a single render',
    theme: themeParams(request.theme_id, inputNames(request)),
  });
}

/**
 * A call with a token the provider does not know: `401 {"message":"Unauthenticated."}`, exactly.
 *
 * @example
 * await addRenderUnauthenticated(pact, { endpoint: 'single' }).executeTest(async (server) => {
 *   await expect(clientWithToken(server.url, 'not-a-known-token').render(…)).rejects.toThrow('Unauthenticated.');
 * });
 */
export function addRenderUnauthenticated(
  pact: PactV4,
  options: RenderUnauthenticatedOptions = {},
): ReadyHttpInteraction {
  const endpoint = options.endpoint ?? 'batch';
  const token = options.token ?? RENDER_INTERACTION_DEFAULTS.unknownToken;
  return pact
    .addInteraction()
    .given(PROVIDER_STATES.noSuchToken)
    .uponReceiving(options.description ?? `a ${endpointName(endpoint)} request with an unknown token`)
    .withRequest('POST', PATHS[endpoint], (builder) => {
      builder
        .headers({
          Authorization: MatchersV3.regex(BEARER_PATTERN, `Bearer ${token}`),
          Accept: 'application/json',
        })
        .jsonBody(options.request ?? defaultRequest(endpoint));
    })
    .willRespondWith(401, (builder) => {
      builder.jsonBody({ message: 'Unauthenticated.' });
    });
}

/**
 * A call without `Accept: application/json`: `406` with a JSON `{"message":…}`. The real service
 * is a Laravel app: without that header its errors come back as HTML redirects, which the mock
 * (in its default strict mode) turns into a 406 that says what to fix.
 *
 * @example
 * await addRenderNotAcceptable(pact).executeTest(async (server) => {
 *   const response = await fetch(`${server.url}/api/request-batch-render`, { method: 'POST', headers: { Accept: 'text/html', … } });
 *   expect(response.status).toBe(406);
 * });
 */
export function addRenderNotAcceptable(
  pact: PactV4,
  options: RenderNotAcceptableOptions = {},
): ReadyHttpInteraction {
  const endpoint = options.endpoint ?? 'batch';
  const token = options.token ?? RENDER_INTERACTION_DEFAULTS.token;
  const request = options.request ?? defaultRequest(endpoint);
  return withAuthenticatedStates(pact, token, options.webhookUrl, themeOf(request))
    .uponReceiving(
      options.description ?? `a ${endpointName(endpoint)} request that does not accept JSON`,
    )
    .withRequest('POST', PATHS[endpoint], (builder) => {
      builder
        .headers({
          Authorization: MatchersV3.regex(BEARER_PATTERN, `Bearer ${token}`),
          Accept: options.accept ?? 'text/html',
        })
        .jsonBody(request);
    })
    .willRespondWith(406, (builder) => {
      builder.jsonBody({ message: MatchersV3.string('Not Acceptable.') });
    });
}

/**
 * An invalid body: `422 {"message":…,"errors":{<field>:[…],…}}` as Laravel writes it. The fields
 * named in `errors` must be present with a list of messages; the texts are matched by type.
 *
 * @example
 * await addRenderValidationFailed(pact).executeTest(async (server) => {
 *   const error = await client(server.url).requestBatchRender({} as never).catch((e: unknown) => e);
 *   expect(error).toMatchObject({ status: 422, kind: 'validation' });
 * });
 */
export function addRenderValidationFailed(
  pact: PactV4,
  options: RenderValidationFailedOptions = {},
): ReadyHttpInteraction {
  const endpoint = options.endpoint ?? 'batch';
  const defaults = DEFAULT_VALIDATION[endpoint];
  const token = options.token ?? RENDER_INTERACTION_DEFAULTS.token;
  const request = options.request ?? defaults.request;
  const errors = options.errors ?? defaults.errors;
  const theme = typeof request['theme_id'] === 'number' ? themeOf(request) : undefined;
  return withAuthenticatedStates(pact, token, options.webhookUrl, theme)
    .uponReceiving(options.description ?? `an invalid ${endpointName(endpoint)} request`)
    .withRequest('POST', PATHS[endpoint], (builder) => {
      builder
        .headers({
          Authorization: MatchersV3.regex(BEARER_PATTERN, `Bearer ${token}`),
          Accept: 'application/json',
        })
        .jsonBody(request);
    })
    .willRespondWith(422, (builder) => {
      builder.jsonBody({
        message: MatchersV3.string(options.message ?? defaults.message),
        errors: Object.fromEntries(
          Object.entries(errors).map(([field, example]) => [field, MatchersV3.eachLike(MatchersV3.string(example))]),
        ),
      });
    });
}

interface AcceptedShape {
  path: string;
  request: BatchRenderRequest | SingleRenderRequest;
  description: string;
  theme: ThemeStateParams;
}

function accepted(
  pact: PactV4,
  options: AuthenticatedOptions & { uuid?: string },
  shape: AcceptedShape,
): ReadyHttpInteraction {
  const token = options.token ?? RENDER_INTERACTION_DEFAULTS.token;
  const webhookUrl = options.webhookUrl ?? RENDER_INTERACTION_DEFAULTS.webhookUrl;
  return withAuthenticatedStates(pact, token, webhookUrl, shape.theme)
    .uponReceiving(shape.description)
    .withRequest('POST', shape.path, (builder) => {
      builder
        .headers({
          Authorization: MatchersV3.regex(BEARER_PATTERN, `Bearer ${token}`),
          Accept: 'application/json',
        })
        .jsonBody(shape.request);
    })
    .willRespondWith(200, (builder) => {
      builder.jsonBody({
        success: true,
        uuid: uuidV4(options.uuid ?? RENDER_INTERACTION_DEFAULTS.uuid),
        webhook_url: httpUrl(webhookUrl),
      });
    });
}

function withAuthenticatedStates(
  pact: PactV4,
  token: string,
  webhookUrl: string | undefined,
  theme: ThemeStateParams | undefined,
): ReturnType<PactV4['addInteraction']> {
  const tokenParams: TokenStateParams = {
    token,
    webhookUrl: webhookUrl ?? RENDER_INTERACTION_DEFAULTS.webhookUrl,
  };
  const interaction = pact
    .addInteraction()
    .given(PROVIDER_STATES.tokenWithWebhookUrl, { ...tokenParams });
  return theme === undefined ? interaction : interaction.given(PROVIDER_STATES.themeExists, { ...theme });
}

function defaultRequest(endpoint: RenderEndpoint): BatchRenderRequest | SingleRenderRequest {
  return endpoint === 'batch'
    ? RENDER_INTERACTION_DEFAULTS.batchRequest
    : RENDER_INTERACTION_DEFAULTS.singleRequest;
}

function themeOf(request: Record<string, unknown> | BatchRenderRequest | SingleRenderRequest): ThemeStateParams {
  const record = request as Record<string, unknown>;
  const items = Array.isArray(record['requests']) ? (record['requests'] as Record<string, unknown>[]) : [record];
  return themeParams(record['theme_id'] as number | string, items.flatMap(inputNames));
}

function themeParams(themeId: number | string, inputs: string[]): ThemeStateParams {
  return { id: Number(themeId), inputs: [...new Set(inputs)].sort(byInputNumber) };
}

function inputNames(item: object): string[] {
  return Object.keys(item).filter((name) => /^input_\d+$/.test(name));
}

function byInputNumber(a: string, b: string): number {
  return Number(a.slice('input_'.length)) - Number(b.slice('input_'.length));
}

function endpointName(endpoint: RenderEndpoint): string {
  return endpoint === 'batch' ? 'batch render' : 'single render';
}
