/**
 * The provider states the kit's interactions are given, one source for their names and params.
 * A provider (the mock, or anything else standing in for ImageFactory) sets them up in its
 * `stateHandlers`; the mock's own verification does exactly that.
 */

/** Names of the provider states of the render-API interactions. */
export const PROVIDER_STATES = {
  /** Params: {@link TokenStateParams}. The token exists and its webhook URL is `webhookUrl`. */
  tokenWithWebhookUrl: 'a token with a webhook URL exists',
  /** No params. Whatever token the request carries, the provider does not know it. */
  noSuchToken: 'no token exists with the sent value',
  /** Params: {@link ThemeStateParams}. Theme `id` exists and accepts the inputs named in `inputs`. */
  themeExists: 'a theme exists',
} as const;

/** Params of {@link PROVIDER_STATES}.tokenWithWebhookUrl. */
export interface TokenStateParams {
  token: string;
  webhookUrl: string;
}

/** Params of {@link PROVIDER_STATES}.themeExists. */
export interface ThemeStateParams {
  id: number;
  /** The inputs the interaction's request fills, e.g. `["input_1"]`: the theme must accept them. */
  inputs: string[];
}

/**
 * Names of the provider states of the webhook-delivery interactions, as `verifyWebhookHandler`
 * sets them up: each says how the request filter signs (or spoils) the body it sends.
 */
export const WEBHOOK_DELIVERY_STATES = {
  /** The body is signed with the handler's secret over the exact PHP-style bytes sent. */
  signed: 'the body is signed with the webhook signing secret',
  /** The body is signed, then one byte of a field changes before it is sent. */
  tamperedBody: 'the body was changed after it was signed',
  /** The body is signed with a secret that is not the handler's. */
  otherSecret: 'the body is signed with another secret',
  /** The `Signature` header is left out. */
  unsigned: 'the body carries no Signature header',
} as const;

export type WebhookDeliveryState = (typeof WEBHOOK_DELIVERY_STATES)[keyof typeof WEBHOOK_DELIVERY_STATES];
