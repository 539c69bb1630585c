/**
 * Runs one large instant batch in a process of its own, so that its peak memory is the mock's
 * alone: `tsx bench/large-batch-child.ts <keys> <webhookUrl>` prints one JSON line of figures.
 */
import { startMock } from '../src/mock/server.js';

const [count = '100000', webhookUrl = ''] = process.argv.slice(2);
const keys = Number(count);
const mock = await startMock({
  port: 0,
  latency: 'instant',
  logLevel: 'silent',
  seed: 'bench-large',
  webhookUrl,
  maxRequestsPerBatch: keys,
  maxBodyBytes: 64 * 1024 * 1024,
});
const body = JSON.stringify({ theme_id: 2, requests: Array.from({ length: keys }, (_, index) => ({ key: `sku-${index}`, input_1: `Product ${index}`, input_2: '€9.99' })) });
const started = performance.now();
const response = await fetch(`${mock.url}/api/request-batch-render`, {
  method: 'POST',
  headers: { Authorization: `Bearer ${mock.token}`, Accept: 'application/json', 'Content-Type': 'application/json' },
  body,
});
const { uuid } = (await response.json()) as { uuid: string };
const acceptedMs = performance.now() - started;
const job = await mock.waitForJob(uuid);
const settledMs = performance.now() - started;
const summary = mock.journal.summarise(job);
await mock.close();
console.log(JSON.stringify({ acceptedMs, settledMs, calls: job.calls.length, ...summary, peakRssMb: process.resourceUsage().maxRSS / 1024 }));
