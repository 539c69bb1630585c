import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MockServer } from '../../../src/mock/server.js';
import { post, startTestMock, UUID_V4 } from '../../support/mock.js';

const BATCH = '/api/request-batch-render';
const SINGLE = '/api/request-render';

let mock: MockServer;

beforeAll(async () => {
  mock = await startTestMock({ webhookUrl: 'https://app.example.test/webhooks/imagefactory', maxBodyBytes: 4_096, maxRequestsPerBatch: 3 });
});
afterAll(() => mock.close());

describe('success', () => {
  it('answers a valid batch with success, a v4 uuid and the token webhook URL', async () => {
    const answer = await post(mock, BATCH, { theme_id: 1, requests: [{ key: 'a', input_1: 'Hello' }, { key: 'b', input_1: 'World' }] });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('application/json');
    const body = answer.json();
    expect(Object.keys(body)).toEqual(['success', 'uuid', 'webhook_url']);
    expect(body.success).toBe(true);
    expect(body.uuid).toMatch(UUID_V4);
    expect(body.webhook_url).toBe('https://app.example.test/webhooks/imagefactory');
    expect(mock.journal.job(body.uuid)?.renders.map((render) => render.key)).toEqual(['a', 'b']);
  });

  it('answers a valid single render the same way', async () => {
    const answer = await post(mock, SINGLE, { theme_id: 4, key: 'p1', input_1: 'Mug', input_2: 'https://cdn.example.test/mug.png' });
    expect(answer.status).toBe(200);
    expect(answer.json()).toEqual({ success: true, uuid: expect.stringMatching(UUID_V4), webhook_url: 'https://app.example.test/webhooks/imagefactory' });
    expect(mock.journal.job(answer.json().uuid)?.kind).toBe('single');
  });

  it('accepts theme_id as a numeric string, as Laravel\'s integer rule does', async () => {
    const answer = await post(mock, BATCH, { theme_id: '2', requests: [{ key: 'a', input_1: 'Banner' }] });
    expect(answer.status).toBe(200);
    expect(mock.journal.job(answer.json().uuid)?.themeId).toBe(2);
  });

  it('ignores unknown fields but records them as warnings on the job', async () => {
    const answer = await post(mock, BATCH, { theme_id: 1, themeId: 1, requests: [{ key: 'a', input_1: 'x', input_31: 'y', input_9: 'z' }] });
    expect(answer.status).toBe(200);
    expect(mock.journal.job(answer.json().uuid)?.warnings).toEqual([
      'requests.0.input_31: unknown field, ignored as the service ignores it (inputs run input_1 … input_30).',
      'requests.0.input_9: theme 1 has no input_9; the value is ignored.',
      'themeId: unknown field, ignored as the service ignores it (did you mean theme_id?).',
    ]);
  });
});

describe('authentication', () => {
  it.each([
    ['missing', null],
    ['unknown', 'not-a-real-token'],
  ])('returns 401 Unauthenticated when the token is %s', async (_, token) => {
    const answer = await post(mock, BATCH, { theme_id: 1, requests: [{ key: 'a', input_1: 'x' }] }, { token });
    expect(answer.status).toBe(401);
    expect(answer.text).toBe('{"message":"Unauthenticated."}');
  });

  it.each([['Basic ZGV2OmRldg=='], ['Bearer'], ['Bearer  '], ['bearer']])('returns 401 for the malformed header %j', async (header) => {
    const answer = await post(mock, BATCH, { theme_id: 1, requests: [{ key: 'a', input_1: 'x' }] }, { token: null, headers: { Authorization: header } });
    expect(answer.status).toBe(401);
    expect(answer.json()).toEqual({ message: 'Unauthenticated.' });
  });

  it('takes the scheme in any case, as RFC 6750 allows', async () => {
    const answer = await post(mock, BATCH, { theme_id: 1, requests: [{ key: 'a', input_1: 'x' }] }, { token: null, headers: { Authorization: `bearer ${mock.token}` } });
    expect(answer.status).toBe(200);
  });
});

