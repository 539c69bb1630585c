import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import { BUILT_IN_THEMES } from '../../src/fixtures/themes.js';
import { ApiError } from '../../src/mock/api/errors.js';
import { createCdnRoutes } from '../../src/mock/cdn.js';
import { RenderStore, type Availability, type RenderStoreOptions } from '../../src/mock/render-store.js';

const squarePost = BUILT_IN_THEMES[0]!;
const productCard = BUILT_IN_THEMES[3]!;
const UUID_V4 = '[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}';
const CACHE_CONTROL = 'public, max-age=31536000, immutable';
const UNKNOWN_HINT = (path: string) =>
  `Nothing is registered at ${path}. Public URLs come from webhooks: batch renders at /renders/<uuid>.<ext>, ` +
  "single renders at /storage/<40 letters and digits>.<ext>, with the extension of the theme's format. " +
  'The mock keeps renders in memory only, forgets the oldest past its limit, and forgets all of them when it stops.';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

/** The CDN routes behind a real socket, with the app's onError, and a store whose base URL is that socket's. */
async function startCdn(options: Omit<RenderStoreOptions, 'publicBaseUrl'> = {}) {
  let url = '';
  const store = new RenderStore({ ...options, publicBaseUrl: () => url });
  const app = new Hono();
  app.route('/', createCdnRoutes(store));
  app.onError((error, c) => {
    if (error instanceof ApiError) return c.json(error.body(), error.status, error.headers);
    throw error;
  });
  const server = await new Promise<Server>((resolve) => {
    const listening = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(listening as Server));
  });
  const address = server.address();
  if (typeof address !== 'object' || !address) throw new Error('server has no address');
  url = `http://127.0.0.1:${address.port}`;
  closers.push(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return { store, url };
}

const render = (key: string) => ({ key, inputs: { input_1: `Headline for ${key}`, input_2: 'https://cdn.example.com/p.jpg' } });

async function fetchBytes(url: string, init?: RequestInit) {
  const response = await fetch(url, init);
  return { response, bytes: Buffer.from(await response.arrayBuffer()) };
}

describe('RenderStore public URLs', () => {
  it('registers batch renders at <base>/renders/<uuid v4>.<theme format>', async () => {
    const store = new RenderStore({ publicBaseUrl: 'https://cdn.example.test/' });

    const jpg = store.registerBatchRender(squarePost, render('a'));
    const png = store.registerBatchRender(productCard, render('b'));

    expect(jpg.publicUrl).toMatch(new RegExp(`^https://cdn\\.example\\.test/renders/${UUID_V4}\\.jpg$`));
    expect(jpg.publicUrl).toBe(`https://cdn.example.test/renders/${jpg.id}.jpg`);
    expect(png.publicUrl).toBe(`https://cdn.example.test/renders/${png.id}.png`);
    expect(png.id).toMatch(new RegExp(`^${UUID_V4}$`));
  });

  it('registers single renders at <base>/storage/<40 letters and digits>.<theme format>', async () => {
    const store = new RenderStore({ publicBaseUrl: 'https://imagefactory.example.test' });

    const single = store.registerSingleRender(squarePost, render('a'));

    expect(single.publicUrl).toMatch(/^https:\/\/imagefactory\.example\.test\/storage\/[A-Za-z0-9]{40}\.jpg$/);
    expect(single.publicUrl).toBe(`https://imagefactory.example.test/storage/${single.id}.jpg`);
  });

  it('reads a function base URL at each registration', () => {
    let base = 'http://first.test';
    const store = new RenderStore({ publicBaseUrl: () => base });

    const before = store.registerBatchRender(squarePost, render('a'));
    base = 'http://host.docker.internal:4010/';
    const after = store.registerBatchRender(squarePost, render('b'));

    expect(before.publicUrl).toBe(`http://first.test/renders/${before.id}.jpg`);
    expect(after.publicUrl).toBe(`http://host.docker.internal:4010/renders/${after.id}.jpg`);
  });

  it('draws ids from the injected random source', () => {
    const counting = () => {
      let next = 0;
      return (size: number) => Uint8Array.from({ length: size }, () => next++ % 256);
    };
    const first = new RenderStore({ publicBaseUrl: 'http://x.test', random: counting() });
    const second = new RenderStore({ publicBaseUrl: 'http://x.test', random: counting() });

    const ids = (store: RenderStore) => [store.registerBatchRender(squarePost, render('a')).id, store.registerSingleRender(squarePost, render('b')).id];

    expect(ids(first)).toEqual(ids(second));
    expect(ids(new RenderStore({ publicBaseUrl: 'http://x.test', random: counting() }))).toEqual([
      '00010203-0405-4607-8809-0a0b0c0d0e0f',
      'QRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123',
    ]);
  });

  it('finds a render by path or by full public URL', () => {
    const store = new RenderStore({ publicBaseUrl: 'http://x.test/prefix' });
    const { id, publicUrl } = store.registerBatchRender(squarePost, render('a'));

    expect(store.lookup(`/renders/${id}.jpg`)?.key).toBe('a');
    expect(store.lookup(publicUrl)?.key).toBe('a');
    expect(store.lookup(`/renders/${id}.png`)).toBeUndefined();
    expect(store.lookup(`/storage/${id}.jpg`)).toBeUndefined();
  });
});

