import { createServer } from 'node:net';
import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import { signBody } from '../../../src/contract/signature.js';
import type { MockOptions } from '../../../src/mock/config.js';
import type { JobRecord } from '../../../src/mock/journal.js';
import { systemClock, type Clock } from '../../../src/mock/pipeline/clock.js';
import { startMock, type MockRuntime, type MockServer } from '../../../src/mock/server.js';
import { startWebhookSink, type SinkAnswer, type SinkDelivery, type WebhookSink } from '../../../src/testing/webhook-sink.js';
import { post } from '../../support/mock.js';

const SECRET = 'whsec_delivery_tests';
const running: Array<{ close: () => Promise<unknown> }> = [];

afterEach(async () => {
  await Promise.all(running.splice(0).map((thing) => thing.close()));
});

async function setUp(
  options: MockOptions = {},
  respond?: (delivery: SinkDelivery) => SinkAnswer | Promise<SinkAnswer>,
  runtime: MockRuntime = {},
): Promise<{ mock: MockServer; sink: WebhookSink }> {
  const sink = await startWebhookSink({ secret: SECRET, respond });
  const mock = await startMock({ port: 0, latency: 'instant', logLevel: 'silent', seed: 'delivery', secret: SECRET, webhookUrl: sink.url, ...options }, runtime);
  running.push(mock, sink);
  return { mock, sink };
}

const keys = (count: number, prefix = 'key') => Array.from({ length: count }, (_, index) => `${prefix}-${index}`);

async function renderBatch(mock: MockServer, keyList: string[], themeId = 1): Promise<JobRecord> {
  const answer = await post(mock, '/api/request-batch-render', { theme_id: themeId, requests: keyList.map((key) => ({ key, input_1: `Title ${key}` })) });
  expect(answer.status).toBe(200);
  return mock.waitForJob(answer.json().uuid);
}

function batchKeysInArrivalOrder(sink: WebhookSink): string[] {
  return sink.genuine().flatMap((delivery) => (delivery.parsed.kind === 'batch' ? delivery.parsed.body.output.map((output) => output.key) : []));
}

/** A port with nothing listening: connections to it are refused. */
async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('webhook delivery without chaos', () => {
  it('delivers every key exactly once, signed over the exact PHP-style bytes', async () => {
    const { mock, sink } = await setUp();
    const job = await renderBatch(mock, keys(60));
    expect(job.renders.every((render) => render.state.status === 'delivered')).toBe(true);
    expect([...sink.keyCounts().entries()].sort()).toEqual(keys(60).map((key) => [key, 1]).sort());
    for (const delivery of sink.deliveries) {
      expect(delivery.method).toBe('POST');
      expect(delivery.headers['content-type']).toBe('application/json');
      expect(delivery.headers['user-agent']).toBe('GuzzleHttp/7 (imagefactory-mock)');
      expect(delivery.signatureValid).toBe(true);
      expect(delivery.headers.signature).toBe(signBody(delivery.rawBody, SECRET));
      expect(delivery.rawBody).toContain('"public_url":"http:\\/\\/127.0.0.1:');
      expect(delivery.rawBody.startsWith(`{"uuid":"${job.uuid}","output":[{"key":"`)).toBe(true);
    }
  });

  it('spreads a large batch over more than one call', async () => {
    const { mock, sink } = await setUp();
    const job = await renderBatch(mock, keys(60));
    expect(sink.deliveries.length).toBeGreaterThan(1);
    expect(job.calls.length).toBe(sink.deliveries.length);
  });

  it('sends keys in an order different from the request order', async () => {
    const { mock, sink } = await setUp();
    await renderBatch(mock, keys(30));
    expect(batchKeysInArrivalOrder(sink)).not.toEqual(keys(30));
  });

  it('plans the same calls for the same seed and the same requests', async () => {
    const planOf = async (seed: string) => {
      const { mock } = await setUp({ seed });
      const job = await renderBatch(mock, keys(80));
      return job.calls.map((call) => call.renderIndexes);
    };
    const first = await planOf('replayable');
    expect(await planOf('replayable')).toEqual(first);
    expect(await planOf('another-seed')).not.toEqual(first);
  });

  it('records the seed on each job', async () => {
    const { mock } = await setUp({ seed: 'recorded' });
    const job = await renderBatch(mock, keys(3));
    expect(job.seed).toBe('recorded/1');
  });

  it('delivers a single render as one {uuid, public_url} call with a /storage/ URL', async () => {
    const { mock, sink } = await setUp();
    const answer = await post(mock, '/api/request-render', { theme_id: 2, key: 'solo', input_1: 'One' });
    const job = await mock.waitForJob(answer.json().uuid);
    expect(sink.deliveries).toHaveLength(1);
    const [delivery] = sink.deliveries;
    expect(delivery!.parsed).toEqual({ kind: 'single', body: { uuid: job.uuid, public_url: job.renders[0]!.publicUrl } });
    expect(job.renders[0]!.publicUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/storage\/[A-Za-z0-9]{40}\.jpg$/);
  });

  it('serves every public URL as an image of the theme\'s size and format', async () => {
    const { mock, sink } = await setUp();
    await renderBatch(mock, keys(3), 2);
    const answer = await post(mock, '/api/request-batch-render', { theme_id: 4, requests: [{ key: 'card', input_1: 'Mug', input_2: 'https://cdn.example.test/mug.png' }, { key: 'card-2', input_1: 'Cup', input_2: 'https://cdn.example.test/cup.png' }] });
    await mock.waitForJob(answer.json().uuid);
    const urls = sink.genuine().flatMap((delivery) => (delivery.parsed.kind === 'batch' ? delivery.parsed.body.output.map((output) => output.public_url) : []));
    expect(urls).toHaveLength(5);
    for (const url of urls) {
      const response = await fetch(url);
      expect(response.status).toBe(200);
      const metadata = await sharp(Buffer.from(await response.arrayBuffer())).metadata();
      const expected = url.endsWith('.png') ? { width: 800, height: 800, format: 'png' } : { width: 1200, height: 628, format: 'jpeg' };
      expect({ width: metadata.width, height: metadata.height, format: metadata.format }).toEqual(expected);
    }
  });

  it('emits an event for every attempt', async () => {
    const { mock } = await setUp();
    const seen: number[] = [];
    mock.journal.on('attempt', (_job, call, attempt) => seen.push(attempt.status ?? 0, call.number));
    const job = await renderBatch(mock, keys(5));
    expect(seen.filter((_, index) => index % 2 === 0)).toEqual(job.calls.map(() => 200));
  });
});