describe('Accept', () => {
  const notAcceptable = {
    message: 'Not Acceptable: send the header "Accept: application/json".',
    hint: 'ImageFactory answers API calls with JSON only when the client asks for it; without it a Laravel app answers with HTML redirects. Start the mock with --accept-mode laravel to see those instead.',
  };

  it.each([[null], ['text/html'], ['*/*'], ['text/html, application/json;q=0.5']])('returns 406 with the fix when Accept is %j', async (accept) => {
    const answer = await post(mock, BATCH, { theme_id: 1, requests: [{ key: 'a', input_1: 'x' }] }, { accept });
    expect(answer.status).toBe(406);
    expect(answer.json()).toEqual(notAcceptable);
  });

  it.each([['application/json'], ['application/json, text/plain, */*'], ['application/vnd.api+json']])('accepts %j', async (accept) => {
    const answer = await post(mock, BATCH, { theme_id: 1, requests: [{ key: 'a', input_1: 'x' }] }, { accept });
    expect(answer.status).toBe(200);
  });

  it('checks Accept before the token, so a guest without it learns the header first', async () => {
    const answer = await post(mock, BATCH, {}, { accept: null, token: null });
    expect(answer.status).toBe(406);
  });
});

describe('body format', () => {
  it('returns 415 when the body is not sent as JSON', async () => {
    const answer = await post(mock, BATCH, 'theme_id=1', { contentType: 'application/x-www-form-urlencoded' });
    expect(answer.status).toBe(415);
    expect(answer.json()).toEqual({
      message: 'Unsupported Media Type: send the body as JSON with "Content-Type: application/json" (got "application/x-www-form-urlencoded").',
    });
  });

  it('returns 413 with the cap and the flag that raises it when the body is too large', async () => {
    const requests = Array.from({ length: 200 }, (_, index) => ({ key: `key-${index}`, input_1: 'x'.repeat(20) }));
    const answer = await post(mock, BATCH, { theme_id: 1, requests });
    expect(answer.status).toBe(413);
    expect(answer.json()).toEqual({
      message: "Payload Too Large: the body is over 4096 bytes, the mock's cap.",
      hint: 'Split the batch, or raise the cap with --max-body-bytes (current 4096).',
    });
  });

  it('returns 413 for a chunked body that grows past the cap without a Content-Length', async () => {
    const chunk = new TextEncoder().encode(`{"theme_id":1,"requests":[${'{"key":"k","input_1":"xxxxxxxxxx"},'.repeat(40)}`);
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.enqueue(chunk);
      },
    });
    const response = await fetch(`${mock.url}${BATCH}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${mock.token}`, Accept: 'application/json', 'Content-Type': 'application/json' },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(response.status).toBe(413);
    expect(((await response.json()) as { message: string }).message).toBe("Payload Too Large: the body is over 4096 bytes, the mock's cap.");
  });

  it('returns 400 naming the trailing comma of the documented example and where it is', async () => {
    const documented = '{\n  "requests": [\n    {\n      "key": "a",\n      "input_1": "Hello",\n    }\n  ],\n  "theme_id": 1\n}';
    const answer = await post(mock, BATCH, documented);
    expect(answer.status).toBe(400);
    expect(answer.json().message).toBe(
      "Malformed JSON at line 6, column 5: unexpected '}'. Remove the trailing comma at line 5, column 25: JSON allows no comma before }.",
    );
    expect(answer.json().error).toMatchObject({ line: 6, column: 5, position: 72 });
  });

  it('returns 400 for single quotes with the fix', async () => {
    const answer = await post(mock, BATCH, "{'theme_id': 1}");
    expect(answer.json().message).toBe(`Malformed JSON at line 1, column 2: unexpected '''. Use double quotes: JSON strings and property names take "…", not '…'.`);
  });

  it('returns 400 for a truncated body', async () => {
    const answer = await post(mock, BATCH, '{"theme_id": 1, "requests": [');
    expect(answer.status).toBe(400);
    expect(answer.json().message).toBe('Malformed JSON at line 1, column 30: unexpected the end of the body. The body ends too early: close every open string, array and object.');
  });

  it('returns 400 for an empty body', async () => {
    const answer = await post(mock, BATCH, '');
    expect(answer.json().message).toBe(
      'Malformed JSON: the request body is empty. Send a JSON object such as {"theme_id": 1, "requests": [{"key": "a", "input_1": "Hello"}]}.',
    );
  });
});

