import { existsSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { connect } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Verifier } from '@pact-foundation/pact';
import { signBody } from '../signature.js';
import { parseWebhookBody, serialiseBatchWebhookBody, serialiseSingleWebhookBody } from '../webhook-bodies.js';
import { phpJsonEncode } from '../../mock/pipeline/php-json.js';
import { WEBHOOK_DELIVERY_STATES, type WebhookDeliveryState } from './provider-states.js';
import { WEBHOOK_DELIVERY_PACT, WEBHOOK_DELIVERY_PACT_FILE } from './webhook-deliveries.js';

/** Options of {@link verifyWebhookHandler}. */
export interface VerifyWebhookHandlerOptions {
  /** Where the running handler listens, e.g. `http://127.0.0.1:3000`. */
  providerBaseUrl: string;
  /** [path="/webhooks/imagefactory"] The handler's path: every call of the pact is sent there. */
  path?: string;
  /** The webhook signing secret the handler checks signatures with. */
  secret: string;
  /**
   * [pactUrls=[the webhook-delivery pact shipped in the package's `pacts/`]] Pact files (paths or
   * URLs) between ImageFactory's webhook sender and a handler. Their interactions are given the
   * states of `WEBHOOK_DELIVERY_STATES`; an interaction without one is signed correctly.
   */
  pactUrls?: string[];
  /** [provider="imagefactory-webhook-handler"] The provider name in those pacts. */
  provider?: string;
  /** [logLevel="error"] Pact's own log level; "error" keeps a passing run quiet. */
  logLevel?: 'trace' | 'debug' | 'info' | 'warn' | 'error';
}

/** One call the verifier made to the handler, and what the handler answered. */
export interface WebhookCallRecord {
  state: WebhookDeliveryState;
  path: string;
  status: number;
}

/** The error {@link verifyWebhookHandler} rejects with: the verdict per call, and Pact's own report. */
export class WebhookHandlerVerificationError extends Error {
  override readonly name = 'WebhookHandlerVerificationError';

  constructor(
    message: string,
    readonly calls: readonly WebhookCallRecord[],
    /** Pact's verifier result (its JSON report where it gave one). */
    readonly report: string,
  ) {
    super(message);
  }
}

const DEFAULTS = {
  path: WEBHOOK_DELIVERY_PACT.path,
  provider: WEBHOOK_DELIVERY_PACT.provider,
  logLevel: 'error',
} as const;

/** Pact's proxy serves these itself; they must reach it untouched. */
const PACT_PROXY_PATHS = ['/_pactSetup', '/_messages'];

/**
 * Replays the webhook-delivery pact against a running webhook handler with Pact's own `Verifier`,
 * the handler being the provider of the webhook calls. A request filter rewrites each call as the
 * service would send it: the body as PHP's `json_encode` writes it (`\/`, `\u00e9`), signed with
 * `secret` over exactly those bytes, to `path`. The pact also holds spoiled calls (a body changed
 * after signing, a signature made with another secret, no signature), which must get a 4xx.
 *
 * So it fails for a handler that rejects valid signatures (for instance one that re-serialises the
 * parsed body before checking) and for one that accepts tampered calls.
 *
 * @throws WebhookHandlerVerificationError naming each call the handler answered wrongly, and why
 *   that usually happens.
 *
 * @example
 * const app = await startMyApp({ port: 0 }); // listening on, say, http://127.0.0.1:41234
 * await verifyWebhookHandler({
 *   providerBaseUrl: app.origin,
 *   path: '/webhooks/imagefactory',
 *   secret: process.env.IMAGEFACTORY_WEBHOOK_SECRET!,
 * });
 */