describe('retries and failures', () => {
  /** Wraps the system clock and records every wait the dispatcher asks for. */
  function recordingClock(): Clock & { waits: number[] } {
    const waits: number[] = [];
    return { ...systemClock, waits, setTimeout: (callback, ms) => (waits.push(ms), systemClock.setTimeout(callback, ms)) };
  }

  it('retries a 500 with the scaled 10 s and 100 s waits, then records the final failure', async () => {
    const clock = recordingClock();
    const { mock, sink } = await setUp({ latency: 'fast', timeScale: 0.001 }, () => ({ status: 500, body: 'boom' }), { clock });
    const answer = await post(mock, '/api/request-render', { theme_id: 1, key: 'k', input_1: 'x' });
    const job = await mock.waitForJob(answer.json().uuid);
    expect(sink.deliveries).toHaveLength(3);
    expect(job.calls[0]!.attempts.map((attempt) => [attempt.attempt, attempt.status, attempt.error])).toEqual([
      [1, 500, 'the handler answered HTTP 500'],
      [2, 500, 'the handler answered HTTP 500'],
      [3, 500, 'the handler answered HTTP 500'],
    ]);
    // fast preset: 10 s and 100 s × 0.1, × the time scale 0.001 → 1 ms and 10 ms.
    expect(clock.waits.filter((ms) => ms !== 3_000).slice(-2)).toEqual([1, 10]);
    expect(job.renders[0]!.state).toEqual({ status: 'failed', call: 1, reason: '3 attempt(s) failed; last: the handler answered HTTP 500' });
    expect(job.calls[0]!.state).toBe('failed');
  });

  it('counts a slow answer as a timed-out attempt and retries it', async () => {
    let calls = 0;
    const { mock } = await setUp({ delivery: { timeoutMs: 100 } }, () => (++calls === 1 ? 'hang' : { status: 204 }));
    const job = await renderBatch(mock, keys(1));
    expect(job.calls[0]!.attempts.map((attempt) => attempt.error ?? attempt.status)).toEqual(['timed out after 100 ms without an answer', 204]);
    expect(job.renders[0]!.state.status).toBe('delivered');
  });

  it('counts a reset connection as a failed attempt', async () => {
    let calls = 0;
    const { mock } = await setUp({}, () => (++calls === 1 ? 'reset' : { status: 200 }));
    const job = await renderBatch(mock, keys(1));
    expect(job.calls[0]!.attempts[0]!.error).toBe('connection reset by the handler before it answered');
    expect(job.renders[0]!.state.status).toBe('delivered');
  });

  it('records a refused connection with the likely cause', async () => {
    const port = await deadPort();
    const mock = await startMock({ port: 0, latency: 'instant', logLevel: 'silent', webhookUrl: `http://127.0.0.1:${port}/hook` });
    running.push(mock);
    const job = await renderBatch(mock, keys(2));
    expect(job.renders.map((render) => render.state)).toEqual(
      job.renders.map((render) => ({
        status: 'failed',
        call: job.calls.find((call) => call.renderIndexes.includes(job.renders.indexOf(render)))!.number,
        reason: '3 attempt(s) failed; last: connection refused (is the webhook handler running on that port?)',
      })),
    );
  });

  it('accounts for every accepted key when the receiver is slow, failing, resetting or down', async () => {
    const behaviours: SinkAnswer[] = [{ status: 500 }, 'reset', 'hang', { status: 503 }, { status: 200 }, { status: 429 }];
    let count = 0;
    const { mock } = await setUp({ delivery: { timeoutMs: 150, attempts: 2 } }, () => behaviours[count++ % behaviours.length]!);
    const jobs = await Promise.all([renderBatch(mock, keys(120, 'a')), renderBatch(mock, keys(45, 'b'), 3)]);
    for (const job of jobs) {
      expect(job.renders.filter((render) => render.state.status === 'pending')).toEqual([]);
      for (const render of job.renders) {
        if (render.state.status === 'failed') expect(render.state.reason).toMatch(/^2 attempt\(s\) failed; last: /);
      }
      const summary = mock.journal.summarise(job);
      expect(summary.delivered + summary.failed).toBe(job.renders.length);
      expect(summary.delivered).toBeGreaterThan(0);
      expect(summary.failed).toBeGreaterThan(0);
    }
  });

  it('renders but records deliveries as undeliverable for a token without a webhook URL', async () => {
    const { mock, sink } = await setUp();
    const token = mock.addToken({ name: 'no hook', webhookUrl: null });
    const answer = await post(mock, '/api/request-batch-render', { theme_id: 1, requests: [{ key: 'x', input_1: 'y' }, { key: 'z', input_1: 'w' }] }, { token: token.token });
    expect(answer.json().webhook_url).toBeNull();
    const job = await mock.waitForJob(answer.json().uuid);
    expect(sink.deliveries).toHaveLength(0);
    expect(job.calls.every((call) => call.state === 'undeliverable')).toBe(true);
    expect(job.renders[0]!.state).toEqual({ status: 'failed', call: expect.any(Number), reason: 'undeliverable: the token has no webhook URL' });
    expect((await fetch(job.renders[0]!.publicUrl)).status).toBe(200);
  });
});

