import { startMock, type MockServer } from '../../src/mock/server.js';
import type { MockOptions } from '../../src/mock/config.js';

/** A mock for tests: ephemeral port, instant latency, silent, fixed seed, no webhook unless given. */
export function startTestMock(options: MockOptions = {}): Promise<MockServer> {
  return startMock({ port: 0, latency: 'instant', logLevel: 'silent', seed: 'test-seed', webhookUrl: null, ...options });
}

export interface PostOptions {
  token?: string | null;
  accept?: string | null;
  contentType?: string | null;
  headers?: Record<string, string>;
}

/** POSTs a body (an object is JSON-encoded, a string sent as is) with the headers the service wants, unless told otherwise. */
export async function post(
  mock: MockServer,
  path: string,
  body: unknown,
  options: PostOptions = {},
): Promise<{ status: number; headers: Headers; text: string; json: () => any }> {
  const headers: Record<string, string> = { ...options.headers };
  const token = options.token === undefined ? mock.token : options.token;
  if (token !== null) headers.Authorization = `Bearer ${token}`;
  const accept = options.accept === undefined ? 'application/json' : options.accept;
  if (accept !== null) headers.Accept = accept;
  const contentType = options.contentType === undefined ? 'application/json' : options.contentType;
  if (contentType !== null) headers['Content-Type'] = contentType;
  const response = await fetch(`${mock.url}${path}`, {
    method: 'POST',
    headers,
    body: typeof body === 'string' ? body : JSON.stringify(body),
    redirect: 'manual',
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, json: () => JSON.parse(text) };
}

export const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
