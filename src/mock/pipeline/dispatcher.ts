import { signBody } from '../../contract/signature.js';
import { serialiseBatchWebhookBody, serialiseSingleWebhookBody } from '../../contract/webhook-bodies.js';
import type { DeliveryOptions } from '../config.js';
import type { AttemptRecord, CallRecord, JobRecord, Journal } from '../journal.js';
import type { Logger } from '../logger.js';
import type { Clock } from './clock.js';
import { retryWaitMs, type Timing } from './latency.js';

/**
 * The dispatcher carries out plans: at each call's due time it serialises the body as PHP would,
 * signs it, POSTs it with a timeout, retries with backoff, and writes every attempt and the final
 * state of every render to the journal. It is the one place where webhooks cross a socket.
 */

export interface DeliveryTarget {
  webhookUrl: string | null;
  secret: string;
}

export interface DispatcherDeps {
  journal: Journal;
  clock: Clock;
  fetch: typeof fetch;
  delivery: DeliveryOptions;
  timing: Timing;
  logger: Logger;
}

/** How a forged call differs from the genuine one it imitates. */
export type Forgery = 'wrong-signature' | 'missing-signature' | 'tampered-body';

export interface ScheduledCall {
  call: CallRecord;
  /** Milliseconds from now. */
  delayMs: number;
  /**
   * Set on a forged call: sent once, never retried, and settling no render, since a correct
   * handler rejects it. What the handler answered is its attempt in the journal.
   */
  forgery?: Forgery;
}

/** An attacker's edit: a key (or, in a single render's body, the URL) changed after signing. */
export function tamper(body: string): string {
  return body.includes('"key":"') ? body.replace('"key":"', '"key":"tampered-') : body.replace('"public_url":"', '"public_url":"https:\\/\\/attacker.example\\/');
}

export interface StopReport {
  /** Renders that were still pending when the mock stopped; each is now failed with that reason. */
  undelivered: Array<{ uuid: string; pending: number; keys: string[] }>;
}

/** The part of an answer kept in the journal: enough to show in a report, bounded for big answers. */
const EXCERPT_BYTES = 500;

/** Laravel's HTTP client is Guzzle; a handler that logs or filters on the user agent sees this. */
const USER_AGENT = 'GuzzleHttp/7 (imagefactory-mock)';

export function describeFetchError(error: unknown, timeoutMs: number, timedOut: boolean): string {
  if (timedOut) return `timed out after ${timeoutMs} ms without an answer`;
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  switch (cause?.code) {
    case 'ECONNREFUSED':
      return 'connection refused (is the webhook handler running on that port?)';
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
      return 'connection reset by the handler before it answered';
    case 'ENOTFOUND':
      return 'host not found';
    default:
      return cause?.message ?? (error as Error).message ?? String(error);
  }
}

export class Dispatcher {
  private readonly waiting: Array<() => void> = [];
  private readonly timers = new Set<unknown>();
  private readonly active = new Set<Promise<void>>();
  private stopped = false;

  constructor(private readonly deps: DispatcherDeps) {}

  /** Schedules the calls of an accepted job. Calls to a token without a webhook URL settle as undeliverable. */
  schedule(job: JobRecord, target: DeliveryTarget, calls: readonly ScheduledCall[]): void {
    for (const scheduled of calls) this.deps.journal.openCall(job, scheduled.call);
    for (const scheduled of calls) {
      if (!target.webhookUrl) {
        this.closeUnsent(job, scheduled, 'undeliverable', 'undeliverable: the token has no webhook URL');
      } else if (this.stopped) {
        // A request accepted on a keep-alive connection while the mock stops is still accounted for.
        this.closeUnsent(job, scheduled, 'failed', 'the mock stopped before this render was delivered');
      } else {
        this.after(scheduled.delayMs, () => this.enqueue(job, scheduled, target, 1));
      }
    }
  }

