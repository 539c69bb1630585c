import type { ContentfulStatusCode } from 'hono/utils/http-status';

/**
 * The one error type a request handler throws. `onError` in app.ts renders it, so every error
 * body the mock sends has the same shape: `{"message": …}` plus whatever `extra` adds
 * (Laravel's `errors` for a 422, a `hint` where the fix is not obvious from the message).
 */
export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    message: string,
    readonly extra: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }

  body(): Record<string, unknown> {
    return { message: this.message, ...this.extra };
  }
}

/** A mistake in how the mock was set up (flag, env, config or themes file): thrown at start. */
export class SetupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SetupError';
  }
}

export const unauthenticated = (): ApiError => new ApiError(401, 'Unauthenticated.');

export const notFound = (what: string, hint?: string): ApiError =>
  new ApiError(404, `${what} not found.`, hint ? { hint } : {});
