import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Theme } from '../fixtures/themes.js';
import { renderPlaceholder, type RenderInput, type RenderedImage } from './pipeline/renderer.js';

/**
 * Where the mock's renders live between the request that asks for them and the fetch of their
 * public URL. Registration stores only the theme, the key and the inputs (a 100,000-key batch
 * must stay cheap); the image is rendered on its first fetch and its bytes kept in a bounded LRU
 * cache, so the same URL always answers with the same bytes whether or not they were evicted.
 */

/** Batch renders live under `/renders/`, single renders under `/storage/`, as on ImageFactory. */
export type RenderKind = 'batch' | 'single';

/** What the store knows about one render: enough to render it again, nothing more. */
export interface StoredRender {
  kind: RenderKind;
  /** The file name without extension: a uuid v4 (batch) or 40 letters and digits (single). */
  id: string;
  /** `/renders/<id>.<ext>` or `/storage/<id>.<ext>`: the path the CDN routes answer on. */
  path: string;
  theme: Theme;
  key: string;
  inputs: Readonly<Record<string, string>>;
}

/** An image as the CDN serves it. */
export interface StoredImage extends RenderedImage {
  /** A strong ETag, quotes included: a digest of the bytes. */
  etag: string;
}

/**
 * Whether the CDN has the image yet. A promise lets a chaos profile make the CDN slow without
 * the store knowing about clocks; `'not-yet'` answers 404 as a lagging CDN would.
 */
export type Availability = 'ok' | 'not-yet';

export interface RenderStoreOptions {
  /**
   * The base of every public URL, e.g. `http://127.0.0.1:4010` or
   * `http://host.docker.internal:4010`. A function is read at each registration: the server
   * learns its own URL only after binding its port, after the store exists. A trailing `/` is
   * dropped. The CDN routes answer at the mock's root whatever the base's path is.
   */
  publicBaseUrl: string | (() => string);
  /** [cacheBytes=64 MiB] The most encoded bytes kept; least recently fetched go first. */
  cacheBytes?: number;
  /**
   * [maxRenders=200,000] The most renders remembered; the oldest registered are forgotten first
   * (their URLs then answer 404). Bounds the memory of a mock that runs for days.
   */
  maxRenders?: number;
  /** [random=crypto.randomBytes] The source of ids; tests may pass a seeded one. */
  random?: (size: number) => Uint8Array;
  /** [availability=always 'ok'] Asked on every fetch: the hook for simulated CDN lag. */
  availability?: (render: StoredRender) => Availability | Promise<Availability>;
}

/** Counters for the journal, the admin API and the benchmarks. */
export interface RenderStoreStats {
  /** Renders registered and still remembered. */
  renders: number;
  /** Renders dropped past `maxRenders`. */
  forgotten: number;
  cachedImages: number;
  cachedBytes: number;
  cacheBytesLimit: number;
  /** Images rendered: first fetches, and fetches after an eviction. */
  rendered: number;
  /** Fetches answered from the cache (or from a render already in flight). */
  cacheHits: number;
  /** Images dropped from the cache to stay under `cacheBytes`. */
  evictions: number;
}

