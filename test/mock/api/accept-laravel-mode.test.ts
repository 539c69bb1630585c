import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MockServer } from '../../../src/mock/server.js';
import { post, startTestMock } from '../../support/mock.js';

let mock: MockServer;
beforeAll(async () => {
  mock = await startTestMock({ acceptMode: 'laravel' });
});
afterAll(() => mock.close());

describe('--accept-mode laravel', () => {
  it('redirects a guest without a JSON Accept to /login, as Laravel\'s Authenticate middleware does', async () => {
    const answer = await post(mock, '/api/request-batch-render', {}, { accept: 'text/html', token: null });
    expect(answer.status).toBe(302);
    expect(answer.headers.get('location')).toBe(`${mock.url}/login`);
    expect(answer.headers.get('content-type')).toBe('text/html; charset=UTF-8');
    expect(answer.text).toContain(`Redirecting to <a href="${mock.url}/login">${mock.url}/login</a>.`);
  });

  it('redirects back to the Referer when validation fails without a JSON Accept', async () => {
    const answer = await post(mock, '/api/request-batch-render', {}, { accept: null, headers: { Referer: 'https://app.example.test/form' } });
    expect(answer.status).toBe(302);
    expect(answer.headers.get('location')).toBe('https://app.example.test/form');
  });

  it('redirects back on malformed JSON without a JSON Accept, as Laravel reads it as no input', async () => {
    const answer = await post(mock, '/api/request-batch-render', '{"theme_id": 1,', { accept: 'text/html', headers: { Referer: 'https://app.example.test/form' } });
    expect(answer.status).toBe(302);
    expect(answer.headers.get('location')).toBe('https://app.example.test/form');
  });

  it('still answers 401 JSON to a client that asks for JSON', async () => {
    const answer = await post(mock, '/api/request-batch-render', {}, { token: 'wrong' });
    expect(answer.status).toBe(401);
    expect(answer.json()).toEqual({ message: 'Unauthenticated.' });
  });

  it('accepts a valid request without a JSON Accept: the controller answers JSON whatever was asked', async () => {
    const answer = await post(mock, '/api/request-batch-render', { theme_id: 1, requests: [{ key: 'a', input_1: 'x' }] }, { accept: null });
    expect(answer.status).toBe(200);
    expect(answer.json().success).toBe(true);
  });
});
