import type { IncomingMessage, ServerResponse } from 'node:http';
import { Verifier } from '@pact-foundation/pact';
import { phpJsonEncode } from '../../mock/pipeline/php-json.js';
import { signBody } from '../signature.js';
import { parseWebhookBody, serialiseBatchWebhookBody, serialiseSingleWebhookBody } from '../webhook-bodies.js';
import { WEBHOOK_DELIVERY_STATES, type WebhookDeliveryState } from './provider-states.js';

/**
 * The half of `verifyWebhookHandler` that runs in its quiet child process (see `quiet-child.ts`):
 * Pact's `Verifier`, its request filter and its state handlers all live in-process with the
 * verifier, so they all run here, and only JSON crosses back.
 */

/** The resolved options `verifyWebhookHandler` hands over. */
export interface WebhookHandlerVerificationSettings {
  providerBaseUrl: string;
  path: string;
  secret: string;
  provider: string;
  pactUrls: string[];
  logLevel: 'trace' | 'debug' | 'info' | 'warn' | 'error';
}

/** One call the verifier made to the handler, and what the handler answered. */
export interface WebhookCallRecord {
  state: WebhookDeliveryState;
  path: string;
  status: number;
}

/** What a run found: the verdict, every call, and Pact's error when it failed. */
export interface WebhookHandlerVerificationRun {
  passed: boolean;
  calls: WebhookCallRecord[];
  /** The message Pact's verifier rejected with ('' when it passed). */
  pactError: string;
}

/** Pact's proxy serves these itself; they must reach it untouched. */
const PACT_PROXY_PATHS = ['/_pactSetup', '/_messages'];

/** Replays the pacts against the handler; resolves with the verdict rather than throwing it. */
export async function runWebhookHandlerVerification(
  settings: WebhookHandlerVerificationSettings,
): Promise<WebhookHandlerVerificationRun> {
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
    pactUrls: settings.pactUrls,
    logLevel: settings.logLevel,
    requestFilter,
    stateHandlers: Object.fromEntries(
      Object.values(WEBHOOK_DELIVERY_STATES).map((state) => [state, setState(state)]),
    ),
  });
  try {
    await verifier.verifyProvider();
    return { passed: true, calls, pactError: '' };
  } catch (error) {
    return { passed: false, calls, pactError: error instanceof Error ? error.message : String(error) };
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