describe('CDN routes', () => {
  it('serves a batch render over HTTP with type, length, strong ETag and immutable caching', async () => {
    const { store, url } = await startCdn();
    const { publicUrl } = store.registerBatchRender(squarePost, render('order-1'));

    const { response, bytes } = await fetchBytes(publicUrl);

    expect(publicUrl).toMatch(new RegExp(`^${url}/renders/${UUID_V4}\\.jpg$`));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/jpeg');
    expect(response.headers.get('content-length')).toBe(String(bytes.length));
    expect(response.headers.get('cache-control')).toBe(CACHE_CONTROL);
    expect(response.headers.get('etag')).toMatch(/^"[A-Za-z0-9_-]{32}"$/);
    const { width, height, format } = await sharp(bytes).metadata();
    expect({ width, height, format }).toEqual({ width: 1080, height: 1080, format: 'jpeg' });
  });

  it('serves a single render of a png theme at /storage/<40 alnum>.png', async () => {
    const { store, url } = await startCdn();
    const { publicUrl } = store.registerSingleRender(productCard, render('sku-1'));

    const { response, bytes } = await fetchBytes(publicUrl);

    expect(publicUrl).toMatch(new RegExp(`^${url}/storage/[A-Za-z0-9]{40}\\.png$`));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/png');
    expect(response.headers.get('content-length')).toBe(String(bytes.length));
    const { width, height, format } = await sharp(bytes).metadata();
    expect({ width, height, format }).toEqual({ width: 800, height: 800, format: 'png' });
  });

  it('answers HEAD with the headers of GET and no body', async () => {
    const { store } = await startCdn();
    const { publicUrl } = store.registerBatchRender(squarePost, render('order-1'));

    const head = await fetchBytes(publicUrl, { method: 'HEAD' });
    const get = await fetchBytes(publicUrl);

    expect(head.response.status).toBe(200);
    expect(head.bytes.length).toBe(0);
    for (const name of ['content-type', 'content-length', 'etag', 'cache-control']) {
      expect({ name, value: head.response.headers.get(name) }).toEqual({ name, value: get.response.headers.get(name) });
    }
    expect(head.response.headers.get('content-length')).toBe(String(get.bytes.length));
  });

  it('answers 304 with no body when If-None-Match carries the ETag, plain, weak or *', async () => {
    const { store } = await startCdn();
    const { publicUrl } = store.registerBatchRender(squarePost, render('order-1'));
    const etag = (await fetch(publicUrl)).headers.get('etag')!;

    for (const ifNoneMatch of [etag, `W/${etag}`, `"other", ${etag}`, '*']) {
      const { response, bytes } = await fetchBytes(publicUrl, { headers: { 'If-None-Match': ifNoneMatch } });
      expect({ ifNoneMatch, status: response.status, length: bytes.length, etag: response.headers.get('etag') }).toEqual({
        ifNoneMatch,
        status: 304,
        length: 0,
        etag,
      });
      expect(response.headers.get('cache-control')).toBe(CACHE_CONTROL);
    }
  });

  it('answers 200 when If-None-Match carries another ETag', async () => {
    const { store } = await startCdn();
    const { publicUrl } = store.registerBatchRender(squarePost, render('order-1'));

    const { response, bytes } = await fetchBytes(publicUrl, { headers: { 'If-None-Match': '"stale"' } });

    expect(response.status).toBe(200);
    expect(response.headers.get('content-length')).toBe(String(bytes.length));
  });

  it('answers 404 JSON with a hint for an unknown name, a wrong extension and a wrong folder', async () => {
    const { store, url } = await startCdn();
    const { id } = store.registerBatchRender(squarePost, render('order-1'));

    for (const path of [
      '/renders/00000000-0000-4000-8000-000000000000.jpg',
      `/renders/${id}.png`,
      `/storage/${id}.jpg`,
    ]) {
      const response = await fetch(`${url}${path}`);
      expect({ path, status: response.status, type: response.headers.get('content-type') }).toEqual({
        path,
        status: 404,
        type: 'application/json',
      });
      expect(await response.json()).toEqual({ message: 'Render not found.', hint: UNKNOWN_HINT(path) });
    }
  });

  it('answers 404 JSON while availability says the CDN does not have the image yet, then serves it', async () => {
    let availability: Availability = 'not-yet';
    const { store, url } = await startCdn({ availability: () => availability });
    const { publicUrl } = store.registerBatchRender(squarePost, render('order-1'));
    const path = publicUrl.slice(url.length);

    const early = await fetch(publicUrl);
    const earlyBody = await early.json();
    availability = 'ok';
    const late = await fetch(publicUrl);
    await late.arrayBuffer();

    expect(early.status).toBe(404);
    expect(earlyBody).toEqual({
      message: 'Render not found.',
      hint: `${path} is registered but not on the CDN yet (simulated CDN lag). Retry in a moment.`,
    });
    expect(late.status).toBe(200);
  });

  it('waits for an availability promise, so a slow CDN can be simulated', async () => {
    let asked: () => void = () => undefined;
    const wasAsked = new Promise<void>((resolve) => (asked = resolve));
    let release: (value: Availability) => void = () => undefined;
    const gate = new Promise<Availability>((resolve) => (release = resolve));
    const { store } = await startCdn({
      availability: () => {
        asked();
        return gate;
      },
    });
    const { publicUrl } = store.registerBatchRender(squarePost, render('order-1'));

    const pending = fetchBytes(publicUrl);
    await wasAsked;
    const renderedWhileWaiting = store.stats().rendered;
    release('ok');
    const { response } = await pending;

    expect(renderedWhileWaiting).toBe(0);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/jpeg');
  });
});