  /** Sends a recorded call again, byte for byte (its body and signature as recorded), as a replay. */
  async replay(job: JobRecord, original: CallRecord, webhookUrl: string): Promise<CallRecord> {
    const call: CallRecord = {
      number: job.calls.length + 1,
      renderIndexes: [...original.renderIndexes],
      dueAt: this.deps.clock.now(),
      state: 'scheduled',
      attempts: [],
      kind: 'replay',
      note: `replay of call ${original.number}`,
      body: original.body,
      signature: original.signature,
    };
    job.calls.push(call);
    // The secret is never used: a replay's body and signature are already fixed.
    await this.attempt(job, { call, delayMs: 0 }, { webhookUrl, secret: '' }, 1);
    return call;
  }

  /**
   * Stops scheduling, waits up to `boundMs` for attempts in flight, then fails every render still
   * pending with the reason, so that nothing is dropped silently.
   */
  async stop(boundMs: number): Promise<StopReport> {
    this.stopped = true;
    for (const timer of this.timers) this.deps.clock.clearTimeout(timer);
    this.timers.clear();
    this.waiting.length = 0;
    if (this.active.size > 0) {
      let bound: unknown;
      await Promise.race([
        Promise.allSettled([...this.active]),
        new Promise<void>((resolve) => {
          bound = this.deps.clock.setTimeout(resolve, boundMs);
        }),
      ]);
      this.deps.clock.clearTimeout(bound);
    }
    const report: StopReport = { undelivered: [] };
    for (const job of this.deps.journal.allJobs()) {
      for (const call of job.calls) {
        if (call.state !== 'scheduled' && call.state !== 'in-flight') continue;
        call.note = `${call.note ? `${call.note}; ` : ''}the mock stopped before this call was answered`;
        this.deps.journal.closeCall(job, call, 'failed', this.deps.clock.now());
      }
      const pendingIndexes = job.renders.flatMap((render, index) => (render.state.status === 'pending' ? [index] : []));
      if (pendingIndexes.length === 0) continue;
      report.undelivered.push({
        uuid: job.uuid,
        pending: pendingIndexes.length,
        keys: pendingIndexes.slice(0, 20).map((index) => job.renders[index]!.key),
      });
      for (const index of pendingIndexes) {
        this.deps.journal.settleRender(job, index, { status: 'failed', call: null, reason: 'the mock stopped before this render was delivered' }, this.deps.clock.now());
      }
    }
    return report;
  }

  private closeUnsent(job: JobRecord, scheduled: ScheduledCall, state: 'failed' | 'undeliverable', reason: string): void {
    if (!scheduled.forgery) this.settle(job, scheduled.call, 'failed', reason);
    this.deps.journal.closeCall(job, scheduled.call, state, this.deps.clock.now());
  }

  private after(delayMs: number, callback: () => void): void {
    if (this.stopped) return;
    const timer = this.deps.clock.setTimeout(() => {
      this.timers.delete(timer);
      callback();
    }, delayMs);
    this.timers.add(timer);
  }

  private enqueue(job: JobRecord, scheduled: ScheduledCall, target: DeliveryTarget, attempt: number): void {
    if (this.stopped) return;
    const run = () => {
      const task = this.attempt(job, scheduled, target, attempt).finally(() => {
        this.active.delete(task);
        this.waiting.shift()?.();
      });
      this.active.add(task);
    };
    if (this.active.size < this.deps.delivery.concurrency) run();
    else this.waiting.push(run);
  }

  private bodyOf(job: JobRecord, call: CallRecord): string {
    if (job.kind === 'single') return serialiseSingleWebhookBody(job.uuid, job.renders[0]!.publicUrl);
    return serialiseBatchWebhookBody(
      job.uuid,
      call.renderIndexes.map((index) => ({ key: job.renders[index]!.key, public_url: job.renders[index]!.publicUrl })),
    );
  }

