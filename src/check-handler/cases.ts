import { signBody } from '../contract/signature.js';
import { serialiseBatchWebhookBody, serialiseSingleWebhookBody } from '../contract/webhook-bodies.js';
import type { Rng } from '../mock/chaos/rng.js';

/**
 * The check-handler suite as data: each case says what it sends, what a correct handler answers,
 * and what a wrong answer most likely means. Pure: every random choice comes from the rng handed
 * in, so a seed replays the same bodies, keys, split points and orders.
 */

/** What a correct handler does with every call of a case. */
export type Expectation = 'acknowledge' | 'reject';

/** The stable ids of the checks, for filtering, JUnit and tests. */
export type CheckId =
  | 'valid-batch'
  | 'valid-single'
  | 'duplicate-delivery'
  | 'split-out-of-order'
  | 'large-batch'
  | 'escaped-characters'
  | 'tampered-body'
  | 'wrong-signature'
  | 'missing-signature';

/** One HTTP call a case makes. */
export interface PlannedDelivery {
  /** Which call this is, e.g. `call 2 of 4, outputs 3-5 of 9`. */
  label: string;
  /** How this call differs from a plain genuine delivery, in a few words. */
  note: string;
  /** The exact body bytes, as the mock would write them. */
  body: string;
  /** The `Signature` header; `undefined` sends none. */
  signature: string | undefined;
}

/** One named check of the suite. */
export interface CheckCase {
  id: CheckId;
  /** A sentence a report can print, e.g. `a valid batch delivery is acknowledged with 2xx`. */
  name: string;
  expect: Expectation;
  /** What a wrong status most likely means (the timeout and connection failures have their own). */
  likelyCause: string;
  /** How to fix the likely cause. */
  fix: string;
  plan(context: { rng: Rng; secret: string }): PlannedDelivery[];
}

const CDN = 'https://cdn.imagefactory.io/renders';
const STORAGE = 'https://imagefactory.io/storage';
const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const KEY_PREFIXES = ['order', 'poster', 'banner', 'thumbnail', 'story', 'card'] as const;