describe('RenderStore cache', () => {
  it('renders on first fetch and answers the second from the cache', async () => {
    const { store } = await startCdn();
    const { publicUrl } = store.registerBatchRender(squarePost, render('order-1'));
    const registered = store.stats();

    const first = await fetchBytes(publicUrl);
    const second = await fetchBytes(publicUrl);

    expect(registered).toEqual({
      renders: 1,
      forgotten: 0,
      cachedImages: 0,
      cachedBytes: 0,
      cacheBytesLimit: 64 * 1024 * 1024,
      rendered: 0,
      cacheHits: 0,
      evictions: 0,
    });
    expect(second.bytes.equals(first.bytes)).toBe(true);
    expect(store.stats()).toEqual({ ...registered, cachedImages: 1, cachedBytes: first.bytes.length, rendered: 1, cacheHits: 1 });
  });

  it('renders once for concurrent first fetches of one URL', async () => {
    const { store } = await startCdn();
    const { publicUrl } = store.registerBatchRender(squarePost, render('order-1'));

    const responses = await Promise.all([fetchBytes(publicUrl), fetchBytes(publicUrl), fetchBytes(publicUrl)]);

    expect(responses.map(({ response }) => response.status)).toEqual([200, 200, 200]);
    expect(store.stats()).toMatchObject({ rendered: 1, cacheHits: 2 });
  });

  it('evicts past a tiny cacheBytes and still serves the same bytes and ETag after eviction', async () => {
    const probe = new RenderStore({ publicBaseUrl: 'http://x.test' });
    const sized = (await probe.fetchImage(probe.registerBatchRender(productCard, render('sku-0')).publicUrl))!;
    const cacheBytes = Math.floor(sized.bytes.length * 1.5);
    const { store } = await startCdn({ cacheBytes });
    const urls = ['sku-1', 'sku-2', 'sku-3'].map((key) => store.registerBatchRender(productCard, render(key)).publicUrl);

    const firstRound = [];
    for (const url of urls) firstRound.push(await fetchBytes(url));
    const afterFirstRound = store.stats();
    const again = await fetchBytes(urls[0]!);

    expect(afterFirstRound.cachedImages).toBe(1);
    expect(afterFirstRound.cachedBytes).toBeLessThanOrEqual(cacheBytes);
    expect(afterFirstRound.evictions).toBe(2);
    expect(afterFirstRound.rendered).toBe(3);
    expect(again.response.status).toBe(200);
    expect(again.bytes.equals(firstRound[0]!.bytes)).toBe(true);
    expect(again.response.headers.get('etag')).toBe(firstRound[0]!.response.headers.get('etag'));
    expect(store.stats()).toMatchObject({ rendered: 4, evictions: 3, cachedImages: 1 });
  });

  it('serves an image larger than the whole cache without caching it', async () => {
    const { store } = await startCdn({ cacheBytes: 1 });
    const { publicUrl } = store.registerBatchRender(squarePost, render('order-1'));

    const { response } = await fetchBytes(publicUrl);

    expect(response.status).toBe(200);
    expect(store.stats()).toMatchObject({ cachedImages: 0, cachedBytes: 0, rendered: 1 });
  });

  it('forgets the oldest renders past maxRenders, whose URLs then answer 404', async () => {
    const { store } = await startCdn({ maxRenders: 2 });
    const [oldest, middle, newest] = ['a', 'b', 'c'].map((key) => store.registerBatchRender(squarePost, render(key)).publicUrl);

    const statuses = [];
    for (const url of [oldest!, middle!, newest!]) {
      const response = await fetch(url);
      await response.arrayBuffer();
      statuses.push(response.status);
    }

    expect(statuses).toEqual([404, 200, 200]);
    expect(store.stats()).toMatchObject({ renders: 2, forgotten: 1 });
  });

  it('registers 100,000 renders without rendering any', () => {
    const store = new RenderStore({ publicBaseUrl: 'http://x.test' });
    const inputs = { input_1: 'Headline' };

    for (let index = 0; index < 100_000; index += 1) store.registerBatchRender(squarePost, { key: `key-${index}`, inputs });

    expect(store.stats()).toMatchObject({ renders: 100_000, rendered: 0, cachedImages: 0 });
  });
});
