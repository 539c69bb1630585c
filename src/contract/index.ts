/**
 * The contract kit: the wire shapes, a typed client, webhook helpers and Pact builders.
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
export * from './pact/index.js';