/** A version 4 UUID from the seeded stream (never crypto.randomUUID: it would break replay). */
export function seededUuid(rng: Rng): string {
  const bytes = Array.from({ length: 16 }, () => rng.int(0, 255));
  bytes[6] = ((bytes[6] as number) & 0x0f) | 0x40;
  bytes[8] = ((bytes[8] as number) & 0x3f) | 0x80;
  const hex = bytes.map((byte) => byte.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function outputs(rng: Rng, count: number): Array<{ key: string; public_url: string }> {
  const prefix = rng.pick(KEY_PREFIXES);
  const base = rng.int(10_000, 99_999);
  return Array.from({ length: count }, (_, index) => ({
    key: `${prefix}-${base}-${index + 1}`,
    public_url: `${CDN}/${seededUuid(rng)}.jpg`,
  }));
}

function genuine(label: string, note: string, body: string, secret: string): PlannedDelivery {
  return { label, note, body, signature: signBody(body, secret) };
}

const GENUINE_REJECTED_CAUSE =
  'the handler refused a genuine, correctly signed delivery. Either --secret is not the secret the ' +
  'handler verifies with, or the handler signs different bytes than it received (a parsed and ' +
  're-serialised body, a string decoded and re-encoded, a trimmed body), or it reads another header than `Signature`';
const GENUINE_REJECTED_FIX =
  'compute HMAC-SHA256 over the raw request body exactly as received (read the bytes before any JSON ' +
  'body parser runs), with the webhook signing secret, compare it in constant time to the `Signature` ' +
  'header, and answer 2xx';

/**
 * The suite, in the order it runs: deliveries a correct handler acknowledges first, then the ones it
 * must refuse.
 */
export const CHECK_CASES: readonly CheckCase[] = [
  {
    id: 'valid-batch',
    name: 'a valid batch delivery is acknowledged with 2xx',
    expect: 'acknowledge',
    likelyCause: GENUINE_REJECTED_CAUSE,
    fix: GENUINE_REJECTED_FIX,
    plan: ({ rng, secret }) => [
      genuine('call 1 of 1', 'genuine batch delivery', serialiseBatchWebhookBody(seededUuid(rng), outputs(rng, rng.int(2, 5))), secret),
    ],
  },
  {
    id: 'valid-single',
    name: 'a valid single-render delivery is acknowledged with 2xx',
    expect: 'acknowledge',
    likelyCause:
      'the handler refused a genuine single-render body `{"uuid":…,"public_url":…}`. It may only accept the ' +
      'batch shape with `output`, or (as for every genuine delivery) check the signature over other bytes',
    fix:
      'accept both shapes: a body with `output` is a batch call, a body with `public_url` a single render; ' +
      'and verify the signature over the raw bytes',
    plan: ({ rng, secret }) => {
      const name = Array.from({ length: 40 }, () => rng.pick([...ALPHANUMERIC])).join('');
      return [genuine('call 1 of 1', 'genuine single-render delivery', serialiseSingleWebhookBody(seededUuid(rng), `${STORAGE}/${name}.jpg`), secret)];
    },
  },
  {
    id: 'duplicate-delivery',
    name: 'a duplicate delivery (same bytes and signature again) is acknowledged with 2xx',
    expect: 'acknowledge',
    likelyCause:
      'the handler refused a delivery it had already seen. ImageFactory retries a call it thinks failed ' +
      '(a timeout, a lost answer), so the same body arrives twice in normal operation; a non-2xx answer ' +
      'makes it retry again',
    fix:
      'make the handler idempotent per (uuid, key): if the render is already recorded, do nothing and ' +
      'still answer 2xx',
    plan: ({ rng, secret }) => {
      const delivery = genuine('call 1 of 2', 'first delivery', serialiseBatchWebhookBody(seededUuid(rng), outputs(rng, rng.int(1, 3))), secret);
      return [delivery, { ...delivery, label: 'call 2 of 2', note: 'the same bytes and signature again' }];
    },
  },
  {
    id: 'split-out-of-order',
    name: 'a batch split into several calls, delivered out of order, is acknowledged with 2xx',
    expect: 'acknowledge',
    likelyCause:
      'the handler refused part of a job. ImageFactory spreads one request\'s outputs over several calls ' +
      'in any order; a handler that expects every key in one call, or the calls in order, refuses the rest',
    fix:
      'treat each call on its own: record the outputs it carries, answer 2xx, and consider the job done ' +
      'when every key you requested has arrived, whatever the order',
    plan: ({ rng, secret }) => {
      const uuid = seededUuid(rng);
      const all = outputs(rng, rng.int(6, 10));
      const parts = rng.int(3, 4);
      const cuts = rng
        .shuffle(Array.from({ length: all.length - 1 }, (_, index) => index + 1))
        .slice(0, parts - 1)
        .sort((a, b) => a - b);
      const bounds = [0, ...cuts, all.length];
      const calls = bounds.slice(0, -1).map((start, index) => {
        const end = bounds[index + 1] as number;
        return genuine(
          `call ${index + 1} of ${parts}, ${end - start === 1 ? `output ${end}` : `outputs ${start + 1}-${end}`} of ${all.length}`,
          'part of a split batch',
          serialiseBatchWebhookBody(uuid, all.slice(start, end)),
          secret,
        );
      });
      const order = rng.shuffle(calls);
      // A shuffle can come out in order; the check is about disorder, so never send it that way.
      return order.every((call, index) => call === calls[index]) ? [...calls].reverse() : order;
    },
  },
  {
    id: 'large-batch',
    name: 'a large batch (1000 outputs in one call) is acknowledged with 2xx',
    expect: 'acknowledge',
    likelyCause:
      'the handler refused a large body. A body-size limit (many frameworks default to 100 kB) answers 413, ' +
      'and per-output work done before answering can exceed the timeout',
    fix: 'allow webhook bodies of a few megabytes, and acknowledge first, then process the outputs in the background',
    plan: ({ rng, secret }) => [
      genuine('call 1 of 1', '1000 outputs in one call', serialiseBatchWebhookBody(seededUuid(rng), outputs(rng, 1000)), secret),
    ],
  },
  {
    id: 'escaped-characters',
    name: 'a body with escaped slashes, unicode and emoji in keys is acknowledged with 2xx',
    expect: 'acknowledge',
    likelyCause:
      'the handler most likely checks the signature over a re-serialised body (JSON.stringify(JSON.parse(raw)) ' +
      'or similar) instead of the raw bytes. ImageFactory writes JSON as PHP does: `\\/` for `/` and ' +
      '`\\u00e9` for `é`; re-serialising writes `/` and `é`, so the HMAC differs',
    fix:
      'verify the signature over the raw request bytes before parsing them, and never re-encode the body ' +
      '(in Express: express.raw({ type: "application/json" }) on the webhook route, or the `verify` ' +
      'callback of express.json to keep the buffer)',
    plan: ({ rng, secret }) => {
      const suffix = rng.int(100, 999);
      const keys = [
        `poster/fr-FR/café-Noël-${suffix}`,
        `emoji-😀🎉-🇫🇷-${suffix}`,
        `日本語/テスト-${suffix}`,
        `quote-"-backslash-\\-${suffix}`,
        `line\u2028separator-${suffix}`,
      ];
      const body = serialiseBatchWebhookBody(
        seededUuid(rng),
        rng.shuffle(keys).map((key) => ({ key, public_url: `${CDN}/${seededUuid(rng)}.jpg` })),
      );
      return [genuine('call 1 of 1', 'keys with /, unicode, emoji, quotes and U+2028', body, secret)];
    },
  },
  {
    id: 'tampered-body',
    name: 'a tampered body (a genuine signature of other bytes) is rejected with 4xx',
    expect: 'reject',
    likelyCause:
      'the handler accepted a body whose signature belongs to different bytes: the public_url was changed ' +
      'after signing. It does not verify the signature, or verifies it against something other than the body',
    fix:
      'compute HMAC-SHA256 of the raw body with the signing secret, compare it in constant time ' +
      '(crypto.timingSafeEqual) to the `Signature` header, and answer 401 when they differ',
    plan: ({ rng, secret }) => {
      const uuid = seededUuid(rng);
      const [output] = outputs(rng, 1) as [{ key: string; public_url: string }];
      const original = serialiseBatchWebhookBody(uuid, [output]);
      const tampered = serialiseBatchWebhookBody(uuid, [
        { key: output.key, public_url: `https://attacker.example/renders/${seededUuid(rng)}.jpg` },
      ]);
      return [
        {
          label: 'call 1 of 1',
          note: 'public_url changed to attacker.example after signing; Signature is the genuine one of the original bytes',
          body: tampered,
          signature: signBody(original, secret),
        },
      ];
    },
  },
  {
    id: 'wrong-signature',
    name: 'a delivery signed with the wrong secret is rejected with 4xx',
    expect: 'reject',
    likelyCause:
      'the handler accepted a well-formed signature made with another secret. It does not compare the ' +
      'signature at all, or compares only its format or length',
    fix: 'compare the whole HMAC-SHA256 hex digest in constant time and answer 401 when it differs',
    plan: ({ rng, secret }) => {
      const body = serialiseBatchWebhookBody(seededUuid(rng), outputs(rng, rng.int(1, 3)));
      return [{ label: 'call 1 of 1', note: 'signed with a different secret', body, signature: signBody(body, `${secret}-wrong`) }];
    },
  },
  {
    id: 'missing-signature',
    name: 'a delivery without a Signature header is rejected with 4xx',
    expect: 'reject',
    likelyCause:
      'the handler accepted a delivery with no `Signature` header: it probably verifies only when the ' +
      'header is present, so an attacker simply leaves it out',
    fix: 'treat a missing or empty `Signature` header as an invalid signature: answer 401',
    plan: ({ rng }) => [
      {
        label: 'call 1 of 1',
        note: 'no Signature header',
        body: serialiseBatchWebhookBody(seededUuid(rng), outputs(rng, rng.int(1, 3))),
        signature: undefined,
      },
    ],
  },
];
