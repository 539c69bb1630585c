// Tests of your own webhook handler: run them with `npx vitest run`.
// 1. A message pact: your handler's logic accepts both documented webhook bodies.
// 2. verifyWebhookHandler: your running handler checks signatures over the raw bytes, as sent.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PactV4, v4AsynchronousBodyHandler } from '@pact-foundation/pact';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseWebhookBody, verifySignature } from '../../src/contract/index.js';
import { addBatchWebhookMessage, addSingleWebhookMessage, verifyWebhookHandler } from '../../src/contract/pact/index.js';

// Your code: what to do with a webhook body once its signature checked out.
const saved: { key: string | null; url: string }[] = [];
function saveRenders(rawBody: string): void {
  const webhook = parseWebhookBody(rawBody);
  if (webhook.kind === 'batch') {
    for (const output of webhook.body.output) saved.push({ key: output.key, url: output.public_url });
  } else {
    saved.push({ key: null, url: webhook.body.public_url });
  }
}

// Your code: the HTTP endpoint ImageFactory calls. Check the signature over the raw bytes first.
function startMyWebhookApp(secret: string): Promise<{ baseUrl: string; close: () => Promise<void> }> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      if (req.url !== '/webhooks/imagefactory') return void res.writeHead(404).end();
      if (!verifySignature(raw, req.headers['signature'] as string | undefined, secret)) {
        return void res.writeHead(401).end();
      }
      saveRenders(raw.toString('utf8'));
      res.writeHead(200).end();
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        baseUrl: `http://127.0.0.1:${port}`,
        close: () => new Promise((done) => server.close(() => done())),
      });
    });
  });
}

const pact = new PactV4({
  consumer: 'my-shop-webhook-handler',
  provider: 'imagefactory',
  dir: process.env.PACT_DIR ?? 'pacts',
  logLevel: 'error',
});

describe('my webhook handler', () => {
  it('saves every output of a batch webhook', async () => {
    saved.length = 0;
    await addBatchWebhookMessage(pact).executeTest(
      v4AsynchronousBodyHandler(async (body) => saveRenders(JSON.stringify(body))),
    );
    expect(saved).toEqual([
      { key: 'order-1001', url: 'https://cdn.imagefactory.io/renders/0d9c0a52-2b7e-4f7e-9f3c-1e8d6b4a2c10.jpg' },
    ]);
  });

  it('saves the URL of a single-render webhook', async () => {
    saved.length = 0;
    await addSingleWebhookMessage(pact).executeTest(
      v4AsynchronousBodyHandler(async (body) => saveRenders(JSON.stringify(body))),
    );
    expect(saved).toEqual([
      { key: null, url: 'https://imagefactory.io/storage/Xb3kP9qLmN2vR7tY1wZ8cD4fG6hJ0sA5eU3iO2pQ.jpg' },
    ]);
  });

  describe('running', () => {
    const secret = 'whsec_test-secret';
    let app: { baseUrl: string; close: () => Promise<void> };
    beforeAll(async () => {
      app = await startMyWebhookApp(secret);
    });
    afterAll(() => app.close());

    it('accepts signed calls and refuses tampered, foreign and unsigned ones', async () => {
      await verifyWebhookHandler({ providerBaseUrl: app.baseUrl, path: '/webhooks/imagefactory', secret });
    });
  });
});
