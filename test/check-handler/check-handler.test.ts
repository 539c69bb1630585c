import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import type { WebhookHandlerFlaw } from '../../examples/webhook-handler.js';
import { exampleHandlers } from '../support/example-handlers.js';
import { CHECK_CASES, checkHandler, type CheckId, type CheckReport } from '../../src/check-handler/index.js';
import { SetupError } from '../../src/mock/api/errors.js';

const secret = 'whsec_check_handler_test';
const ACK_CHECKS: CheckId[] = [
  'valid-batch',
  'valid-single',
  'duplicate-delivery',
  'split-out-of-order',
  'large-batch',
  'escaped-characters',
];

const handler = exampleHandlers(secret);

const failedIds = (report: CheckReport): CheckId[] =>
  report.results.filter((result) => result.verdict === 'fail').map((result) => result.id);

describe('checkHandler against the example handlers', () => {
  it('passes every check against the correct example handler', async () => {
    const correct = await handler();
    const report = await checkHandler({ url: correct.url, secret, seed: 1 });
    expect(failedIds(report)).toEqual([]);
    expect(report).toMatchObject({ ok: true, passed: CHECK_CASES.length, failed: 0, seed: '1', timeoutMs: 3000 });
    expect(report.results.map((result) => result.id)).toEqual(CHECK_CASES.map((check) => check.id));
  });

  it('lets no forged render through to the correct handler, and records every genuine one once', async () => {
    const correct = await handler();
    await checkHandler({ url: correct.url, secret, seed: 2 });
    expect(correct.received.filter((render) => render.publicUrl.includes('attacker.example'))).toEqual([]);
    const ids = correct.received.map((render) => `${render.uuid}/${render.key ?? ''}`);
    expect(new Set(ids).size).toBe(ids.length);
    expect(correct.received.some((render) => render.key?.includes('😀'))).toBe(true);
  });

  it.each<[WebhookHandlerFlaw, CheckId[]]>([
    ['accepts-tampered', ['tampered-body', 'wrong-signature', 'missing-signature']],
    ['accepts-missing-signature', ['missing-signature']],
    ['reserialises-body', ACK_CHECKS],
    ['reserialises-escaping-slashes', ['escaped-characters']],
    ['rejects-duplicates', ['duplicate-delivery']],
  ])('fails exactly the right checks against the %s handler', async (flaw, expected) => {
    const broken = await handler(flaw);
    const report = await checkHandler({ url: broken.url, secret, seed: 3 });
    expect(failedIds(report)).toEqual(expected);
    expect(report.ok).toBe(false);
  });

  it('flags every ack slower than the timeout against the slow-ack handler, with the reason', async () => {
    // The handler waits until it is closed, so only the timeout under test decides.
    const slow = await handler('slow-ack');
    const report = await checkHandler({ url: slow.url, secret, seed: 4, timeoutMs: 250 });
    expect(failedIds(report)).toEqual(ACK_CHECKS);
    const validBatch = report.results.find((result) => result.id === 'valid-batch');
    expect(validBatch?.deliveries[0]?.answer).toMatchObject({
      status: null,
      error: { kind: 'timeout', message: 'no answer within 250 ms' },
    });
    expect(validBatch?.reason).toBe(
      'the call got no answer within 250 ms. ImageFactory counts that as a failed delivery and sends it again ' +
        '(after 10 s, then 100 s), so slow work before the answer turns into duplicate deliveries',
    );
    expect(validBatch?.fix).toBe(
      'answer 2xx as soon as the signature is verified and the body parsed; do the work (downloads, database writes) after answering, e.g. in a queue',
    );
  });

  it('says which call of a duplicate delivery was refused, with the status and the fix', async () => {
    const broken = await handler('rejects-duplicates');
    const report = await checkHandler({ url: broken.url, secret, seed: 5, only: ['duplicate-delivery'] });
    const [result] = report.results;
    expect(result?.deliveries.map((outcome) => [outcome.sent.label, outcome.answer.status, outcome.ok])).toEqual([
      ['call 1 of 2', 200, true],
      ['call 2 of 2', 409, false],
    ]);
    expect(result?.deliveries[1]?.answer.bodyExcerpt).toBe('{"received":0,"duplicate":true}');
    expect(result?.reason).toBe(
      'call 2 of 2 (the same bytes and signature again) was answered 409, expected 2xx: the handler refused a ' +
        'delivery it had already seen. ImageFactory retries a call it thinks failed (a timeout, a lost answer), ' +
        'so the same body arrives twice in normal operation; a non-2xx answer makes it retry again',
    );
    expect(result?.fix).toBe(
      'make the handler idempotent per (uuid, key): if the render is already recorded, do nothing and still answer 2xx',
    );
  });

  it('fails a rejection answered with 5xx, explaining why a 4xx is wanted', async () => {
    const server = createServer((_request, response) => response.writeHead(500).end('boom'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const report = await checkHandler({ url: `http://127.0.0.1:${port}/hook`, secret, seed: 6, only: ['wrong-signature'] });
      expect(report.results[0]?.reason).toBe(
        'the call was answered 500. Refusing it is right, but a 5xx says "my fault, try again": the sender ' +
          'retries, and monitoring sees an outage instead of a rejected forgery',
      );
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('fails every check with a connection reason when nothing listens at the URL', async () => {
    const gone = await handler();
    await gone.close();
    const report = await checkHandler({ url: gone.url, secret, seed: 7 });
    expect(report.failed).toBe(CHECK_CASES.length);
    const [first] = report.results;
    expect(first?.deliveries[0]?.answer.error?.kind).toBe('connection');
    expect(first?.reason).toMatch(/^the call could not reach the handler: .*ECONNREFUSED/);
    expect(first?.fix).toBe(
      'start the handler, and check that --url is the full URL it listens on (scheme, host, port and path)',
    );
  });

  it('replays the same bodies and signatures for the same seed, and others for another seed', async () => {
    const correct = await handler();
    const signatures = async (seed: number | string): Promise<Array<string | undefined>> => {
      const report = await checkHandler({ url: correct.url, secret, seed });
      return report.results.flatMap((result) => result.deliveries.map((outcome) => outcome.sent.headers.Signature));
    };
    const first = await signatures('replay');
    expect(await signatures('replay')).toEqual(first);
    expect(await signatures('another')).not.toEqual(first);
  });

  it('records a random seed when none is given', async () => {
    const correct = await handler();
    const report = await checkHandler({ url: correct.url, secret, only: ['valid-single'] });
    expect(report.seed).toMatch(/^\d+$/);
  });

  it('sends the headers the mock sends: POST, Content-Type application/json, Signature', async () => {
    const seen: Array<{ method: string; headers: Record<string, string> }> = [];
    const fakeFetch: typeof fetch = async (_url, init) => {
      seen.push({ method: init?.method ?? '', headers: init?.headers as Record<string, string> });
      return new Response('ok', { status: 200 });
    };
    await checkHandler({ url: 'http://handler.test/hook', secret, seed: 8, only: ['valid-batch', 'missing-signature'], fetch: fakeFetch });
    expect(seen.map((call) => [call.method, Object.keys(call.headers)])).toEqual([
      ['POST', ['Content-Type', 'Signature']],
      ['POST', ['Content-Type']],
    ]);
    expect(seen[0]?.headers['Content-Type']).toBe('application/json');
  });

  it.each<[string, Parameters<typeof checkHandler>[0], string]>([
    ['a URL that is not http(s)', { url: 'localhost:3000/hook', secret }, '--url must be the full http:// or https:// URL of your webhook handler, e.g. http://localhost:3000/webhooks/imagefactory (got "localhost:3000/hook")'],
    ['an empty secret', { url: 'http://localhost/hook', secret: '' }, '--secret must not be empty: pass the webhook signing secret your handler verifies with'],
    ['a zero timeout', { url: 'http://localhost/hook', secret, timeoutMs: 0 }, '--timeout must be a whole number of milliseconds above 0 (got 0)'],
    ['an unknown check', { url: 'http://localhost/hook', secret, only: ['nope' as CheckId] }, `unknown check nope; the checks are ${CHECK_CASES.map((check) => check.id).join(', ')}`],
  ])('rejects %s with a SetupError before sending anything', async (_name, options, message) => {
    await expect(checkHandler(options)).rejects.toThrow(new SetupError(message));
  });
});
