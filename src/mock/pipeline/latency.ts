import type { LatencyPreset } from '../config.js';

/**
 * What each latency preset means. `callDueMs` is the window after acceptance in which a
 * webhook call goes out (a render takes up to 30 s, as documented); `retryScale` multiplies the
 * documented retry waits (10 s, 100 s). The `timeScale` option multiplies both on top.
 */
export interface LatencyProfile {
  callDueMs: readonly [min: number, max: number];
  retryScale: number;
}

export const LATENCY_PRESETS: Readonly<Record<LatencyPreset, LatencyProfile>> = {
  /** For tests: calls go out at once and retries do not wait. */
  instant: { callDueMs: [0, 0], retryScale: 0 },
  /** The default: batches land one after another within a few seconds; retries wait 1 s and 10 s. */
  fast: { callDueMs: [200, 3_000], retryScale: 0.1 },
  /** As the service documents it: up to 30 s per render; retries wait 10 s and 100 s. */
  realistic: { callDueMs: [2_000, 30_000], retryScale: 1 },
};

export interface Timing {
  profile: LatencyProfile;
  timeScale: number;
}

/** The wait before attempt `attempt + 1` after `attempt` failed: base^attempt seconds, scaled. */
export function retryWaitMs(timing: Timing, backoffBaseSeconds: number, failedAttempt: number): number {
  return backoffBaseSeconds ** failedAttempt * 1_000 * timing.profile.retryScale * timing.timeScale;
}
