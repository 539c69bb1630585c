import type { z } from 'zod';
import { phpJsonEncode } from '../mock/pipeline/php-json.js';
import { firstJsonErrorOffset } from './json-error-position.js';
import {
  batchWebhookBodySchema,
  singleWebhookBodySchema,
  type BatchWebhookBody,
  type SingleWebhookBody,
} from './schemas.js';

/**
 * Webhook bodies as the real service writes them (PHP `json_encode`, fixed key order), and a
 * strict parser for them. The mock's dispatcher, the check-handler suite and the kit's client all
 * go through these, so the bytes they sign are the bytes the service would sign.
 */

/** A webhook body that is not JSON, or not one of the two documented shapes. */
export class WebhookBodyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WebhookBodyError';
  }
}

/** The result of {@link parseWebhookBody}: which of the two documented shapes, and its fields. */
export type ParsedWebhookBody =
  | { kind: 'batch'; body: BatchWebhookBody }
  | { kind: 'single'; body: SingleWebhookBody };

/**
 * The body of one batch webhook call: `{"uuid":…,"output":[{"key":…,"public_url":…}]}`, PHP-escaped.
 *
 * @example
 * serialiseBatchWebhookBody('5b1f…', [{ key: 'a', public_url: 'https://cdn.test/renders/1.jpg' }]);
 * // '{"uuid":"5b1f…","output":[{"key":"a","public_url":"https:\\/\\/cdn.test\\/renders\\/1.jpg"}]}'
 */
export function serialiseBatchWebhookBody(
  uuid: string,
  outputs: ReadonlyArray<{ key: string; public_url: string }>,
): string {
  // Rebuilt field by field so the key order is the service's whatever order the caller used.
  return phpJsonEncode({
    uuid,
    output: outputs.map((output) => ({ key: output.key, public_url: output.public_url })),
  });
}

/**
 * The body of a single-render webhook call: `{"uuid":…,"public_url":…}`, PHP-escaped.
 *
 * @example
 * serialiseSingleWebhookBody('5b1f…', 'https://imagefactory.io/storage/abc.jpg');
 * // '{"uuid":"5b1f…","public_url":"https:\\/\\/imagefactory.io\\/storage\\/abc.jpg"}'
 */
export function serialiseSingleWebhookBody(uuid: string, publicUrl: string): string {
  return phpJsonEncode({ uuid, public_url: publicUrl });
}

/**
 * Parses and validates a webhook body (raw bytes or text). A body with `output` is a batch call,
 * a body with `public_url` and no `output` a single-render call.
 *
 * @throws WebhookBodyError naming the field, what was wrong and the fix, e.g.
 *   `webhook body: output.2.public_url must be a URL (got "x")`.
 *
 * @example
 * const parsed = parseWebhookBody(rawBody);
 * if (parsed.kind === 'batch') for (const { key, public_url } of parsed.body.output) save(key, public_url);
 */
export function parseWebhookBody(raw: string | Uint8Array): ParsedWebhookBody {
  const text = typeof raw === 'string' ? raw : decodeUtf8(raw);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new WebhookBodyError(`webhook body: not valid JSON (${jsonErrorWhere(text)}); ${BODY_FIX}`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new WebhookBodyError(
      `webhook body: must be a JSON object (got ${describe(data)}); ${BODY_FIX}`,
    );
  }
  if ('output' in data) {
    return { kind: 'batch', body: validate(batchWebhookBodySchema, data) };
  }
  if ('public_url' in data) {
    return { kind: 'single', body: validate(singleWebhookBodySchema, data) };
  }
  throw new WebhookBodyError(
    'webhook body: has neither output (a batch call) nor public_url (a single-render call); ' +
      BODY_FIX,
  );
}

const BODY_FIX =
  'send {"uuid":…,"output":[{"key":…,"public_url":…}]} or {"uuid":…,"public_url":…}';

function decodeUtf8(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new WebhookBodyError('webhook body: not valid UTF-8; send the body as UTF-8 JSON');
  }
}

function jsonErrorWhere(text: string): string {
  if (text.trim() === '') return 'the body is empty';
  const position = firstJsonErrorOffset(text);
  if (position >= text.length) return `unexpected end at position ${text.length}`;
  const near = text.slice(Math.max(0, position - 10), position + 10);
  return `at position ${position}, near ${JSON.stringify(near)}`;
}

function validate<T extends z.ZodType>(schema: T, data: object): z.output<T> {
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  if (issue === undefined) throw new WebhookBodyError('webhook body: invalid');
  const path = issue.path.map(String).join('.');
  const got = valueAt(data, issue.path);
  throw new WebhookBodyError(`webhook body: ${path || 'body'} ${explain(issue, got)}`);
}

function explain(issue: z.core.$ZodIssue, got: { found: boolean; value?: unknown }): string {
  if (!got.found) return 'is missing; add it';
  const shown = describe(got.value);
  switch (issue.code) {
    case 'invalid_format':
      if (issue.format === 'url') return `must be a URL (got ${shown})`;
      if (issue.format === 'uuid') return `must be a UUID (got ${shown})`;
      return `must be a ${issue.format} (got ${shown})`;
    case 'invalid_type':
      return `must be ${article(issue.expected)} (got ${shown})`;
    case 'too_small':
      return `must have at least ${String(issue.minimum)} item (got ${shown})`;
    default:
      return `${issue.message.toLowerCase()} (got ${shown})`;
  }
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

function valueAt(data: unknown, path: ReadonlyArray<PropertyKey>): { found: boolean; value?: unknown } {
  let current: unknown = data;
  for (const segment of path) {
    if (typeof current !== 'object' || current === null || !(segment in current)) {
      return { found: false };
    }
    current = (current as Record<PropertyKey, unknown>)[segment];
  }
  return { found: true, value: current };
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return value.length === 0 ? 'an empty array' : 'an array';
  if (typeof value === 'string') {
    return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  }
  if (typeof value === 'object') return 'an object';
  return String(value);
}
