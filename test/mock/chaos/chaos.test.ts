import { afterEach, describe, expect, it } from 'vitest';
import { CHAOS_PROFILES } from '../../../src/mock/chaos/profiles.js';
import type { MockOptions } from '../../../src/mock/config.js';
import type { JobRecord } from '../../../src/mock/journal.js';
import { systemClock } from '../../../src/mock/pipeline/clock.js';
import { startMock, type MockRuntime, type MockServer } from '../../../src/mock/server.js';
import { assertJobHandled, auditJob, JobAssertionError } from '../../../src/testing/job-audit.js';
import { startWebhookSink, type SinkAnswer, type SinkDelivery, type WebhookSink } from '../../../src/testing/webhook-sink.js';
import { post } from '../../support/mock.js';

const SECRET = 'whsec_chaos_tests';
const running: Array<{ close: () => Promise<unknown> }> = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((thing) => thing.close()));
});

async function setUp(options: MockOptions, respond?: (delivery: SinkDelivery) => SinkAnswer | Promise<SinkAnswer>, runtime: MockRuntime = {}) {
  const sink = await startWebhookSink({ secret: SECRET, respond });
  const mock = await startMock({ port: 0, latency: 'instant', logLevel: 'silent', seed: 'chaos', secret: SECRET, webhookUrl: sink.url, ...options }, runtime);
  running.push(mock, sink);
  return { mock, sink };
}

const requests = (count: number, prefix = 'k') => Array.from({ length: count }, (_, index) => ({ key: `${prefix}-${index}`, input_1: `Title ${index}` }));

async function runBatch(mock: MockServer, count: number, prefix?: string): Promise<JobRecord> {
  const answer = await post(mock, '/api/request-batch-render', { theme_id: 1, requests: requests(count, prefix) });
  expect(answer.status).toBe(200);
  return mock.waitForJob(answer.json().uuid);
}

/** The shape of a run, without uuids and times: what a seed must reproduce. */
function shapeOf(job: JobRecord) {
  return {
    calls: job.calls.map((call) => ({ number: call.number, kind: call.kind, renders: call.renderIndexes, note: call.note })),
    faults: job.faults,
  };
}

describe('webhook chaos', () => {
  it('replays the same calls and faults from the same seed, and others from another seed', async () => {
    const run = async (seed: string) => shapeOf(await runBatch((await setUp({ seed, chaos: 'hostile' })).mock, 80));
    const first = await run('replay-me');
    expect(await run('replay-me')).toEqual(first);
    expect(await run('something-else')).not.toEqual(first);
  });

  it('still gets every key to a correct handler under the hostile profile, and records each fault and answer', async () => {
    const { mock, sink } = await setUp({ chaos: 'hostile' });
    const job = await runBatch(mock, 150);
    const audit = assertJobHandled(job, sink.received());
    const kinds = new Set(job.faults.map((fault) => fault.kind));
    for (const kind of ['split', 'reorder', 'duplicate', 'burst', 'wrong-signature', 'missing-signature', 'tampered-body']) expect(kinds).toContain(kind);
    expect(audit.forgedRejected).toBe(job.calls.filter((call) => call.kind === 'forged').length);
    expect(audit.forgedRejected).toBeGreaterThan(0);
    expect(audit.duplicates.length).toBeGreaterThan(0);
    expect(audit.duplicates.every((duplicate) => duplicate.statuses.every((status) => status === 200))).toBe(true);
    expect(Math.min(...job.renders.map((render) => audit.receivedCounts.get(render.key) ?? 0))).toBeGreaterThanOrEqual(1);
    const forged = job.calls.find((call) => call.kind === 'forged')!;
    expect(forged.attempts).toEqual([expect.objectContaining({ attempt: 1, status: 401 })]);
  });

  it('sends forged calls as an attacker would: wrong key, no header, or a body changed after signing', async () => {
    const { mock, sink } = await setUp({ chaos: { wrongSignature: 1, missingSignature: 1, tamperedBody: 1 } });
    const job = await runBatch(mock, 2);
    const forged = sink.deliveries.filter((delivery) => !delivery.signatureValid);
    expect(forged).toHaveLength(3 * job.calls.filter((call) => call.kind === 'genuine').length);
    expect(forged.some((delivery) => delivery.headers.signature === undefined)).toBe(true);
    expect(forged.some((delivery) => delivery.rawBody.includes('"key":"tampered-k-'))).toBe(true);
    expect(job.faults.filter((fault) => fault.kind === 'tampered-body')[0]!.detail).toMatch(/^call \d+ imitates call \d+: body changed after signing; a correct handler answers 4xx$/);
  });

  it('splits calls into single-output calls at rate 1', async () => {
    const { mock, sink } = await setUp({ chaos: { split: 1 } });
    await runBatch(mock, 12);
    expect(sink.deliveries).toHaveLength(12);
    expect(sink.deliveries.every((delivery) => delivery.parsed.kind === 'batch' && delivery.parsed.body.output.length === 1)).toBe(true);
  });

  it('sends a duplicate as the same bytes and signature as the call it copies', async () => {
    const { mock, sink } = await setUp({ chaos: { duplicate: 1 } });
    const job = await runBatch(mock, 6);
    for (const duplicate of job.calls.filter((call) => call.kind === 'duplicate')) {
      const original = job.calls.find((call) => call.kind === 'genuine' && call.renderIndexes === duplicate.renderIndexes)!;
      expect(duplicate.body).toBe(original.body);
      expect(duplicate.signature).toBe(original.signature);
    }
    expect(sink.deliveries.length).toBe(job.calls.length);
  });

  it('catches a handler that accepts forged calls', async () => {
    const { mock, sink } = await setUp({ chaos: { tamperedBody: 1, wrongSignature: 1 } }, () => ({ status: 200 }));
    const job = await runBatch(mock, 3);
    const audit = auditJob(job, sink.received());
    expect(audit.forgedAccepted.length).toBeGreaterThan(0);
    expect(audit.unknownKeys.every((key) => key.startsWith('tampered-'))).toBe(true);
    expect(() => assertJobHandled(job, sink.received())).toThrow(JobAssertionError);
    expect(() => assertJobHandled(job, sink.received())).toThrow(/was answered 200; a handler must verify Signature over the raw body and answer 4xx/);
  });
});

