import { runChecks, type CheckHandlerOptions, type CheckReport } from './run.js';

/**
 * The check-handler conformance suite, callable from code: the same checks as the
 * `imagefactory-mock check-handler` command.
 */

export { CHECK_CASES, seededUuid } from './cases.js';
export type { CheckCase, CheckId, Expectation, PlannedDelivery } from './cases.js';
export { toJunitXml } from './junit.js';
export { formatFailure, formatReport } from './report.js';
export { DEFAULT_CHECK_OPTIONS, randomSeed } from './run.js';
export type {
  CheckHandlerOptions,
  CheckReport,
  CheckResult,
  DeliveryOutcome,
  HandlerAnswer,
  SentDelivery,
  Verdict,
} from './run.js';

/**
 * Runs the conformance suite against a running webhook handler: valid batch and single deliveries,
 * a duplicate, a split batch out of order, a large batch, escaped characters (each acknowledged with
 * 2xx within the timeout), and a tampered body, a wrong and a missing signature (each rejected with
 * 4xx). Calls go one at a time; every random choice comes from `seed`.
 *
 * Resolves with the report whatever the handler does; rejects with a SetupError only for options
 * that cannot work (not an http(s) URL, an empty secret, a timeout that is not a positive integer).
 *
 * @param options.url the handler's full URL
 * @param options.secret the webhook signing secret the handler verifies with
 * @param [options.seed] replays a run [default: random, recorded as `report.seed`]
 * @param [options.timeoutMs=3000] how long each call may take to be answered
 * @param [options.fetch=globalThis.fetch] the fetch to send with
 *
 * @example
 * import { checkHandler, formatReport } from 'imagefactory-mock';
 *
 * const report = await checkHandler({ url: 'http://localhost:3000/webhooks/imagefactory', secret: 'whsec_…', seed: 42 });
 * expect(report.failed, formatReport(report)).toBe(0);
 */
export function checkHandler(options: CheckHandlerOptions): Promise<CheckReport> {
  return runChecks(options);
}
