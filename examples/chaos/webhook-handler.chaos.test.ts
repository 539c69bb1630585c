// A chaos test of your webhook handler: run it with `npx vitest run`.
// The mock splits, reorders, duplicates and bursts the webhook calls of a 200-key batch, and sends
// forged calls besides the genuine ones; the test asserts your handler stored every key once and
// refused every forgery. A failing run prints its seed: CHAOS_SEED=<seed> replays it exactly.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { assertJobHandled, startMock, type MockServer } from '../../src/index.js';
import { startWebhookHandler, type RunningWebhookHandler } from '../webhook-handler.js';

const secret = 'whsec_chaos_example';
let mock: MockServer;
let handler: RunningWebhookHandler;

beforeAll(async () => {
  handler = await startWebhookHandler({ secret }); // your handler, listening on a free port
  mock = await startMock({
    port: 0,
    latency: 'instant',
    logLevel: 'silent',
    seed: process.env.CHAOS_SEED ?? 'ci-chaos-1',
    secret,
    webhookUrl: handler.url,
    // Webhook-side chaos only: the API faults of 'hostile' are for testing your client's retries.
    chaos: { profile: 'hostile', api429: 0, api500: 0, api503: 0, apiSlow: 0 },
  });
});
afterAll(async () => {
  await mock.close();
  await handler.close();
});

it('stores every render once and refuses every forged call, whatever the order', async () => {
  const requests = Array.from({ length: 200 }, (_, index) => ({ key: `order-${index}`, input_1: `Order ${index}` }));
  const response = await fetch(`${mock.url}/api/request-batch-render`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${mock.token}`, Accept: 'application/json', 'Content-Type': 'application/json' },
    body: JSON.stringify({ theme_id: 1, requests }),
  });
  const { uuid } = (await response.json()) as { uuid: string };
  const job = await mock.waitForJob(uuid);

  // Every key acknowledged, no forged call accepted, no key the job never had; throws with details.
  const audit = assertJobHandled(job, handler.received.map((render) => render.key ?? ''));
  expect(handler.received).toHaveLength(200); // idempotent: duplicates acknowledged, stored once
  expect(audit.forgedRejected).toBeGreaterThan(0);
  expect(audit.duplicates.length).toBeGreaterThan(0);
});