describe('CDN lag', () => {
  it('answers 404 for a lagging image while its webhook is handled, and the image once the lag is over', async () => {
    let offset = 0;
    const clock = { ...systemClock, now: () => Date.now() + offset };
    const seen: number[] = [];
    // fast preset × time scale 0.0001: due times under a millisecond, a lag of 6,000,000 s × 0.1 × 0.0001 = 60 s,
    // ended by moving the clock on rather than by waiting.
    const { mock } = await setUp(
      { latency: 'fast', timeScale: 0.0001, chaos: { cdnLag: 1, cdnLagMs: 6_000_000_000 } },
      async (delivery) => {
        if (delivery.parsed.kind === 'batch') seen.push((await fetch(delivery.parsed.body.output[0]!.public_url)).status);
        return { status: 200 };
      },
      { clock },
    );
    const job = await runBatch(mock, 2);
    expect(seen).toEqual([404, 404]);
    offset = 60_001;
    for (const render of job.renders) expect((await fetch(render.publicUrl)).status).toBe(200);
    expect(job.faults).toContainEqual({ kind: 'cdn-lag', detail: '2 image(s) answer 404 for 60000 ms after their webhook' });
  });
});

describe('API chaos', () => {
  const body = { theme_id: 1, requests: requests(1) };

  it('answers 429 with Retry-After as Laravel\'s throttle does, and makes no job', async () => {
    const { mock } = await setUp({ chaos: { api429: 1, retryAfterSeconds: 7 } });
    const answer = await post(mock, '/api/request-batch-render', body);
    expect(answer.status).toBe(429);
    expect(answer.headers.get('retry-after')).toBe('7');
    expect(answer.json()).toEqual({ message: 'Too Many Attempts.' });
    expect(mock.journal.allJobs()).toEqual([]);
    expect(mock.journal.recentRequests().at(-1)).toMatchObject({ status: 429, fault: 'api-429' });
  });

  it.each([
    ['api500', 500, 'Server Error'],
    ['api503', 503, 'Service Unavailable'],
  ])('answers %s as %i %j', async (field, status, message) => {
    const { mock } = await setUp({ chaos: { [field]: 1 } });
    const answer = await post(mock, '/api/request-render', { theme_id: 1, key: 'a', input_1: 'x' });
    expect(answer.status).toBe(status);
    expect(answer.json()).toEqual({ message });
  });

  it('draws the same faults for the same seed and the same requests', async () => {
    const statuses = async (seed: string) => {
      const { mock } = await setUp({ seed, chaos: { api429: 0.3, api500: 0.2, api503: 0.2 } });
      const seen: number[] = [];
      for (let index = 0; index < 30; index += 1) seen.push((await post(mock, '/api/request-batch-render', body)).status);
      return seen;
    };
    const first = await statuses('api-seed');
    expect(new Set(first)).toEqual(new Set([200, 429, 500, 503]));
    expect(await statuses('api-seed')).toEqual(first);
  });
});

describe('profiles', () => {
  it('documents four profiles, off doing nothing', () => {
    expect(Object.keys(CHAOS_PROFILES)).toEqual(['off', 'gentle', 'realistic', 'hostile']);
    expect(Object.values(CHAOS_PROFILES.off).filter((value) => typeof value === 'number' && value > 0 && value < 1)).toEqual([]);
  });

  it('lets a fine-grained option override the profile', async () => {
    const { mock } = await setUp({ chaos: { profile: 'hostile', duplicate: 0, wrongSignature: 0 } });
    expect(mock.options.chaos).toEqual({ ...CHAOS_PROFILES.hostile, duplicate: 0, wrongSignature: 0 });
  });

  it('rejects an unknown profile at start', async () => {
    await expect(startMock({ port: 0, logLevel: 'silent', chaos: 'brutal' as never })).rejects.toThrow(
      'option chaos: unknown profile "brutal"; use off, gentle, realistic or hostile.',
    );
  });
});
