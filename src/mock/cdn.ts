import { Hono, type Context } from 'hono';
import { notFound } from './api/errors.js';
import type { RenderStore } from './render-store.js';

/** A render's bytes never change under its URL, so clients and proxies may keep them for good. */
const CACHE_CONTROL = 'public, max-age=31536000, immutable';

/**
 * The CDN: `GET` and `HEAD` on `/renders/<uuid>.<ext>` (batch renders) and
 * `/storage/<40 letters and digits>.<ext>` (single renders), with Content-Type, Content-Length,
 * a strong ETag, `If-None-Match` → 304, and a long immutable Cache-Control. Unknown names throw
 * `notFound`, which the app's `onError` renders as `{"message":"Render not found.","hint":…}`.
 *
 * @example
 * app.route('/', createCdnRoutes(store));
 */
export function createCdnRoutes(store: RenderStore): Hono {
  const app = new Hono();
  app.on(['GET', 'HEAD'], ['/renders/:file', '/storage/:file'], async (c) => serve(c, store));
  return app;
}

async function serve(c: Context, store: RenderStore): Promise<Response> {
  const path = c.req.path;
  if (!store.lookup(path)) {
    throw notFound(
      'Render',
      `Nothing is registered at ${path}. Public URLs come from webhooks: batch renders at /renders/<uuid>.<ext>, ` +
        'single renders at /storage/<40 letters and digits>.<ext>, with the extension of the theme\'s format. ' +
        'The mock keeps renders in memory only, forgets the oldest past its limit, and forgets all of them when it stops.',
    );
  }
  const image = await store.fetchImage(path);
  if (!image) {
    throw notFound('Render', `${path} is registered but not on the CDN yet (simulated CDN lag). Retry in a moment.`);
  }

  const headers = { ETag: image.etag, 'Cache-Control': CACHE_CONTROL };
  if (matchesEtag(c.req.header('If-None-Match'), image.etag)) return c.body(null, 304, headers);
  // sharp's output buffers are never shared memory; the cast spares a copy of every image.
  return c.body(image.bytes as Uint8Array<ArrayBuffer>, 200, {
    ...headers,
    'Content-Type': image.contentType,
    'Content-Length': String(image.bytes.byteLength),
  });
}

/** `If-None-Match` uses the weak comparison (RFC 9110 §13.1.2): `W/` is ignored, `*` matches. */
function matchesEtag(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((candidate) => {
    const tag = candidate.trim();
    return tag === '*' || tag.replace(/^W\//, '') === etag;
  });
}
