import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../api/app-env.js';
import { ApiError } from '../api/errors.js';
import type { Clock } from '../pipeline/clock.js';
import type { ChaosSettings } from './profiles.js';
import type { Rng } from './rng.js';

/**
 * API-side chaos for a client's own retry logic: a render request may be answered 429 with
 * Retry-After, 500 or 503 as Laravel writes them (and no job is made), or answered late. One
 * draw per request from the seeded stream, so the same seed and the same requests give the same
 * faults.
 */
export function apiFaults(settings: ChaosSettings, rng: Rng, clock: Clock, delayScale: number): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const draw = rng.next();
    const slow = rng.next() < settings.apiSlow;
    let threshold = settings.api429;
    if (draw < threshold) {
      c.set('fault', 'api-429');
      throw new ApiError(429, 'Too Many Attempts.', {}, {
        'Retry-After': String(settings.retryAfterSeconds),
        'X-RateLimit-Limit': '60',
        'X-RateLimit-Remaining': '0',
      });
    }
    threshold += settings.api500;
    if (draw < threshold) {
      c.set('fault', 'api-500');
      throw new ApiError(500, 'Server Error');
    }
    threshold += settings.api503;
    if (draw < threshold) {
      c.set('fault', 'api-503');
      throw new ApiError(503, 'Service Unavailable', {}, { 'Retry-After': String(settings.retryAfterSeconds) });
    }
    if (slow) {
      const waitMs = Math.round(settings.apiSlowMs * delayScale);
      c.set('fault', `api-slow ${waitMs} ms`);
      await new Promise<void>((resolve) => clock.setTimeout(resolve, waitMs));
    }
    await next();
  };
}
