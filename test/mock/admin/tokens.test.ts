import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MockServer } from '../../../src/mock/server.js';
import { post, startTestMock } from '../../support/mock.js';

let mock: MockServer;
beforeAll(async () => {
  mock = await startTestMock();
});
afterAll(() => mock.close());

async function createToken(body: unknown) {
  const response = await fetch(`${mock.url}/__admin/tokens`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as any };
}

describe('POST /__admin/tokens', () => {
  it('makes a token with a random token and signing secret, usable at once with its own webhook URL', async () => {
    const created = await createToken({ name: 'staging app', webhook_url: 'https://staging.example.test/hooks' });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      name: 'staging app',
      token: expect.stringMatching(/^ifm_[A-Za-z0-9_-]{32}$/),
      signing_secret: expect.stringMatching(/^whsec_[A-Za-z0-9_-]{32}$/),
      webhook_url: 'https://staging.example.test/hooks',
    });
    const answer = await post(mock, '/api/request-batch-render', { theme_id: 1, requests: [{ key: 'a', input_1: 'x' }] }, { token: created.body.token });
    expect(answer.status).toBe(200);
    expect(answer.json().webhook_url).toBe('https://staging.example.test/hooks');
    expect(mock.journal.job(answer.json().uuid)?.tokenName).toBe('staging app');
  });

  it('keeps a token and secret given by the caller, for fixtures that must be stable', async () => {
    const created = await createToken({ name: 'ci', webhook_url: null, token: 'fixed-ci-token', signing_secret: 'fixed-ci-secret' });
    expect(created.body).toEqual({ name: 'ci', token: 'fixed-ci-token', signing_secret: 'fixed-ci-secret', webhook_url: null });
  });

  it('returns 422 naming each field that is wrong', async () => {
    const created = await createToken({ webhook_url: 'not a url' });
    expect(created.status).toBe(422);
    expect(created.body).toEqual({
      message: 'The name field is required.',
      errors: { name: ['The name field is required.'], webhook_url: ['The webhook url field must be a valid URL.'] },
    });
  });

  it('lists tokens without their secrets', async () => {
    const response = await fetch(`${mock.url}/__admin/tokens`);
    const body = (await response.json()) as { tokens: Array<Record<string, unknown>> };
    expect(body.tokens[0]).toEqual({ name: 'dev', webhook_url: null });
    expect(JSON.stringify(body)).not.toContain(mock.secret);
  });
});
