// A consumer test of your own ImageFactory client: run it with `npx vitest run`.
// It writes pacts/my-shop-imagefactory.json, the contract your CI publishes and the mock verifies.
import { PactV4 } from '@pact-foundation/pact';
import { describe, expect, it } from 'vitest';
import { addBatchRenderAccepted, addRenderValidationFailed } from '../../src/contract/pact/index.js';

// Your code: whatever your app uses to ask ImageFactory for renders.
async function renderProductCards(baseUrl: string, token: string, products: { sku: string; name: string }[]) {
  const response = await fetch(`${baseUrl}/api/request-batch-render`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, Accept: 'application/json', 'Content-Type': 'application/json' },
    body: JSON.stringify({ theme_id: 2, requests: products.map((p) => ({ key: p.sku, input_1: p.name })) }),
  });
  const body = (await response.json()) as { uuid?: string; message?: string; errors?: Record<string, string[]> };
  if (!response.ok) throw new Error(`ImageFactory said ${response.status}: ${body.message}`);
  return body.uuid;
}

const pact = new PactV4({
  consumer: 'my-shop',
  provider: 'imagefactory',
  dir: process.env.PACT_DIR ?? 'pacts',
  logLevel: 'error',
});

describe('my shop asking ImageFactory for product cards', () => {
  it('gets a render uuid for a batch of products', async () => {
    const request = { theme_id: 2, requests: [{ key: 'sku-1', input_1: 'Blue shirt' }] };
    await addBatchRenderAccepted(pact, { request, token: 'test-token' }).executeTest(async (server) => {
      const uuid = await renderProductCards(server.url, 'test-token', [{ sku: 'sku-1', name: 'Blue shirt' }]);
      expect(uuid).toBe('9b2d8f4e-6a1c-4f3b-8d2e-5c7a9e1b3f60');
    });
  });

  it('reports the validation message when no products are sent', async () => {
    await addRenderValidationFailed(pact, {
      token: 'test-token',
      request: { theme_id: 2, requests: [] },
      message: 'The requests field is required.',
      errors: { requests: 'The requests field is required.' },
    }).executeTest(async (server) => {
      await expect(renderProductCards(server.url, 'test-token', [])).rejects.toThrow(
        'ImageFactory said 422: The requests field is required.',
      );
    });
  });
});