  /** Fixes the bytes and the signature of a call the first time it goes out; retries and replays reuse them. */
  private prepare(job: JobRecord, call: CallRecord, forgery: Forgery | undefined, secret: string): void {
    const genuine = this.bodyOf(job, call);
    const signature = signBody(genuine, secret);
    switch (forgery) {
      case undefined:
        call.body = genuine;
        call.signature = signature;
        return;
      case 'wrong-signature':
        call.body = genuine;
        call.signature = signBody(genuine, `not-${secret}`);
        return;
      case 'missing-signature':
        call.body = genuine;
        return;
      case 'tampered-body':
        call.body = tamper(genuine);
        call.signature = signature;
    }
  }

  private async attempt(job: JobRecord, scheduled: ScheduledCall, target: DeliveryTarget, attempt: number): Promise<void> {
    const { call } = scheduled;
    const { clock, delivery, journal, logger } = this.deps;
    if (call.body === undefined) this.prepare(job, call, scheduled.forgery, target.secret);
    const headers: Record<string, string> = { 'Content-Type': 'application/json', 'User-Agent': USER_AGENT };
    if (call.signature !== undefined) headers.Signature = call.signature;

    call.state = 'in-flight';
    const startedAt = clock.now();
    const controller = new AbortController();
    let timedOut = false;
    const timer = clock.setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, delivery.timeoutMs);
    const record: AttemptRecord = { attempt, startedAt, status: null, latencyMs: 0 };
    try {
      const response = await this.deps.fetch(target.webhookUrl!, { method: 'POST', headers, body: call.body, signal: controller.signal });
      const text = await response.text();
      record.status = response.status;
      record.responseExcerpt = text.slice(0, EXCERPT_BYTES);
      if (!response.ok) record.error = `the handler answered HTTP ${response.status}`;
    } catch (error) {
      record.error = describeFetchError(error, delivery.timeoutMs, timedOut);
    } finally {
      clock.clearTimeout(timer);
      record.latencyMs = clock.now() - startedAt;
    }
    journal.recordAttempt(job, call, record);

    if (call.kind === 'replay') {
      call.state = record.error ? 'failed' : 'delivered';
      return;
    }
    if (scheduled.forgery) {
      // A forged call tests the handler's rejection; whatever it answered, there is nothing to retry.
      journal.closeCall(job, call, record.error ? 'failed' : 'delivered', clock.now());
      return;
    }
    if (!record.error) {
      this.settle(job, call, 'delivered');
      journal.closeCall(job, call, 'delivered', clock.now());
      // At info: in local development, seeing the calls of a job land one after another is the point.
      logger.info(`webhook ${job.uuid} call ${call.number} (${call.renderIndexes.length} output(s)${call.kind === 'genuine' ? '' : `, ${call.kind}`}) → ${record.status} in ${record.latencyMs} ms`);
      return;
    }
    if (attempt < delivery.attempts && !this.stopped) {
      const waitMs = retryWaitMs(this.deps.timing, delivery.backoffBaseSeconds, attempt);
      logger.warn(`webhook ${job.uuid} call ${call.number} attempt ${attempt}/${delivery.attempts} failed: ${record.error}; retrying in ${Math.round(waitMs)} ms`);
      call.state = 'scheduled';
      this.after(waitMs, () => this.enqueue(job, scheduled, target, attempt + 1));
      return;
    }
    logger.warn(`webhook ${job.uuid} call ${call.number} failed after ${attempt} attempt(s): ${record.error}`);
    this.settle(job, call, 'failed', `${attempt} attempt(s) failed; last: ${record.error}`);
    journal.closeCall(job, call, 'failed', clock.now());
  }

  private settle(job: JobRecord, call: CallRecord, outcome: 'delivered' | 'failed', reason = ''): void {
    const now = this.deps.clock.now();
    for (const index of call.renderIndexes) {
      if (outcome === 'delivered') this.deps.journal.settleRender(job, index, { status: 'delivered', call: call.number, at: now }, now);
      else this.deps.journal.settleRender(job, index, { status: 'failed', call: call.number, reason }, now);
    }
  }
}