export async function verifyWebhookHandler(options: VerifyWebhookHandlerOptions): Promise<void> {
  const settings = {
    providerBaseUrl: options.providerBaseUrl.replace(/\/+$/, ''),
    secret: options.secret,
    path: withLeadingSlash(options.path ?? DEFAULTS.path),
    provider: options.provider ?? DEFAULTS.provider,
    logLevel: options.logLevel ?? DEFAULTS.logLevel,
  };
  const pactUrls = options.pactUrls ?? [shippedPactPath()];
  if (settings.secret === '') {
    throw new Error('verifyWebhookHandler: secret is empty; pass the webhook signing secret your handler checks with');
  }
  // Pact's proxy has no handler for a refused connection: it throws out of the process and the
  // verifier waits forever. So make sure something listens before starting it.
  await assertListening(settings.providerBaseUrl, settings.path);
  const calls: WebhookCallRecord[] = [];
  // The verifier runs one interaction at a time: state setup, then its one request. The state
  // handler says how the next call is signed; the filter reads it once and resets it.
  let next: WebhookDeliveryState = WEBHOOK_DELIVERY_STATES.signed;
  const setState = (state: WebhookDeliveryState) => async () => {
    next = state;
    return undefined;
  };

  const requestFilter = (
    req: IncomingMessage & { body?: unknown; path?: string },
    res: ServerResponse,
    nextMiddleware: () => void,
  ): void => {
    const url = req.url ?? '/';
    if (PACT_PROXY_PATHS.some((path) => url.startsWith(path))) {
      nextMiddleware();
      return;
    }
    const state = next;
    next = WEBHOOK_DELIVERY_STATES.signed;
    const sent = asServiceSends(req.body, settings.secret, state);
    req.body = sent.body;
    req.headers['content-length'] = String(sent.body.length);
    req.headers['content-type'] = 'application/json';
    if (sent.signature === undefined) delete req.headers['signature'];
    else req.headers['signature'] = sent.signature;
    req.url = settings.path;
    res.on('finish', () => {
      calls.push({ state, path: settings.path, status: res.statusCode });
    });
    nextMiddleware();
  };

  const verifier = new Verifier({
    provider: settings.provider,
    providerBaseUrl: settings.providerBaseUrl,
    pactUrls,
    logLevel: settings.logLevel,
    requestFilter,
    stateHandlers: Object.fromEntries(
      Object.values(WEBHOOK_DELIVERY_STATES).map((state) => [state, setState(state)]),
    ),
  });
  try {
    await verifier.verifyProvider();
  } catch (error) {
    const report = error instanceof Error ? error.message : String(error);
    throw new WebhookHandlerVerificationError(explainFailure(settings.providerBaseUrl, settings.path, calls, report), calls, report);
  }
}

/** The bytes and signature the service would send for `parsed`, spoiled as `state` says. */
function asServiceSends(
  parsed: unknown,
  secret: string,
  state: WebhookDeliveryState,
): { body: Buffer; signature: string | undefined } {
  const original = serviceBytes(parsed);
  switch (state) {
    case WEBHOOK_DELIVERY_STATES.signed:
      return { body: Buffer.from(original), signature: signBody(original, secret) };
    case WEBHOOK_DELIVERY_STATES.tamperedBody:
      return { body: Buffer.from(tamper(original)), signature: signBody(original, secret) };
    case WEBHOOK_DELIVERY_STATES.otherSecret:
      return { body: Buffer.from(original), signature: signBody(original, `${secret}-but-not-yours`) };
    case WEBHOOK_DELIVERY_STATES.unsigned:
      return { body: Buffer.from(original), signature: undefined };
  }
}

/**
 * The service's bytes: the documented body rebuilt in the service's key order and written as PHP
 * writes it. Pact's proxy hands the filter a parsed body, and a pact file may keep keys sorted, so
 * the bytes are rebuilt rather than passed on.
 */
function serviceBytes(parsed: unknown): string {
  const json = phpJsonEncode(parsed ?? {});
  try {
    const webhook = parseWebhookBody(json);
    return webhook.kind === 'batch'
      ? serialiseBatchWebhookBody(webhook.body.uuid, webhook.body.output)
      : serialiseSingleWebhookBody(webhook.body.uuid, webhook.body.public_url);
  } catch {
    // Not one of the two documented bodies (a custom pact): sign it as PHP would write it.
    return json;
  }
}

/**
 * Changes one character of the body's last string (a public URL in both documented bodies: the
 * character before its extension), so that the body stays valid JSON with a valid URL and only
 * the signature can tell.
 */
