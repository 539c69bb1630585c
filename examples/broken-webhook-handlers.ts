/**
 * Deliberately broken webhook handlers, one mistake each, as seen in real apps. They exist to prove
 * that check-handler catches each mistake, and only that mistake. Select one with
 * `startWebhookHandler({ secret, flaw })` from examples/webhook-handler.ts.
 *
 * Exported and kept stable: `WEBHOOK_HANDLER_FLAWS`, `WebhookHandlerFlaw`, `brokenSteps`.
 */
import type { HandlerSteps } from './webhook-handler.js';

/** The broken variants, and the checks each one fails. */
export const WEBHOOK_HANDLER_FLAWS = [
  /** Never checks the signature: accepts forgeries. Fails tampered-body, wrong-signature, missing-signature. */
  'accepts-tampered',
  /** Checks the signature only when the header is present. Fails missing-signature. */
  'accepts-missing-signature',
  /** Verifies over JSON.stringify(JSON.parse(raw)): breaks on `\/` and `\u` escapes, i.e. on every genuine body. */
  'reserialises-body',
  /** Re-serialises and patches slashes back to `\/`: passes plain bodies, breaks on unicode. Fails escaped-characters. */
  'reserialises-escaping-slashes',
  /** Answers 409 to a delivery it has seen before. Fails duplicate-delivery. */
  'rejects-duplicates',
  /** Does the work before answering, longer than the timeout. Fails every check that expects a 2xx. */
  'slow-ack',
] as const;

export type WebhookHandlerFlaw = (typeof WEBHOOK_HANDLER_FLAWS)[number];

/**
 * The correct steps with one replaced by the flaw's. `slowWork` is the wait used by `slow-ack`.
 *
 * @example
 * const steps = brokenSteps('rejects-duplicates', correctSteps(secret), async () => {});
 */
export function brokenSteps(flaw: WebhookHandlerFlaw, correct: HandlerSteps, slowWork: () => Promise<void>): HandlerSteps {
  switch (flaw) {
    case 'accepts-tampered':
      // "We'll add the signature check later."
      return { ...correct, signatureIsValid: () => true };

    case 'accepts-missing-signature':
      // Verifies a signature if there is one; an attacker just sends none.
      return {
        ...correct,
        signatureIsValid: (rawBody, signatureHeader) =>
          signatureHeader === undefined || correct.signatureIsValid(rawBody, signatureHeader),
      };

    case 'reserialises-body':
      // What a JSON body parser middleware leads to: the raw bytes are gone, so the handler signs
      // JSON.stringify(req.body). PHP wrote `https:\/\/…` and `\u00e9`; JavaScript writes `/` and `é`.
      return {
        ...correct,
        signatureIsValid: (rawBody, signatureHeader) =>
          correct.signatureIsValid(Buffer.from(reserialise(rawBody)), signatureHeader),
      };

    case 'reserialises-escaping-slashes':
      // The "fix" after the slashes broke: put the `\/` back. Works until a key holds `é` or an emoji.
      return {
        ...correct,
        signatureIsValid: (rawBody, signatureHeader) =>
          correct.signatureIsValid(Buffer.from(reserialise(rawBody).replaceAll('/', '\\/')), signatureHeader),
      };

    case 'rejects-duplicates':
      // Treats "already have it" as an error; the sender retries, and retries again.
      return { ...correct, duplicateStatus: 409 };

    case 'slow-ack':
      // Downloads every image before answering, well past the sender's timeout.
      return { ...correct, beforeAck: slowWork };
  }
}

function reserialise(rawBody: Buffer): string {
  try {
    return JSON.stringify(JSON.parse(rawBody.toString('utf8')));
  } catch {
    return rawBody.toString('utf8');
  }
}
