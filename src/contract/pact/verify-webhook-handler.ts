import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runInQuietChild, siblingModule, trimPactReport } from './quiet-child.js';
import { WEBHOOK_DELIVERY_STATES, type WebhookDeliveryState } from './provider-states.js';
import { WEBHOOK_DELIVERY_PACT, WEBHOOK_DELIVERY_PACT_FILE } from './webhook-deliveries.js';
import type {
  WebhookCallRecord,
  WebhookHandlerVerificationRun,
  WebhookHandlerVerificationSettings,
} from './webhook-handler-verification.js';

export type { WebhookCallRecord } from './webhook-handler-verification.js';

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
  /**
   * [logLevel="error"] Pact's own log level. The verifier runs in a child process: at "info",
   * "debug" and "trace" it prints to this process's output as it goes; at "warn" and "error" its
   * output (Pact's report with it) is kept, and only a failure shows it, in the error.
   */
  logLevel?: 'trace' | 'debug' | 'info' | 'warn' | 'error';
}

/** The error {@link verifyWebhookHandler} rejects with: the verdict per call, and Pact's own report. */
export class WebhookHandlerVerificationError extends Error {
  override readonly name = 'WebhookHandlerVerificationError';

  constructor(
    message: string,
    readonly calls: readonly WebhookCallRecord[],
    /**
     * Pact's verification report, cut to its failures (or Pact's error when it could not run);
     * '' when the verifier never started.
     */
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

/** Pact prints its console report at any level: only these ask to see it as it comes. */
const ECHOED_LEVELS: ReadonlySet<string> = new Set(['trace', 'debug', 'info']);

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
 * Pact's verifier prints its report to standard output at any log level, so it runs in a child
 * process (started once, then reused; calls take turns) and a passing run prints nothing.
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
  const settings: WebhookHandlerVerificationSettings = {
    providerBaseUrl: options.providerBaseUrl.replace(/\/+$/, ''),
    secret: options.secret,
    path: withLeadingSlash(options.path ?? DEFAULTS.path),
    provider: options.provider ?? DEFAULTS.provider,
    pactUrls: options.pactUrls ?? [shippedPactPath()],
    logLevel: options.logLevel ?? DEFAULTS.logLevel,
  };
  if (settings.secret === '') {
    throw new Error('verifyWebhookHandler: secret is empty; pass the webhook signing secret your handler checks with');
  }
  // Pact's proxy has no handler for a refused connection: it throws out of the process and the
  // verifier waits forever. So make sure something listens before starting it.
  await assertListening(settings.providerBaseUrl, settings.path);
  // Pact's verifier prints its report straight to standard output: run it where that is a pipe,
  // and show the report only when it failed.
  const { value: run, output } = await runInQuietChild<WebhookHandlerVerificationRun>(
    {
      module: siblingModule(import.meta.url, 'webhook-handler-verification'),
      export: 'runWebhookHandlerVerification',
      input: settings,
    },
    { echo: ECHOED_LEVELS.has(settings.logLevel) },
  );
  if (run.passed) return;
  const report = reportOf(output, run.pactError);
  throw new WebhookHandlerVerificationError(explainFailure(settings.providerBaseUrl, settings.path, run.calls, report), run.calls, report);
}

/** The failures section of the printed report; Pact's own error when it printed none. */
function reportOf(output: string, pactError: string): string {
  const printed = trimPactReport(output);
  return printed.startsWith('Failures:') ? printed : pactError;
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
  if (wrong.length === 0) lines.push("  Every call got the status it should, yet Pact's verifier failed: see its report below.");
  lines.push('', `Pact's verifier reported:`, indent(report));
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

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => (line === '' ? line : `  ${line}`))
    .join('\n');
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
