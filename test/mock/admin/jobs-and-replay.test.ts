import { runCommand } from 'citty';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createReplayCommand } from '../../../src/cli/replay-command.js';
import { startMock, type MockServer } from '../../../src/mock/server.js';
import { startWebhookSink, type WebhookSink } from '../../../src/testing/webhook-sink.js';
import { post } from '../../support/mock.js';

const SECRET = 'whsec_replay_tests';
let mock: MockServer;
let sink: WebhookSink;
let uuid: string;

beforeAll(async () => {
  sink = await startWebhookSink({ secret: SECRET });
  mock = await startMock({ port: 0, latency: 'instant', logLevel: 'silent', seed: 'replay', secret: SECRET, webhookUrl: sink.url, chaos: { duplicate: 1 } });
  const answer = await post(mock, '/api/request-batch-render', { theme_id: 1, themeId: 2, requests: [{ key: 'a/1', input_1: 'x' }, { key: 'b', input_1: 'y' }, { key: 'c', input_1: 'z' }] });
  uuid = answer.json().uuid;
  await mock.waitForJob(uuid);
});
afterAll(async () => {
  await mock.close();
  await sink.close();
});

describe('GET /__admin/jobs/:uuid', () => {
  it('returns the job: plan, attempts, faults, warnings and the state of every key', async () => {
    const response = await fetch(`${mock.url}/__admin/jobs/${uuid}`);
    expect(response.status).toBe(200);
    const job = (await response.json()) as any;
    expect(job).toMatchObject({ uuid, kind: 'batch', themeId: 1, seed: 'replay/1', tokenName: 'dev', summary: { renders: 3, pending: 0, delivered: 3, failed: 0 } });
    expect(job.warnings).toEqual(['themeId: unknown field, ignored as the service ignores it (did you mean theme_id?).']);
    expect(job.renders.map((render: any) => [render.key, render.state.status])).toEqual([['a/1', 'delivered'], ['b', 'delivered'], ['c', 'delivered']]);
    expect(job.calls.filter((call: any) => call.kind === 'duplicate').length).toBeGreaterThan(0);
    expect(job.faults.map((fault: any) => fault.kind)).toContain('duplicate');
    expect(job.calls[0].attempts[0]).toMatchObject({ attempt: 1, status: 200 });
    expect(job.calls[0].body).toContain('a\\/1');
  });

  it('lists jobs with their summaries', async () => {
    const body = (await (await fetch(`${mock.url}/__admin/jobs`)).json()) as any;
    expect(body.jobs).toEqual([expect.objectContaining({ uuid, kind: 'batch', theme_id: 1, settled: true, renders: 3, delivered: 3, warnings: 1 })]);
  });

  it('answers 404 JSON for an unknown job', async () => {
    const response = await fetch(`${mock.url}/__admin/jobs/00000000-0000-4000-8000-000000000000`);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({
      message: 'Job not found.',
      hint: 'The journal keeps the most recent jobs only (--max-jobs); list them at GET /__admin/jobs.',
    });
  });
});

describe('replay', () => {
  it('re-sends a call through the admin API with the same bytes and signature, marked as a replay', async () => {
    const before = sink.deliveries.length;
    const response = await fetch(`${mock.url}/__admin/jobs/${uuid}/calls/1/replay`, { method: 'POST' });
    expect(response.status).toBe(200);
    const replayed = (await response.json()) as any;
    const job = mock.journal.job(uuid)!;
    const original = job.calls.find((call) => call.number === 1)!;
    expect(replayed).toMatchObject({ kind: 'replay', note: 'replay of call 1', state: 'delivered', number: job.calls.length });
    const delivery = sink.deliveries[before]!;
    expect(delivery.rawBody).toBe(original.body);
    expect(delivery.headers.signature).toBe(original.signature);
  });

  it('re-sends through the command and says what the handler answered', async () => {
    const out: string[] = [];
    const command = createReplayCommand({ stdout: (text) => out.push(text) });
    await runCommand(command, { rawArgs: ['--job', uuid, '--call', '2', '--mock', mock.url] });
    const job = mock.journal.job(uuid)!;
    expect(out.join('')).toMatch(new RegExp(`^replayed call 2 of job ${uuid} as call ${job.calls.length} \\(\\d output\\(s\\), same bytes and Signature\\): the handler answered HTTP 200 in \\d+ ms\\.\\n$`));
  });

  it('answers 409 for a job whose token has no webhook URL', async () => {
    const token = mock.addToken({ name: 'no hook', webhookUrl: null });
    const answer = await post(mock, '/api/request-render', { theme_id: 1, key: 'k', input_1: 'x' }, { token: token.token });
    await mock.waitForJob(answer.json().uuid);
    const response = await fetch(`${mock.url}/__admin/jobs/${answer.json().uuid}/calls/1/replay`, { method: 'POST' });
    expect(response.status).toBe(409);
    expect(await response.json()).toEqual({ message: `Job ${answer.json().uuid} belongs to a token without a webhook URL, so there is nowhere to replay it to.` });
  });

  it('explains a call that does not exist', async () => {
    const command = createReplayCommand({ stdout: () => undefined });
    await expect(runCommand(command, { rawArgs: ['--job', uuid, '--call', '99', '--mock', mock.url] })).rejects.toThrow(
      `replay: Call 99 of job ${uuid} has not been sent, so there is nothing to replay.`,
    );
  });
});
