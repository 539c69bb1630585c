import { randomUUID } from 'node:crypto';
import type { AcceptedRequest } from '../api/render-routes.js';
import type { ValidatedRender } from '../api/validation.js';
import type { Rng } from '../chaos/rng.js';
import type { CallRecord, JobRecord, Journal } from '../journal.js';
import type { RenderStore } from '../render-store.js';
import type { Clock } from './clock.js';
import type { Dispatcher, ScheduledCall } from './dispatcher.js';
import type { Timing } from './latency.js';
import { planJob, type Plan } from './planner.js';

export interface IntakeDeps {
  journal: Journal;
  store: RenderStore;
  dispatcher: Dispatcher;
  clock: Clock;
  timing: Timing;
  seed: string;
  /** The root rng; each job gets its own stream, forked by its sequence number. */
  rng: Rng;
  /** Turns a plan into scheduled calls; chaos adds its faults here. */
  schedule?: (plan: Plan, job: JobRecord, rng: Rng) => ScheduledCall[];
}

/** Plain plan → calls, with no faults. */
export function scheduleGenuineCalls(plan: Plan, job: JobRecord): ScheduledCall[] {
  return plan.calls.map((planned, index) => {
    const call: CallRecord = {
      number: index + 1,
      renderIndexes: planned.renderIndexes,
      dueAt: job.acceptedAt + planned.dueMs,
      state: 'scheduled',
      attempts: [],
      kind: 'genuine',
    };
    return { call, delayMs: planned.dueMs };
  });
}

/**
 * Turns an accepted request into a job: registers its renders at public URLs, records it, plans
 * its webhook calls and hands them to the dispatcher. Job uuids are truly random (a handler must
 * never see one twice); every other choice comes from the job's seeded rng.
 */
export function createIntake(deps: IntakeDeps): (request: AcceptedRequest) => JobRecord {
  let sequence = 0;
  const schedule = deps.schedule ?? scheduleGenuineCalls;
  return (request) => {
    sequence += 1;
    const rng = deps.rng.fork(`job-${sequence}`);
    const register = (render: ValidatedRender) =>
      request.kind === 'batch' ? deps.store.registerBatchRender(request.theme, render) : deps.store.registerSingleRender(request.theme, render);
    const job: JobRecord = {
      uuid: randomUUID(),
      kind: request.kind,
      tokenName: request.token.name,
      webhookUrl: request.token.webhookUrl,
      themeId: request.theme.id,
      seed: `${deps.seed}/${sequence}`,
      acceptedAt: deps.clock.now(),
      settledAt: null,
      warnings: request.warnings,
      renders: request.renders.map((render) => ({
        key: render.key,
        publicUrl: register(render).publicUrl,
        state: { status: 'pending' },
      })),
      calls: [],
      faults: [],
    };
    deps.journal.addJob(job);
    const plan = planJob(
      {
        kind: request.kind,
        renderCount: job.renders.length,
        batchSize: request.theme.batchSize,
        latency: deps.timing.profile,
        timeScale: deps.timing.timeScale,
      },
      rng,
    );
    deps.dispatcher.schedule(job, { webhookUrl: request.token.webhookUrl, secret: request.token.secret }, schedule(plan, job, rng));
    return job;
  };
}