describe('concurrency', () => {
  it('keeps no more calls in flight than the bound, queueing the rest', async () => {
    let arrived = 0;
    let reachedBound: () => void = () => undefined;
    const bound = new Promise<void>((resolve) => (reachedBound = resolve));
    const { mock, sink } = await setUp(
      { chaos: { split: 1 }, delivery: { concurrency: 3, timeoutMs: 60_000 }, shutdownGraceMs: 0 },
      () => {
        if (++arrived === 3) reachedBound();
        return 'hang';
      },
    );
    const answer = await post(mock, '/api/request-batch-render', { theme_id: 1, requests: keys(10).map((key) => ({ key, input_1: 'x' })) });
    await bound;
    // Every call is due at once in `instant`; beyond the bound they wait in the queue, still scheduled.
    const states = mock.journal.job(answer.json().uuid)!.calls.map((call) => call.state);
    expect(states.filter((state) => state === 'in-flight')).toHaveLength(3);
    expect(states.filter((state) => state === 'scheduled')).toHaveLength(7);
    expect(sink.deliveries).toHaveLength(3);
  });
});

describe('shutdown', () => {
  it('waits briefly for attempts in flight, then reports and fails what was not delivered', async () => {
    const { mock } = await setUp({ delivery: { timeoutMs: 60_000 }, shutdownGraceMs: 50 }, () => 'hang');
    const answer = await post(mock, '/api/request-batch-render', { theme_id: 1, requests: keys(4).map((key) => ({ key, input_1: 'x' })) });
    const uuid = answer.json().uuid as string;
    const job = mock.journal.job(uuid)!;
    const report = await mock.close();
    expect(report.undelivered).toEqual([{ uuid, pending: 4, keys: job.renders.map((render) => render.key) }]);
    expect(job.renders.every((render) => render.state.status === 'failed' && render.state.reason === 'the mock stopped before this render was delivered')).toBe(true);
  });
});
