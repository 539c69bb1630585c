import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The `Signature` header of ImageFactory's webhooks: lowercase hex HMAC-SHA256 of the exact body
 * bytes, keyed with the token's webhook signing secret.
 */

const SIGNATURE_PATTERN = /^[0-9a-f]{64}$/;

/**
 * Signs `body` as ImageFactory does: HMAC-SHA256 over the exact bytes (a string is taken as UTF-8),
 * written as 64 lowercase hex digits.
 *
 * @example
 * const body = serialiseSingleWebhookBody(uuid, url);
 * await fetch(webhookUrl, { method: 'POST', body, headers: { Signature: signBody(body, secret) } });
 */
export function signBody(body: string | Uint8Array, secret: string): string {
  return createHmac('sha256', secret).update(body).digest('hex');
}

/**
 * Checks a `Signature` header against the raw body, in constant time. Surrounding whitespace and
 * upper-case hex are tolerated; a missing, empty or malformed header gives `false`, never a throw.
 *
 * Pass the body bytes exactly as they arrived: a body parsed and re-serialised is different bytes
 * (`\/` becomes `/`, `\u00e9` becomes `é`) and fails the check.
 *
 * @example
 * const raw = await readRawBody(req);
 * if (!verifySignature(raw, req.headers['signature'] as string | undefined, secret)) {
 *   res.writeHead(401).end();
 * }
 */
export function verifySignature(
  rawBody: string | Uint8Array,
  signatureHeader: string | null | undefined,
  secret: string,
): boolean {
  if (typeof signatureHeader !== 'string') return false;
  const given = signatureHeader.trim().toLowerCase();
  if (!SIGNATURE_PATTERN.test(given)) return false;
  const expected = createHmac('sha256', secret).update(rawBody).digest();
  return timingSafeEqual(Buffer.from(given, 'hex'), expected);
}
