import { randomInt } from 'node:crypto';
import { SetupError } from '../mock/api/errors.js';
import { createRng } from '../mock/chaos/rng.js';
import { CHECK_CASES, type CheckCase, type CheckId, type Expectation, type PlannedDelivery } from './cases.js';

/** Options of {@link runChecks} and `checkHandler`. */
export interface CheckHandlerOptions {
  /** The full URL of the handler under test, e.g. `http://localhost:3000/webhooks/imagefactory`. */
  url: string;
  /** The webhook signing secret the handler verifies with. */
  secret: string;
  /** Replays a run: the same seed sends the same bodies in the same order. [default: random, recorded in the report] */
  seed?: number | string;
  /** How long each call may take to be answered, in ms. ImageFactory gives up after 3 s. [default: 3000] */
  timeoutMs?: number;
  /** Only these checks, in suite order. [default: all] */
  only?: readonly CheckId[];
  /** The fetch to send with. [default: globalThis.fetch] */
  fetch?: typeof globalThis.fetch;
  /** A monotonic clock in ms, for latencies. [default: performance.now] */
  now?: () => number;
}

/** What one call sent. The body is an excerpt: a seed replays the whole of it. */
export interface SentDelivery {
  label: string;
  note: string;
  method: 'POST';
  url: string;
  headers: Record<string, string>;
  bodyBytes: number;
  bodyExcerpt: string;
}

/** What came back for one call: a status, or an error when there was none. */
export interface HandlerAnswer {
  /** `null` when no answer came: a timeout or a connection failure (see `error`). */
  status: number | null;
  latencyMs: number;
  bodyExcerpt: string;
  error?: { kind: 'timeout' | 'connection'; message: string };
}

/** One call and its answer; `ok` when the answer is what a correct handler gives. */
export interface DeliveryOutcome {
  sent: SentDelivery;
  answer: HandlerAnswer;
  ok: boolean;
}

export type Verdict = 'pass' | 'fail';

/** The verdict of one check. `reason` and `fix` are set when it failed. */
export interface CheckResult {
  id: CheckId;
  name: string;
  /** What a correct handler answers, e.g. `2xx within 3000 ms`. */
  expected: string;
  verdict: Verdict;
  deliveries: DeliveryOutcome[];
  reason?: string;
  fix?: string;
  durationMs: number;
}

/** The outcome of a run: every check, the counts, and what replays it. */
export interface CheckReport {
  url: string;
  seed: string;
  timeoutMs: number;
  results: CheckResult[];
  passed: number;
  failed: number;
  /** True when every check passed. */
  ok: boolean;
  durationMs: number;
}

/** Defaults of {@link CheckHandlerOptions}, in one place. */
export const DEFAULT_CHECK_OPTIONS = {
  timeoutMs: 3000,
} as const;

const EXCERPT_CHARS = 200;

/**
 * Runs the conformance suite against a running webhook handler, one call at a time, and returns the
 * report. Never throws for what the handler does (a refused connection is a failed check); throws a
 * SetupError for options that cannot work (a URL that is not http(s), an empty secret, a bad timeout).
 *
 * @example
 * const report = await runChecks({ url: 'http://localhost:3000/webhooks/imagefactory', secret, seed: 42 });
 * if (!report.ok) console.log(formatReport(report));
 */
export async function runChecks(options: CheckHandlerOptions): Promise<CheckReport> {
  const resolved = resolveCheckOptions(options);
  const rng = createRng(resolved.seed);
  const cases = CHECK_CASES.filter((check) => resolved.only === undefined || resolved.only.includes(check.id));
  const started = resolved.now();
  const results: CheckResult[] = [];
  for (const check of cases) {
    // A fork per case: adding or changing one case never changes what another sends.
    const planned = check.plan({ rng: rng.fork(check.id), secret: resolved.secret });
    results.push(await runCase(check, planned, resolved));
  }
  const failed = results.filter((result) => result.verdict === 'fail').length;
  return {
    url: resolved.url,
    seed: resolved.seed,
    timeoutMs: resolved.timeoutMs,
    results,
    passed: results.length - failed,
    failed,
    ok: failed === 0,
    durationMs: Math.round(resolved.now() - started),
  };
}

/** {@link CheckHandlerOptions} with every default applied; see {@link resolveCheckOptions}. */
export interface ResolvedCheckOptions {
  url: string;
  secret: string;
  seed: string;
  timeoutMs: number;
  only: readonly CheckId[] | undefined;
  fetch: typeof globalThis.fetch;
  now: () => number;
}

/** A seed for a run that was given none: short enough to read aloud and paste back. */
export function randomSeed(): string {
  return String(randomInt(1, 2 ** 31));
}

/**
 * Validates the options and applies the defaults, once. Throws a SetupError naming the flag for
 * options that cannot work; the command calls it before printing anything.
 */
export function resolveCheckOptions(options: CheckHandlerOptions): ResolvedCheckOptions {
  let parsed: URL | undefined;
  try {
    parsed = new URL(options.url);
  } catch {
    parsed = undefined;
  }
  if (parsed === undefined || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
    throw new SetupError(
      `--url must be the full http:// or https:// URL of your webhook handler, e.g. http://localhost:3000/webhooks/imagefactory (got ${JSON.stringify(options.url)})`,
    );
  }
  if (options.secret.length === 0) {
    throw new SetupError('--secret must not be empty: pass the webhook signing secret your handler verifies with');
  }
  const timeoutMs = options.timeoutMs ?? DEFAULT_CHECK_OPTIONS.timeoutMs;
  if (!Number.isSafeInteger(timeoutMs) || timeoutMs <= 0) {
    throw new SetupError(`--timeout must be a whole number of milliseconds above 0 (got ${String(options.timeoutMs)})`);
  }
  const unknown = (options.only ?? []).filter((id) => !CHECK_CASES.some((check) => check.id === id));
  if (unknown.length > 0) {
    throw new SetupError(
      `unknown check ${unknown.join(', ')}; the checks are ${CHECK_CASES.map((check) => check.id).join(', ')}`,
    );
  }
  return {
    url: options.url,
    secret: options.secret,
    seed: String(options.seed ?? randomSeed()),
    timeoutMs,
    only: options.only,
    fetch: options.fetch ?? globalThis.fetch,
    now: options.now ?? (() => performance.now()),
  };
}

