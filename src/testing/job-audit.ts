import type { JobRecord } from '../mock/journal.js';

/**
 * Assertions over a job, for a user's test suite: did the handler acknowledge every key, refuse
 * every forged call, and take duplicates in its stride? The journal knows what the handler
 * answered to every call; what the handler itself recorded (the keys it stored) can be passed in
 * to catch keys it should never have accepted.
 */

export interface JobAudit {
  uuid: string;
  renders: number;
  /** Keys whose render was never acknowledged with a 2xx, with the journal's reason. */
  undelivered: Array<{ key: string; reason: string }>;
  /** Calls with a forged or missing signature, or a tampered body, that the handler answered 2xx. */
  forgedAccepted: Array<{ call: number; forgery: string; status: number }>;
  /** Forged calls the handler refused with 4xx, as it should. */
  forgedRejected: number;
  /** Calls sent more than once (chaos duplicates and replays), and how the handler answered them. */
  duplicates: Array<{ call: number; statuses: Array<number | null> }>;
  /** Keys the handler says it received that the job never had (only when `received` is given). */
  unknownKeys: string[];
  /** How many times the handler says it received each key (only when `received` is given). */
  receivedCounts: Map<string, number>;
}

/**
 * Reads a settled job back.
 *
 * @param received every key the handler recorded, once per time it recorded it (for example
 *   `[...sink.keyCounts()].flatMap(([key, n]) => Array(n).fill(key))`, or rows from your own table)
 */
export function auditJob(job: JobRecord, received?: Iterable<string>): JobAudit {
  const undelivered = job.renders.flatMap((render) =>
    render.state.status === 'delivered' ? [] : [{ key: render.key, reason: render.state.status === 'failed' ? render.state.reason : 'still pending' }],
  );
  const forged = job.calls.filter((call) => call.kind === 'forged');
  const answered = (status: number | null | undefined, low: number, high: number) => status !== null && status !== undefined && status >= low && status < high;
  const forgedAccepted = forged.flatMap((call) => {
    const status = call.attempts[0]?.status;
    return answered(status, 200, 300) ? [{ call: call.number, forgery: call.note ?? 'forged', status: status! }] : [];
  });
  const forgedRejected = forged.filter((call) => answered(call.attempts[0]?.status, 400, 500)).length;
  const duplicates = job.calls
    .filter((call) => call.kind === 'duplicate' || call.kind === 'replay')
    .map((call) => ({ call: call.number, statuses: call.attempts.map((attempt) => attempt.status) }));

  const jobKeys = new Set(job.renders.map((render) => render.key));
  const receivedCounts = new Map<string, number>();
  for (const key of received ?? []) receivedCounts.set(key, (receivedCounts.get(key) ?? 0) + 1);
  const unknownKeys = [...receivedCounts.keys()].filter((key) => !jobKeys.has(key));
  return { uuid: job.uuid, renders: job.renders.length, undelivered, forgedAccepted, forgedRejected, duplicates, unknownKeys, receivedCounts };
}

/** Thrown by {@link assertJobHandled}; its message lists every problem with the call numbers to look up. */
export class JobAssertionError extends Error {
  constructor(
    message: string,
    readonly audit: JobAudit,
  ) {
    super(message);
    this.name = 'JobAssertionError';
  }
}

/**
 * Throws unless every key was acknowledged, no forged call was accepted, and (when `received` is
 * given) the handler recorded no key the job did not have. Duplicates are counted, not failed:
 * a correct handler acknowledges them.
 *
 * @example
 * const job = await mock.waitForJob(uuid);
 * assertJobHandled(job, sink.received());
 */
export function assertJobHandled(job: JobRecord, received?: Iterable<string>): JobAudit {
  const audit = auditJob(job, received);
  const problems: string[] = [];
  if (audit.undelivered.length > 0) {
    const sample = audit.undelivered.slice(0, 5).map((entry) => `${entry.key} (${entry.reason})`);
    problems.push(`${audit.undelivered.length} of ${audit.renders} key(s) were never acknowledged: ${sample.join('; ')}${audit.undelivered.length > 5 ? '; …' : ''}`);
  }
  for (const entry of audit.forgedAccepted) {
    problems.push(`call ${entry.call} (${entry.forgery}) was answered ${entry.status}; a handler must verify Signature over the raw body and answer 4xx`);
  }
  if (audit.unknownKeys.length > 0) {
    problems.push(`the handler recorded key(s) the job never had: ${audit.unknownKeys.slice(0, 5).join(', ')} (it trusted a forged or tampered call)`);
  }
  if (problems.length > 0) {
    throw new JobAssertionError(`job ${job.uuid} (seed ${job.seed}) was not handled correctly:\n- ${problems.join('\n- ')}\nSee GET /__admin/jobs/${job.uuid} for every call, fault and answer.`, audit);
  }
  return audit;
}
