/**
 * `imagefactory-mock/pact`: Pact builders and verification helpers for ImageFactory's render API
 * and its webhooks. Plug the builders into your own `PactV4`; run `verifyWebhookHandler` against
 * your running handler. A subpath of its own because these modules import `@pact-foundation/pact`,
 * which only users of Pact install.
 */
export {
  addBatchRenderAccepted,
  addRenderAccepted,
  addRenderNotAcceptable,
  addRenderUnauthenticated,
  addRenderValidationFailed,
  RENDER_INTERACTION_DEFAULTS,
  type AuthenticatedOptions,
  type BatchRenderAcceptedOptions,
  type RenderAcceptedOptions,
  type RenderEndpoint,
  type RenderNotAcceptableOptions,
  type RenderUnauthenticatedOptions,
  type RenderValidationFailedOptions,
} from './render-interactions.js';
export {
  addBatchWebhookMessage,
  addSingleWebhookMessage,
  WEBHOOK_MESSAGE_DEFAULTS,
  WEBHOOK_MESSAGE_STATES,
  WEBHOOK_MESSAGES,
  type BatchWebhookMessageOptions,
  type SingleWebhookMessageOptions,
} from './webhook-messages.js';
export {
  PROVIDER_STATES,
  WEBHOOK_DELIVERY_STATES,
  type ThemeStateParams,
  type TokenStateParams,
  type WebhookDeliveryState,
} from './provider-states.js';
export {
  WEBHOOK_DELIVERY_EXAMPLES,
  WEBHOOK_DELIVERY_PACT,
  WEBHOOK_DELIVERY_PACT_FILE,
  type WebhookDeliveryExample,
} from './webhook-deliveries.js';
export {
  verifyWebhookHandler,
  WebhookHandlerVerificationError,
  type VerifyWebhookHandlerOptions,
  type WebhookCallRecord,
} from './verify-webhook-handler.js';
export { mockStateHandlers, type MockStateHandler } from './mock-states.js';
export { HTTP_URL_PATTERN, SIGNATURE_PATTERN, UUID_V4_PATTERN, type ReadyHttpInteraction, type ReadyMessageInteraction } from './matchers.js';
