import { EventEmitter } from 'node:events';

/**
 * The bounded in-memory record of what the mock did: API requests, jobs, their plans, every
 * webhook attempt and the final state of every accepted render. The dispatcher writes to it; the
 * admin API, `waitForJob` and the tests read from it.
 */

export type RenderState =
  | { status: 'pending' }
  | { status: 'delivered'; call: number; at: number }
  | { status: 'failed'; call: number | null; reason: string };

export interface AttemptRecord {
  attempt: number;
  startedAt: number;
  /** HTTP status of the answer; null when there was none (timeout, refused, reset). */
  status: number | null;
  latencyMs: number;
  /** Why the attempt failed; absent when it succeeded. */
  error?: string;
  /** The first bytes of the answer, for the report. */
  responseExcerpt?: string;
}

export type CallState = 'scheduled' | 'in-flight' | 'delivered' | 'failed' | 'undeliverable';

export interface CallRecord {
  /** 1-based, in the order the plan sends them. */
  number: number;
  /** Indexes into the job's renders. */
  renderIndexes: number[];
  dueAt: number;
  state: CallState;
  attempts: AttemptRecord[];
  /** The exact bytes sent and their signature: what a replay sends again. */
  body?: string;
  signature?: string;
  /** Set on calls that chaos added (a duplicate, a forged signature, …) and on replays. */
  kind: 'genuine' | 'duplicate' | 'forged' | 'replay';
  note?: string;
}

export interface FaultRecord {
  kind: string;
  call?: number;
  detail: string;
}

export interface RenderRecord {
  key: string;
  publicUrl: string;
  state: RenderState;
}

export interface JobRecord {
  uuid: string;
  kind: 'batch' | 'single';
  tokenName: string;
  webhookUrl: string | null;
  themeId: number;
  seed: string;
  acceptedAt: number;
  settledAt: number | null;
  warnings: string[];
  renders: RenderRecord[];
  calls: CallRecord[];
  faults: FaultRecord[];
}

export interface RequestRecord {
  at: number;
  method: string;
  path: string;
  status: number;
  jobUuid?: string;
  /** The API-side chaos fault that answered this request, if one did. */
  fault?: string;
}

export interface JournalEvents {
  attempt: [job: JobRecord, call: CallRecord, attempt: AttemptRecord];
  settled: [job: JobRecord];
}

export interface JobSummary {
  renders: number;
  pending: number;
  delivered: number;
  failed: number;
}

/** Most API requests kept; older ones drop off first. */
const MAX_REQUESTS = 1_000;

export class Journal extends EventEmitter<JournalEvents> {
  private readonly jobs = new Map<string, JobRecord>();
  private readonly requests: RequestRecord[] = [];
  private nextRequest = 0;
  /** Per unsettled job: renders not yet delivered or failed, and calls not yet finished. */
  private readonly open = new Map<string, { renders: number; calls: number }>();

  constructor(private readonly maxJobs: number) {
    super();
    // Every `waitForJob` listens here; a test suite may wait on many jobs at once.
    this.setMaxListeners(0);
  }

  /** A ring: once full, each new request overwrites the oldest, with no shifting of the rest. */
  recordRequest(request: RequestRecord): void {
    this.requests[this.nextRequest % MAX_REQUESTS] = request;
    this.nextRequest += 1;
  }

  /** The most recent API requests, oldest first. */
  recentRequests(): readonly RequestRecord[] {
    if (this.nextRequest <= MAX_REQUESTS) return this.requests;
    const start = this.nextRequest % MAX_REQUESTS;
    return [...this.requests.slice(start), ...this.requests.slice(0, start)];
  }

  addJob(job: JobRecord): void {
    this.jobs.set(job.uuid, job);
    this.open.set(job.uuid, { renders: job.renders.filter((render) => render.state.status === 'pending').length, calls: 0 });
    this.evict();
  }

  job(uuid: string): JobRecord | undefined {
    return this.jobs.get(uuid);
  }

  allJobs(): JobRecord[] {
    return [...this.jobs.values()];
  }

  /** Settles one render. Settling twice is a no-op. */
  settleRender(job: JobRecord, index: number, state: Exclude<RenderState, { status: 'pending' }>, now: number): void {
    const render = job.renders[index];
    if (!render || render.state.status !== 'pending') return;
    render.state = state;
    const open = this.open.get(job.uuid);
    if (open) open.renders -= 1;
    this.settleIfDone(job, now);
  }

  /** A call joins the job's plan; the job is not settled until it has finished. */
  openCall(job: JobRecord, call: CallRecord): void {
    job.calls.push(call);
    const open = this.open.get(job.uuid);
    if (open) open.calls += 1;
  }

  /** A call is done with: delivered, failed for good, or undeliverable. Closing twice is a no-op. */
  closeCall(job: JobRecord, call: CallRecord, state: Exclude<CallState, 'scheduled' | 'in-flight'>, now: number): void {
    if (call.state === 'delivered' || call.state === 'failed' || call.state === 'undeliverable') return;
    call.state = state;
    const open = this.open.get(job.uuid);
    if (open) open.calls -= 1;
    this.settleIfDone(job, now);
  }

  /** Settled: every render delivered or failed, and every call, duplicates and forgeries included, finished. */
  isSettled(job: JobRecord): boolean {
    return !this.open.has(job.uuid);
  }

  private settleIfDone(job: JobRecord, now: number): void {
    const open = this.open.get(job.uuid);
    if (!open || open.renders > 0 || open.calls > 0) return;
    this.open.delete(job.uuid);
    job.settledAt = now;
    this.emit('settled', job);
    this.evict();
  }

  recordAttempt(job: JobRecord, call: CallRecord, attempt: AttemptRecord): void {
    call.attempts.push(attempt);
    this.emit('attempt', job, call, attempt);
  }

  summarise(job: JobRecord): JobSummary {
    const summary: JobSummary = { renders: job.renders.length, pending: 0, delivered: 0, failed: 0 };
    for (const render of job.renders) summary[render.state.status] += 1;
    return summary;
  }

  /** Drops the oldest settled jobs beyond the bound; unsettled jobs are never dropped. */
  private evict(): void {
    if (this.jobs.size <= this.maxJobs) return;
    for (const [uuid, job] of this.jobs) {
      if (this.jobs.size <= this.maxJobs) return;
      if (job.settledAt !== null) {
        this.jobs.delete(uuid);
      }
    }
  }
}
