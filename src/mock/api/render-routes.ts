import { Hono, type Context, type MiddlewareHandler } from 'hono';
import type { Theme } from '../../fixtures/themes.js';
import type { AcceptMode } from '../config.js';
import type { AppEnv } from './app-env.js';
import type { JobRecord } from '../journal.js';
import { wantsJson } from './accept.js';
import { ApiError, unauthenticated } from './errors.js';
import { parseJsonBody } from './json-body.js';
import { readBodyText } from './read-body.js';
import { bearerToken, type TokenRecord, type TokenRegistry } from './tokens.js';
import {
  summariseErrors,
  validateBatchRequest,
  validateSingleRequest,
  type ValidatedRender,
  type ValidationResult,
} from './validation.js';

/** A validated request, handed to the pipeline, which records the job and answers with its uuid. */
export interface AcceptedRequest {
  kind: 'batch' | 'single';
  token: TokenRecord;
  theme: Theme;
  renders: ValidatedRender[];
  warnings: string[];
}

export interface RenderRouteDeps {
  tokens: TokenRegistry;
  themes: () => ReadonlyMap<number, Theme>;
  acceptMode: AcceptMode;
  maxBodyBytes: number;
  maxRequestsPerBatch: number;
  accept: (request: AcceptedRequest) => JobRecord;
  /** Runs before each render request is handled: where API-side chaos steps in. */
  before?: MiddlewareHandler<AppEnv>;
}

type Validator = typeof validateBatchRequest;

/**
 * A guest without a JSON Accept header, in `laravel` accept mode: Laravel's Authenticate
 * middleware redirects to the login route, and a failed validation redirects back.
 */
function laravelRedirect(c: Context, location: string): Response {
  const escaped = location.replaceAll('&', '&amp;').replaceAll('"', '&quot;');
  const html = `<!DOCTYPE html>\n<html>\n    <head>\n        <meta charset="UTF-8" />\n        <meta http-equiv="refresh" content="0;url='${escaped}'" />\n\n        <title>Redirecting to ${escaped}</title>\n    </head>\n    <body>\n        Redirecting to <a href="${escaped}">${escaped}</a>.\n    </body>\n</html>`;
  return c.html(html, 302, { Location: location });
}

/** Parsed only on the redirect paths: an accepted request has no use for it. */
function originOf(c: Context): string {
  return new URL(c.req.url).origin;
}

function parseOrEmpty(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return {};
  }
}

function isJsonContentType(header: string | undefined): boolean {
  const type = (header ?? '').split(';')[0]!.trim().toLowerCase();
  return type === 'application/json' || /^application\/[\w.-]+\+json$/.test(type);
}

/** The two render endpoints of the service, checked in the order the real one checks them. */
export function createRenderRoutes(deps: RenderRouteDeps): Hono<AppEnv> {
  const routes = new Hono<AppEnv>();
  const limits = { maxRequestsPerBatch: deps.maxRequestsPerBatch };

  const handle = (kind: 'batch' | 'single', validate: Validator) => async (c: Context<AppEnv>) => {
    const json = wantsJson(c.req.header('Accept'));
    if (!json && deps.acceptMode === 'strict') {
      throw new ApiError(406, 'Not Acceptable: send the header "Accept: application/json".', {
        hint: 'ImageFactory answers API calls with JSON only when the client asks for it; without it a Laravel app answers with HTML redirects. Start the mock with --accept-mode laravel to see those instead.',
      });
    }
    const token = deps.tokens.find(bearerToken(c.req.header('Authorization')) ?? '');
    if (!token) {
      if (!json) return laravelRedirect(c, `${originOf(c)}/login`);
      throw unauthenticated();
    }
    if (!isJsonContentType(c.req.header('Content-Type'))) {
      throw new ApiError(415, `Unsupported Media Type: send the body as JSON with "Content-Type: application/json" (got ${JSON.stringify(c.req.header('Content-Type') ?? 'none')}).`);
    }
    const text = await readBodyText(c, deps.maxBodyBytes);
    // Laravel reads a body it cannot parse as no input at all, so a guest's bad JSON ends in the
    // validation redirect; a client that asked for JSON gets the 400 that says where it broke.
    const body = !json && deps.acceptMode === 'laravel' ? parseOrEmpty(text) : parseJsonBody(text);
    const result: ValidationResult = validate(body, deps.themes(), limits);
    if (!result.ok) {
      if (!json) return laravelRedirect(c, c.req.header('Referer') ?? `${originOf(c)}/`);
      throw new ApiError(422, summariseErrors(result.errors), { errors: result.errors });
    }
    const job = deps.accept({ kind, token, theme: result.theme, renders: result.renders, warnings: result.warnings });
    c.set('jobUuid', job.uuid);
    return c.json({ success: true, uuid: job.uuid, webhook_url: token.webhookUrl });
  };

  const before: MiddlewareHandler<AppEnv> = deps.before ?? (async (_, next) => next());
  routes.post('/api/request-batch-render', before, handle('batch', validateBatchRequest));
  routes.post('/api/request-render', before, handle('single', validateSingleRequest));
  for (const path of ['/api/request-batch-render', '/api/request-render']) {
    routes.all(path, (c) => {
      throw new ApiError(405, `Method Not Allowed: ${c.req.method} ${path} is not supported; use POST.`, {}, { Allow: 'POST' });
    });
  }
  return routes;
}
