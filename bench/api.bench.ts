/**
 * Issue 2's budget: accepted batch requests (10 renders each) per second, against a bare Hono
 * handler that answers a constant JSON, both over real HTTP on loopback, interleaved in one run.
 * Target: the mock at ≥ 50% of the bare handler's rate.
 */
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import type { AddressInfo } from 'node:net';
import { startMock } from '../src/mock/server.js';
import { compareRates, type BenchFigure } from './lib.js';

const CONCURRENCY = 8;

export async function run(): Promise<BenchFigure[]> {
  const bare = new Hono();
  bare.post('/api/request-batch-render', (c) =>
    c.json({ success: true, uuid: '6f1c2f0e-8a4b-4c4e-9a57-8f6f0b9f2f11', webhook_url: 'https://app.example.test/hook' }),
  );
  const bareServer = serve({ fetch: bare.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise((resolve) => bareServer.once('listening', resolve));
  const bareUrl = `http://127.0.0.1:${(bareServer.address() as AddressInfo).port}`;
  // No webhook URL: every job is accepted, planned and settled as undeliverable, with no socket traffic besides the API.
  const mock = await startMock({ port: 0, latency: 'instant', logLevel: 'silent', webhookUrl: null, seed: 'bench' });

  const body = JSON.stringify({
    theme_id: 1,
    requests: Array.from({ length: 10 }, (_, index) => ({ key: `order-${index}`, input_1: `Headline ${index}`, input_2: 'Sub/line é' })),
  });
  const headers = { Authorization: `Bearer ${mock.token}`, Accept: 'application/json', 'Content-Type': 'application/json' };
  const send = (base: string) => async () => {
    const response = await fetch(`${base}/api/request-batch-render`, { method: 'POST', headers, body });
    if (response.status !== 200) throw new Error(`unexpected ${response.status}: ${await response.text()}`);
    await response.arrayBuffer();
  };

  const result = await compareRates(send(bareUrl), send(mock.url), { rounds: 7, roundMs: 1_500, concurrency: CONCURRENCY });
  await mock.close();
  bareServer.close();
  return [
    { name: 'bare Hono constant JSON (requests/s, median of 7)', value: result.baseline, unit: 'req/s' },
    { name: 'mock: accepted 10-render batches (requests/s, median of 7)', value: result.subject, unit: 'req/s' },
    { name: 'mock / bare', value: result.ratio, unit: '×', budget: { target: '≥ 0.50', met: result.ratio >= 0.5 } },
  ];
}