function tamper(bytes: string): string {
  const closingQuote = bytes.lastIndexOf('"');
  const dot = bytes.lastIndexOf('.', closingQuote);
  const at = dot > 0 && /[A-Za-z0-9]/.test(bytes[dot - 1] ?? '') ? dot - 1 : closingQuote - 1;
  if (at < 0) return `${bytes} `;
  const replacement = bytes[at] === 'x' ? 'y' : 'x';
  return `${bytes.slice(0, at)}${replacement}${bytes.slice(at + 1)}`;
}

function explainFailure(baseUrl: string, path: string, calls: readonly WebhookCallRecord[], report: string): string {
  const lines = [`verifyWebhookHandler: the handler at ${baseUrl}${path} does not honour the webhook contract.`];
  const order = Object.values(WEBHOOK_DELIVERY_STATES) as string[];
  const wrong = calls
    .filter((call) => !answeredRightly(call))
    .sort((a, b) => order.indexOf(a.state) - order.indexOf(b.state));
  for (const call of wrong) {
    lines.push(`  - ${call.state}: answered ${call.status}, expected ${expectedFor(call.state)}. ${adviceFor(call.state)}`);
  }
  if (wrong.length === 0) {
    lines.push(`  Pact's verifier reported: ${summarise(report)}`);
  }
  return lines.join('\n');
}

function answeredRightly(call: WebhookCallRecord): boolean {
  const success = call.status >= 200 && call.status < 300;
  const clientError = call.status >= 400 && call.status < 500;
  return call.state === WEBHOOK_DELIVERY_STATES.signed ? success : clientError;
}

function expectedFor(state: WebhookDeliveryState): string {
  return state === WEBHOOK_DELIVERY_STATES.signed ? 'a 2xx' : 'a 4xx';
}

function adviceFor(state: WebhookDeliveryState): string {
  switch (state) {
    case WEBHOOK_DELIVERY_STATES.signed:
      return 'Check the Signature header against the raw body bytes as they arrived, before any JSON parsing: the service escapes "/" as "\\/" and non-ASCII as "\\u00e9", so a re-serialised body never matches.';
    case WEBHOOK_DELIVERY_STATES.tamperedBody:
      return 'The handler accepts a body that was changed after signing: verify the signature over the raw body and reject a mismatch.';
    case WEBHOOK_DELIVERY_STATES.otherSecret:
      return 'The handler accepts a signature made with another secret: compute the HMAC with your own signing secret and compare.';
    case WEBHOOK_DELIVERY_STATES.unsigned:
      return 'The handler accepts a call without a Signature header: reject it.';
  }
}

function summarise(report: string): string {
  const flat = report.replace(/\s+/g, ' ').trim();
  return flat.length > 500 ? `${flat.slice(0, 497)}...` : flat;
}

async function assertListening(baseUrl: string, path: string): Promise<void> {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new Error(`verifyWebhookHandler: providerBaseUrl ${JSON.stringify(baseUrl)} is not a URL; pass e.g. "http://127.0.0.1:3000"`);
  }
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  const host = url.hostname.replace(/^\[|\]$/g, '');
  await new Promise<void>((resolve, reject) => {
    const socket = connect({ host, port });
    socket.once('connect', () => {
      socket.end();
      resolve();
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      socket.destroy();
      reject(
        new WebhookHandlerVerificationError(
          `verifyWebhookHandler: nothing answers at ${baseUrl}${path} (${error.code ?? error.message}); start the handler first and pass its address as providerBaseUrl.`,
          [],
          '',
        ),
      );
    });
  });
}

/**
 * The shipped pact: `pacts/` at the package root, found by walking up from this module, which
 * sits at a different depth in `src/` (tests) and `dist/` (the published build).
 */
function shippedPactPath(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'pacts', WEBHOOK_DELIVERY_PACT_FILE);
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) {
      throw new Error(
        `verifyWebhookHandler: ${WEBHOOK_DELIVERY_PACT_FILE} is not in any pacts/ folder above ${fileURLToPath(import.meta.url)}; pass pactUrls`,
      );
    }
    dir = parent;
  }
}

function withLeadingSlash(path: string): string {
  return path.startsWith('/') ? path : `/${path}`;
}
