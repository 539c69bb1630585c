import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createImageFactoryClient, ImageFactoryRequestError } from '../../src/contract/client.js';

interface Seen {
  method: string | undefined;
  url: string | undefined;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A real server on an ephemeral port that answers whatever the next test set up. */
let server: Server;
let baseUrl: string;
let seen: Seen[];
let answer: { status: number; body: string; contentType?: string };

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      seen.push({ method: req.method, url: req.url, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(answer.status, { 'Content-Type': answer.contentType ?? 'application/json' }).end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));
beforeEach(() => {
  seen = [];
  answer = {
    status: 200,
    body: '{"success":true,"uuid":"9b2d8f4e-6a1c-4f3b-8d2e-5c7a9e1b3f60","webhook_url":"https:\\/\\/app.example.com\\/hook"}',
  };
});

async function errorOf(promise: Promise<unknown>): Promise<ImageFactoryRequestError> {
  const error: unknown = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(ImageFactoryRequestError);
  return error as ImageFactoryRequestError;
}

describe('createImageFactoryClient', () => {
  it('posts the batch body as JSON with the bearer token and a JSON Accept header', async () => {
    const client = createImageFactoryClient({ baseUrl: `${baseUrl}/`, token: 'tok-1' });
    const accepted = await client.requestBatchRender({ theme_id: 2, requests: [{ key: 'a', input_1: 'Hi' }] });
    expect(accepted).toEqual({
      success: true,
      uuid: '9b2d8f4e-6a1c-4f3b-8d2e-5c7a9e1b3f60',
      webhook_url: 'https://app.example.com/hook',
    });
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({
      method: 'POST',
      url: '/api/request-batch-render',
      headers: { authorization: 'Bearer tok-1', accept: 'application/json', 'content-type': 'application/json' },
      body: '{"theme_id":2,"requests":[{"key":"a","input_1":"Hi"}]}',
    });
  });

  it('posts a single render to /api/request-render', async () => {
    const client = createImageFactoryClient({ baseUrl, token: 'tok-1' });
    await client.requestRender({ input_1: 'Hi', theme_id: 1, key: 'k' });
    expect(seen[0]).toMatchObject({ url: '/api/request-render', body: '{"input_1":"Hi","theme_id":1,"key":"k"}' });
  });

  it('keeps a base path of the base URL', async () => {
    const client = createImageFactoryClient({ baseUrl: `${baseUrl}/proxy/`, token: 'tok-1' });
    await client.requestRender({ input_1: 'Hi', theme_id: 1, key: 'k' });
    expect(seen[0]?.url).toBe('/proxy/api/request-render');
  });

  it('uses the fetch it is handed', async () => {
    const calls: string[] = [];
    const client = createImageFactoryClient({
      baseUrl,
      token: 'tok-1',
      fetch: (input, init) => {
        calls.push(String(input));
        return fetch(input, init);
      },
    });
    await client.requestRender({ input_1: 'Hi', theme_id: 1, key: 'k' });
    expect(calls).toEqual([`${baseUrl}/api/request-render`]);
  });

  it('throws an unauthenticated error with the service message on 401', async () => {
    answer = { status: 401, body: '{"message":"Unauthenticated."}' };
    const error = await errorOf(createImageFactoryClient({ baseUrl, token: 'bad' }).requestRender({ theme_id: 1, key: 'k' }));
    expect({ ...error, message: error.message }).toEqual({
      name: 'ImageFactoryRequestError',
      kind: 'unauthenticated',
      status: 401,
      endpoint: 'POST /api/request-render',
      message: 'Unauthenticated.',
      errors: {},
      body: { message: 'Unauthenticated.' },
    });
  });

  it('throws a not-acceptable error on 406', async () => {
    answer = { status: 406, body: '{"message":"Not Acceptable: send the header \\"Accept: application/json\\"."}' };
    const error = await errorOf(createImageFactoryClient({ baseUrl, token: 't' }).requestRender({ theme_id: 1, key: 'k' }));
    expect(error.kind).toBe('not-acceptable');
    expect(error.message).toBe('Not Acceptable: send the header "Accept: application/json".');
  });

  it('throws a validation error with the per-field messages on 422', async () => {
    answer = {
      status: 422,
      body: '{"message":"The requests field is required. (and 1 more error)","errors":{"requests":["The requests field is required."],"theme_id":["The theme id field is required."]}}',
    };
    const error = await errorOf(createImageFactoryClient({ baseUrl, token: 't' }).requestBatchRender({} as never));
    expect(error.kind).toBe('validation');
    expect(error.message).toBe('The requests field is required. (and 1 more error)');
    expect(error.errors).toEqual({
      requests: ['The requests field is required.'],
      theme_id: ['The theme id field is required.'],
    });
  });

  it('throws an unexpected-status error with the text of a non-JSON answer', async () => {
    answer = { status: 502, body: '<html>Bad Gateway</html>', contentType: 'text/html' };
    const error = await errorOf(createImageFactoryClient({ baseUrl, token: 't' }).requestRender({ theme_id: 1, key: 'k' }));
    expect(error.kind).toBe('unexpected-status');
    expect(error.message).toBe('POST /api/request-render answered 502: <html>Bad Gateway</html>');
    expect(error.body).toBe('<html>Bad Gateway</html>');
  });

  it('throws an unexpected-answer error when a 200 body is not the documented answer', async () => {
    answer = { status: 200, body: '{"success":true}' };
    const error = await errorOf(createImageFactoryClient({ baseUrl, token: 't' }).requestRender({ theme_id: 1, key: 'k' }));
    expect(error.kind).toBe('unexpected-answer');
    expect(error.message).toBe(
      'POST /api/request-render answered 200 with a body that is not {"success":true,"uuid":…,"webhook_url":…}: {"success":true}',
    );
  });

  it('refuses a base URL that is not an http(s) URL at creation', () => {
    expect(() => createImageFactoryClient({ baseUrl: 'imagefactory.io', token: 't' })).toThrow(
      'createImageFactoryClient: baseUrl "imagefactory.io" is not a URL; pass e.g. "https://imagefactory.io" or the mock\'s url',
    );
    expect(() => createImageFactoryClient({ baseUrl: 'ftp://imagefactory.io', token: 't' })).toThrow(
      'createImageFactoryClient: baseUrl "ftp://imagefactory.io" must be http:// or https://',
    );
  });

  it('refuses an empty token at creation', () => {
    expect(() => createImageFactoryClient({ baseUrl, token: ' ' })).toThrow(
      'createImageFactoryClient: token is empty; pass the API token shown when it was created',
    );
  });
});
