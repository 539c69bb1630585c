/**
 * imagefactory-mock: what users import. The mock server, the wire shapes and a typed client,
 * webhook helpers, the handler conformance check, and test helpers. The Pact builders live on
 * their own subpath, `imagefactory-mock/pact`, so that only users of Pact need Pact installed.
 */
export { startMock, type MockServer, type MockRuntime } from './mock/server.js';
export {
  DEFAULT_OPTIONS,
  type MockOptions,
  type DeliveryOptions,
  type LatencyPreset,
  type AcceptMode,
  type LogLevel,
  type TokenOption,
} from './mock/config.js';
export { CHAOS_PROFILES, type ChaosOption, type ChaosProfileName, type ChaosSettings } from './mock/chaos/profiles.js';
export type { JobRecord, CallRecord, AttemptRecord, RenderRecord, RenderState, FaultRecord, JobSummary } from './mock/journal.js';
export type { StopReport } from './mock/pipeline/dispatcher.js';
export type { TokenRecord, NewToken } from './mock/api/tokens.js';
export { BUILT_IN_THEMES, themeSchema, type Theme, type ThemeInput } from './fixtures/themes.js';
export { fakeBatchRequest, fakeSingleRequest, type FakeRequestOptions } from './fixtures/generate.js';
export * from './contract/index.js';
export * from './check-handler/index.js';
export { startWebhookSink, type WebhookSink, type WebhookSinkOptions, type SinkDelivery, type SinkAnswer } from './testing/webhook-sink.js';
export { auditJob, assertJobHandled, JobAssertionError, type JobAudit } from './testing/job-audit.js';