const DEFAULTS = {
  cacheBytes: 64 * 1024 * 1024,
  maxRenders: 200_000,
  random: pooledRandomBytes(),
  availability: (): Availability => 'ok',
} satisfies Omit<Required<RenderStoreOptions>, 'publicBaseUrl'>;

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const PATH_PATTERN = /\/(renders|storage)\/([^/?#]+)(?:[?#].*)?$/;

/**
 * Registers renders at public URLs and renders them when fetched.
 *
 * @example
 * const store = new RenderStore({ publicBaseUrl: () => server.url });
 * const { publicUrl } = store.registerBatchRender(theme, { key: 'sku-1', inputs: { input_1: 'Hi' } });
 * const image = await store.fetchImage(new URL(publicUrl).pathname); // rendered now, cached after
 */
export class RenderStore {
  readonly #options: Required<RenderStoreOptions>;
  /** By path. Records stay small: 100,000 of them are one batch. */
  readonly #renders = new Map<string, Registration>();
  /** Insertion order is recency order: a hit is deleted and set again. */
  readonly #cache = new Map<string, StoredImage>();
  readonly #inFlight = new Map<string, Promise<StoredImage>>();
  #cachedBytes = 0;
  #forgotten = 0;
  #rendered = 0;
  #cacheHits = 0;
  #evictions = 0;

  #lastBaseUrl = { raw: '', trimmed: '' };
  /** Paths in registration order, a ring of `maxRenders` slots: the oldest is forgotten first. */
  readonly #order: Array<string | undefined>;
  #orderHead = 0;
  #orderTail = 0;
  readonly #customRandom: boolean;

  constructor(options: RenderStoreOptions) {
    this.#options = { ...DEFAULTS, ...options };
    this.#customRandom = options.random !== undefined;
    this.#order = new Array<string | undefined>(this.#options.maxRenders);
  }

  /** Registers a batch render at `<base>/renders/<uuid v4>.<ext>`; nothing is rendered yet. */
  registerBatchRender(theme: Theme, render: RenderInput): { id: string; publicUrl: string } {
    return this.#register('batch', theme, render);
  }

  /** Registers a single render at `<base>/storage/<40 letters and digits>.<ext>`; nothing is rendered yet. */
  registerSingleRender(theme: Theme, render: RenderInput): { id: string; publicUrl: string } {
    return this.#register('single', theme, render);
  }

  /**
   * The render registered at a path such as `/renders/<uuid>.jpg`; a full public URL works
   * too (only its last two path segments count).
   */
  lookup(path: string): StoredRender | undefined {
    const match = PATH_PATTERN.exec(path);
    if (!match) return undefined;
    const stored = `/${match[1]}/${match[2]}`;
    const registration = this.#renders.get(stored);
    if (!registration) return undefined;
    const { theme, key, inputs } = registration;
    const id = match[2]!.slice(0, -(theme.format.length + 1));
    return { kind: match[1] === 'renders' ? 'batch' : 'single', id, path: stored, theme, key, inputs };
  }

  /**
   * The image at a path (or public URL): from the cache, or rendered now and cached. Undefined
   * when no render is registered there, or when `availability` says the CDN does not have it yet.
   */
  async fetchImage(path: string): Promise<StoredImage | undefined> {
    const render = this.lookup(path);
    if (!render) return undefined;
    if ((await this.#options.availability(render)) !== 'ok') return undefined;

    const cached = this.#cache.get(render.path);
    if (cached) {
      this.#cache.delete(render.path);
      this.#cache.set(render.path, cached);
      this.#cacheHits += 1;
      return cached;
    }
    const pending = this.#inFlight.get(render.path);
    if (pending) {
      this.#cacheHits += 1;
      return pending;
    }
    const rendering = this.#render(render).finally(() => this.#inFlight.delete(render.path));
    this.#inFlight.set(render.path, rendering);
    return rendering;
  }

  /** A snapshot of the counters. */
  stats(): RenderStoreStats {
    return {
      renders: this.#renders.size,
      forgotten: this.#forgotten,
      cachedImages: this.#cache.size,
      cachedBytes: this.#cachedBytes,
      cacheBytesLimit: this.#options.cacheBytes,
      rendered: this.#rendered,
      cacheHits: this.#cacheHits,
      evictions: this.#evictions,
    };
  }

  #register(kind: RenderKind, theme: Theme, render: RenderInput): { id: string; publicUrl: string } {
    const folder = kind === 'batch' ? '/renders/' : '/storage/';
    let id: string;
    let path: string;
    let tries = 0;
    do {
      if (++tries > 8) throw new Error(`RenderStore: ${tries - 1} ids in a row were taken; is options.random random?`);
      id = kind === 'batch' ? this.#uuid() : alphanumeric(40, this.#options.random);
      // Flattened: Node's randomUUID() returns a rope of ~18 concatenated strings, and a path or
      // URL built on it would keep the whole rope alive, over 500 bytes per render.
      path = flat(folder + id + '.' + theme.format);
    } while (this.#renders.has(path));

    // The caller's objects are kept, not copied: the validated inputs are fresh per request.
    if (this.#renders.size >= this.#options.maxRenders) this.#forgetOldest();
    this.#renders.set(path, { theme, key: render.key, inputs: render.inputs });
    this.#order[this.#orderTail] = path;
    this.#orderTail = (this.#orderTail + 1) % this.#order.length;
    return { id, publicUrl: flat(this.#baseUrl() + path) };
  }

  async #render(render: StoredRender): Promise<StoredImage> {
    const image = await renderPlaceholder(render.theme, render);
    const stored: StoredImage = { ...image, etag: `"${createHash('sha256').update(image.bytes).digest('base64url').slice(0, 32)}"` };
    this.#rendered += 1;
    // A render forgotten while it was being drawn is served this once but not cached.
    if (this.#renders.has(render.path) && stored.bytes.length <= this.#options.cacheBytes) {
      this.#cache.set(render.path, stored);
      this.#cachedBytes += stored.bytes.length;
      for (const [path, oldest] of this.#cache) {
        if (this.#cachedBytes <= this.#options.cacheBytes) break;
        this.#cache.delete(path);
        this.#cachedBytes -= oldest.bytes.length;
        this.#evictions += 1;
      }
    }
    return stored;
  }

  #forgetOldest(): void {
    // Not `this.#renders.keys().next()`: V8 leaves deleted entries in a Map's table until it
    // rehashes, and iterating from the front walks over every one of them, so using the Map as
    // a queue costs O(forgotten) per registration once the store is full.
    const path = this.#order[this.#orderHead];
    if (path === undefined) return;
    this.#order[this.#orderHead] = undefined;
    this.#orderHead = (this.#orderHead + 1) % this.#order.length;
    this.#renders.delete(path);
    this.#forgotten += 1;
    const cached = this.#cache.get(path);
    if (cached) {
      this.#cache.delete(path);
      this.#cachedBytes -= cached.bytes.length;
    }
  }

  #baseUrl(): string {
    const { publicBaseUrl } = this.#options;
    const raw = typeof publicBaseUrl === 'function' ? publicBaseUrl() : publicBaseUrl;
    // Read at every registration; trimmed once per distinct value, as a batch may register 100,000.
    if (raw !== this.#lastBaseUrl.raw) this.#lastBaseUrl = { raw, trimmed: raw.replace(/\/+$/, '') };
    return this.#lastBaseUrl.trimmed;
  }

  /** Node's own uuid generator draws from a pooled entropy cache; a seeded `random` is used when given. */
  #uuid(): string {
    return this.#customRandom ? uuidV4(this.#options.random(16)) : randomUUID();
  }
}

/**
 * `crypto.randomBytes`, drawn 4 KiB at a time: one call per id costs about 6 µs, which a
 * 100,000-key batch would feel (0.6 s); slicing a pool costs next to nothing.
 */
function pooledRandomBytes(): (size: number) => Uint8Array {
  let pool = Buffer.alloc(0);
  let offset = 0;
  return (size) => {
    if (offset + size > pool.length) {
      pool = randomBytes(Math.max(4096, size));
      offset = 0;
    }
    offset += size;
    return pool.subarray(offset - size, offset);
  };
}

/** What registration keeps: the rest of a `StoredRender` is read off its path. */
interface Registration {
  theme: Theme;
  key: string;
  inputs: Readonly<Record<string, string>>;
}

/** A sequential copy of `text`, holding no references to the strings it was built from. */
function flat(text: string): string {
  // latin1 round-trips every one-byte string exactly; a base URL with other characters takes UTF-8.
  const encoding = /^[\x00-\xff]*$/.test(text) ? 'latin1' : 'utf8';
  return Buffer.from(text, encoding).toString(encoding);
}

/** Formats 16 random bytes as a version 4, variant 1 uuid (RFC 9562). */
function uuidV4(bytes: Uint8Array): string {
  const b = Uint8Array.from(bytes.subarray(0, 16));
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const hex = Buffer.from(b).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** `length` letters and digits, uniformly: bytes ≥ 248 are skipped so that `% 62` has no bias. */
function alphanumeric(length: number, random: (size: number) => Uint8Array): string {
  let out = '';
  for (let draws = 0; out.length < length; draws += 1) {
    if (draws > 64) throw new Error('RenderStore: options.random keeps returning bytes ≥ 248; is it random?');
    for (const byte of random(length)) {
      if (byte >= 248) continue;
      out += ALPHANUMERIC[byte % 62];
      if (out.length === length) break;
    }
  }
  return out;
}