async function runCase(check: CheckCase, planned: PlannedDelivery[], options: ResolvedCheckOptions): Promise<CheckResult> {
  const started = options.now();
  const deliveries: DeliveryOutcome[] = [];
  for (const delivery of planned) {
    const sent = describeSent(delivery, options.url);
    const answer = await deliver(delivery, options);
    deliveries.push({ sent, answer, ok: meetsExpectation(check.expect, answer) });
  }
  const expected = `${check.expect === 'acknowledge' ? '2xx' : '4xx'} within ${options.timeoutMs} ms`;
  const base = { id: check.id, name: check.name, expected, deliveries, durationMs: Math.round(options.now() - started) };
  const firstFailure = deliveries.find((outcome) => !outcome.ok);
  if (firstFailure === undefined) return { ...base, verdict: 'pass' };
  return { ...base, verdict: 'fail', ...diagnose(check, firstFailure, deliveries.length, options.timeoutMs) };
}

function meetsExpectation(expect: Expectation, answer: HandlerAnswer): boolean {
  if (answer.status === null) return false;
  return expect === 'acknowledge' ? answer.status >= 200 && answer.status < 300 : answer.status >= 400 && answer.status < 500;
}

/** Why a check failed and how to fix it, from the first call that was answered wrongly. */
function diagnose(
  check: CheckCase,
  outcome: DeliveryOutcome,
  calls: number,
  timeoutMs: number,
): { reason: string; fix: string } {
  const which = calls > 1 ? `${outcome.sent.label} (${outcome.sent.note})` : 'the call';
  const { answer } = outcome;
  if (answer.error?.kind === 'timeout') {
    return {
      reason:
        `${which} got no answer within ${timeoutMs} ms. ImageFactory counts that as a failed delivery and ` +
        'sends it again (after 10 s, then 100 s), so slow work before the answer turns into duplicate deliveries',
      fix: 'answer 2xx as soon as the signature is verified and the body parsed; do the work (downloads, database writes) after answering, e.g. in a queue',
    };
  }
  if (answer.error?.kind === 'connection') {
    return {
      reason: `${which} could not reach the handler: ${answer.error.message}`,
      fix: 'start the handler, and check that --url is the full URL it listens on (scheme, host, port and path)',
    };
  }
  const status = answer.status as number;
  if (check.expect === 'reject' && status >= 500) {
    return {
      reason:
        `${which} was answered ${status}. Refusing it is right, but a 5xx says "my fault, try again": ` +
        'the sender retries, and monitoring sees an outage instead of a rejected forgery',
      fix: 'answer a bad or missing signature with 401 (a 4xx), before doing anything else with the body',
    };
  }
  const wanted = check.expect === 'acknowledge' ? '2xx' : '4xx';
  return { reason: `${which} was answered ${status}, expected ${wanted}: ${check.likelyCause}`, fix: check.fix };
}

function describeSent(delivery: PlannedDelivery, url: string): SentDelivery {
  return {
    label: delivery.label,
    note: delivery.note,
    method: 'POST',
    url,
    headers: headersFor(delivery),
    bodyBytes: Buffer.byteLength(delivery.body, 'utf8'),
    bodyExcerpt: excerpt(delivery.body),
  };
}

function headersFor(delivery: PlannedDelivery): Record<string, string> {
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  if (delivery.signature !== undefined) headers.Signature = delivery.signature;
  return headers;
}

function excerpt(text: string): string {
  return text.length <= EXCERPT_CHARS ? text : `${text.slice(0, EXCERPT_CHARS)}… (${text.length - EXCERPT_CHARS} more characters)`;
}

async function deliver(delivery: PlannedDelivery, options: ResolvedCheckOptions): Promise<HandlerAnswer> {
  const controller = new AbortController();
  // A real timer: the timeout is the behaviour under test, as ImageFactory's own 3-second limit is.
  const timer = setTimeout(() => controller.abort(), options.timeoutMs);
  const started = options.now();
  const latency = (): number => Math.round(options.now() - started);
  try {
    const response = await options.fetch(options.url, {
      method: 'POST',
      headers: headersFor(delivery),
      body: delivery.body,
      redirect: 'manual',
      signal: controller.signal,
    });
    const text = await response.text();
    return { status: response.status, latencyMs: latency(), bodyExcerpt: excerpt(text) };
  } catch (error) {
    if (controller.signal.aborted) {
      return {
        status: null,
        latencyMs: latency(),
        bodyExcerpt: '',
        error: { kind: 'timeout', message: `no answer within ${options.timeoutMs} ms` },
      };
    }
    return { status: null, latencyMs: latency(), bodyExcerpt: '', error: { kind: 'connection', message: describeFetchError(error) } };
  } finally {
    clearTimeout(timer);
  }
}

/** undici hides the useful part (ECONNREFUSED …) in `cause`. */
function describeFetchError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause;
  if (cause instanceof Error) {
    const code = (cause as NodeJS.ErrnoException).code;
    return code !== undefined && !cause.message.includes(code) ? `${code}: ${cause.message}` : cause.message;
  }
  return error.message;
}