describe('validation (422 in Laravel\'s shape)', () => {
  it('names both missing fields and counts "(and 1 more error)"', async () => {
    const answer = await post(mock, BATCH, {});
    expect(answer.status).toBe(422);
    expect(answer.text).toBe(
      '{"message":"The requests field is required. (and 1 more error)","errors":{"requests":["The requests field is required."],"theme_id":["The theme id field is required."]}}',
    );
  });

  it('counts "(and 2 more errors)" in the plural, in Laravel\'s order', async () => {
    const answer = await post(mock, BATCH, { theme_id: 1, requests: [{ input_1: 5 }, { key: 7, input_1: 'ok' }] });
    expect(answer.json()).toEqual({
      message: 'The requests.0.key field is required. (and 2 more errors)',
      errors: {
        'requests.0.key': ['The requests.0.key field is required.'],
        'requests.1.key': ['The requests.1.key field must be a string.'],
        'requests.0.input_1': ['The requests.0.input 1 field must be a string.'],
      },
    });
  });

  it.each([
    [{ theme_id: 1, requests: [] }, { requests: ['The requests field is required.'] }],
    [{ theme_id: 1, requests: 'a' }, { requests: ['The requests field must be an array.'] }],
    [{ theme_id: 1, requests: ['a'] }, { 'requests.0': ['The requests.0 field must be an array.'] }],
    [{ theme_id: 1, requests: [{ key: '', input_1: 'x' }] }, { 'requests.0.key': ['The requests.0.key field is required.'] }],
    [{ theme_id: 99, requests: [{ key: 'a', input_1: 'x' }] }, { theme_id: ['The selected theme id is invalid.'] }],
    [{ theme_id: 'one', requests: [{ key: 'a', input_1: 'x' }] }, { theme_id: ['The theme id field must be an integer.'] }],
    [{ theme_id: 1.5, requests: [{ key: 'a', input_1: 'x' }] }, { theme_id: ['The theme id field must be an integer.'] }],
    [{ theme_id: 1, requests: [{ key: 'a' }] }, { 'requests.0.input_1': ['The requests.0.input 1 field is required.'] }],
    [{ theme_id: 4, requests: [{ key: 'a', input_1: 'x', input_2: 'not a url' }] }, { 'requests.0.input_2': ['The requests.0.input 2 field must be a valid URL.'] }],
    [
      { theme_id: 4, requests: [{ key: 'a', input_1: 'x', input_2: 'http://cdn.example.test/a.png' }] },
      { 'requests.0.input_2': ['The requests.0.input 2 field must start with one of the following: https://.'] },
    ],
    [
      { theme_id: 1, requests: [{ key: 'a', input_1: 'x' }, { key: 'b', input_1: 'x' }, { key: 'c', input_1: 'x' }, { key: 'd', input_1: 'x' }] },
      { requests: ['The requests field must not have more than 3 items.'] },
    ],
  ])('rejects %j with %j', async (body, errors) => {
    const answer = await post(mock, BATCH, body);
    expect(answer.status).toBe(422);
    expect(answer.json()).toEqual({ message: Object.values(errors)[0]![0], errors });
  });

  it('validates a single render with the same rules, paths at the top level', async () => {
    const answer = await post(mock, SINGLE, { theme_id: 4, input_2: 'ftp://x' });
    expect(answer.json()).toEqual({
      message: 'The key field is required. (and 2 more errors)',
      errors: {
        key: ['The key field is required.'],
        input_1: ['The input 1 field is required.'],
        input_2: ['The input 2 field must start with one of the following: https://.'],
      },
    });
  });

  it('records no job for a rejected request', async () => {
    const before = mock.journal.allJobs().length;
    await post(mock, BATCH, { theme_id: 1 });
    expect(mock.journal.allJobs().length).toBe(before);
  });
});

describe('routes', () => {
  it('returns 404 JSON for an unknown route', async () => {
    const answer = await fetch(`${mock.url}/api/render`, { method: 'POST' });
    expect(answer.status).toBe(404);
    expect(await answer.json()).toEqual({
      message: 'Not Found: no route for POST /api/render.',
      hint: 'The render API is POST /api/request-batch-render and POST /api/request-render.',
    });
  });

  it('returns 405 JSON with Allow for a wrong method', async () => {
    const answer = await fetch(`${mock.url}${BATCH}`, { method: 'GET' });
    expect(answer.status).toBe(405);
    expect(answer.headers.get('allow')).toBe('POST');
    expect(await answer.json()).toEqual({ message: 'Method Not Allowed: GET /api/request-batch-render is not supported; use POST.' });
  });

  it('answers health with 200 once ready', async () => {
    const answer = await fetch(`${mock.url}/__admin/health`);
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({ status: 'ok' });
  });
});
