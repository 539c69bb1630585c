import {
  messageErrorSchema,
  renderAcceptedSchema,
  validationErrorSchema,
  type BatchRenderRequest,
  type RenderAccepted,
  type SingleRenderRequest,
} from './schemas.js';

/**
 * A small typed client for ImageFactory's render API. It is the kit's own consumer in its Pact
 * tests, and works as it is against the real service or the mock.
 */

/** Options of {@link createImageFactoryClient}. */
export interface ImageFactoryClientOptions {
  /** Where the API lives, e.g. `https://imagefactory.io` or a running mock's `url`. A trailing `/` is fine. */
  baseUrl: string;
  /** The API token; sent as `Authorization: Bearer <token>`. */
  token: string;
  /** [fetch=globalThis.fetch] Handed in so that tests and proxies can stand in for the network. */
  fetch?: typeof globalThis.fetch;
}

/** The two render calls of the API. */
export interface ImageFactoryClient {
  /** `POST /api/request-batch-render`: many renders, answered with one uuid. */
  requestBatchRender(request: BatchRenderRequest): Promise<RenderAccepted>;
  /** `POST /api/request-render`: one render, answered with a uuid. */
  requestRender(request: SingleRenderRequest): Promise<RenderAccepted>;
}

/**
 * What went wrong, by the answer's status: `unauthenticated` (401), `not-acceptable` (406),
 * `validation` (422), `unexpected-status` (any other non-2xx) and `unexpected-answer` (a 2xx whose
 * body is not the documented `{"success":true,"uuid":…,"webhook_url":…}`).
 */
export type ImageFactoryErrorKind =
  | 'unauthenticated'
  | 'not-acceptable'
  | 'validation'
  | 'unexpected-status'
  | 'unexpected-answer';

/**
 * The one error the client throws for an answer it cannot turn into a {@link RenderAccepted}.
 * `message` is the service's own message where it sent one (Laravel's `message` field), `errors`
 * the per-field messages of a 422 (empty otherwise), `body` the parsed JSON (or the raw text).
 *
 * @example
 * try {
 *   await client.requestBatchRender({ theme_id: 1, requests: [] });
 * } catch (error) {
 *   if (error instanceof ImageFactoryRequestError && error.kind === 'validation') {
 *     console.log(error.errors['requests']); // ['The requests field is required.']
 *   }
 * }
 */
export class ImageFactoryRequestError extends Error {
  override readonly name = 'ImageFactoryRequestError';

  constructor(
    readonly kind: ImageFactoryErrorKind,
    readonly status: number,
    /** The endpoint that answered, e.g. `POST /api/request-render`. */
    readonly endpoint: string,
    message: string,
    readonly errors: Readonly<Record<string, readonly string[]>>,
    readonly body: unknown,
  ) {
    super(message);
  }
}

const BATCH_PATH = '/api/request-batch-render';
const SINGLE_PATH = '/api/request-render';

/**
 * Creates a client for ImageFactory's render API.
 *
 * @throws Error at once when `baseUrl` is not an absolute http(s) URL or `token` is empty: both are
 *   setup mistakes, better caught before the first call.
 *
 * @example
 * const client = createImageFactoryClient({ baseUrl: mock.url, token: mock.token });
 * const { uuid, webhook_url } = await client.requestBatchRender({
 *   theme_id: 1,
 *   requests: [{ key: 'order-1001', input_1: 'Summer sale' }],
 * });
 */
export function createImageFactoryClient(options: ImageFactoryClientOptions): ImageFactoryClient {
  const baseUrl = normaliseBaseUrl(options.baseUrl);
  if (options.token.trim() === '') {
    throw new Error('createImageFactoryClient: token is empty; pass the API token shown when it was created');
  }
  const send = options.fetch ?? globalThis.fetch;
  const post = async (path: string, body: unknown): Promise<RenderAccepted> => {
    const endpoint = `POST ${path}`;
    const response = await send(`${baseUrl}${path}`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${options.token}`,
        // Without it the service (a Laravel app) answers errors with HTML redirects, not JSON.
        Accept: 'application/json',
        'Content-Type': 'application/json',
      },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    const parsed = parseJson(text);
    if (response.ok) {
      const accepted = renderAcceptedSchema.safeParse(parsed);
      if (accepted.success) return accepted.data;
      throw new ImageFactoryRequestError(
        'unexpected-answer',
        response.status,
        endpoint,
        `${endpoint} answered ${response.status} with a body that is not {"success":true,"uuid":…,"webhook_url":…}: ${preview(text)}`,
        {},
        parsed ?? text,
      );
    }
    throw toRequestError(response.status, endpoint, text, parsed);
  };
  return {
    requestBatchRender: (request) => post(BATCH_PATH, request),
    requestRender: (request) => post(SINGLE_PATH, request),
  };
}

function toRequestError(
  status: number,
  endpoint: string,
  text: string,
  parsed: unknown,
): ImageFactoryRequestError {
  const body = parsed ?? text;
  const serverMessage = messageErrorSchema.safeParse(parsed);
  const said = serverMessage.success ? serverMessage.data.message : undefined;
  switch (status) {
    case 401:
      return new ImageFactoryRequestError(
        'unauthenticated',
        status,
        endpoint,
        said ?? 'Unauthenticated.',
        {},
        body,
      );
    case 406:
      return new ImageFactoryRequestError(
        'not-acceptable',
        status,
        endpoint,
        said ?? 'Not Acceptable: send Accept: application/json',
        {},
        body,
      );
    case 422: {
      const validation = validationErrorSchema.safeParse(parsed);
      return new ImageFactoryRequestError(
        'validation',
        status,
        endpoint,
        said ?? `${endpoint} answered 422: ${preview(text)}`,
        validation.success ? validation.data.errors : {},
        body,
      );
    }
    default:
      return new ImageFactoryRequestError(
        'unexpected-status',
        status,
        endpoint,
        `${endpoint} answered ${status}${said === undefined ? `: ${preview(text)}` : `: ${said}`}`,
        {},
        body,
      );
  }
}

function normaliseBaseUrl(baseUrl: string): string {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new Error(
      `createImageFactoryClient: baseUrl ${JSON.stringify(baseUrl)} is not a URL; pass e.g. "https://imagefactory.io" or the mock's url`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(
      `createImageFactoryClient: baseUrl ${JSON.stringify(baseUrl)} must be http:// or https://`,
    );
  }
  return url.href.replace(/\/+$/, '');
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function preview(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat === '') return '(empty body)';
  return flat.length > 200 ? `${flat.slice(0, 197)}...` : flat;
}
