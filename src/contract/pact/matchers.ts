import { MatchersV3, type PactV4 } from '@pact-foundation/pact';

/**
 * Matchers and Pact stage types the builders share. The stage types are derived from `PactV4`
 * itself rather than imported from Pact's internal paths, so a Pact minor release that moves its
 * files does not break the kit.
 */

/** The stage of an HTTP interaction that only has `executeTest` left. */
export type ReadyHttpInteraction = ReturnType<
  ReturnType<ReturnType<PactV4['addInteraction']>['withRequest']>['willRespondWith']
>;

/** The stage of an asynchronous message interaction that only has `executeTest` left. */
export type ReadyMessageInteraction = ReturnType<
  ReturnType<PactV4['addAsynchronousInteraction']>['expectsToReceive']
>;

/** A version-4 UUID, lowercase as the service writes it. */
export const UUID_V4_PATTERN = '^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$';

/** An absolute http(s) URL. The docs show https; a mock or staging CDN may serve plain http. */
export const HTTP_URL_PATTERN = '^https?://[^\\s/]+(/\\S*)?$';

/** The `Signature` header: 64 lowercase hex digits. */
export const SIGNATURE_PATTERN = '^[0-9a-f]{64}$';

/** A bearer token of any shape. */
export const BEARER_PATTERN = '^Bearer \\S+$';

/** A version-4 uuid, with `example` as the value the consumer test sees. */
export const uuidV4 = (example: string): ReturnType<typeof MatchersV3.regex> =>
  MatchersV3.regex(UUID_V4_PATTERN, example);

/** An absolute http(s) URL, with `example` as the value the consumer test sees. */
export const httpUrl = (example: string): ReturnType<typeof MatchersV3.regex> =>
  MatchersV3.regex(HTTP_URL_PATTERN, example);
