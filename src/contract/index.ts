/**
 * The contract kit without Pact: the wire shapes, a typed client and the webhook helpers. Nothing
 * here may import `@pact-foundation/pact` (an optional peer dependency): the Pact builders and
 * verifiers are on their own subpath, `imagefactory-mock/pact` (`./pact/index.ts`).
 */
export * from './schemas.js';
export {
  createImageFactoryClient,
  ImageFactoryRequestError,
  type ImageFactoryClient,
  type ImageFactoryClientOptions,
  type ImageFactoryErrorKind,
} from './client.js';
export { signBody, verifySignature } from './signature.js';
export {
  parseWebhookBody,
  serialiseBatchWebhookBody,
  serialiseSingleWebhookBody,
  WebhookBodyError,
  type ParsedWebhookBody,
} from './webhook-bodies.js';
