import { z } from 'zod';
import { BUILT_IN_THEMES, themeSchema, type Theme } from '../fixtures/themes.js';
import { SetupError } from './api/errors.js';
import { chaosSettingsFrom, chaosSettingsSchema, type ChaosOption, type ChaosSettings } from './chaos/profiles.js';

/**
 * The mock's options: typed once, defaults in one constant, merged and validated once by
 * `resolveOptions`. The command-line layer (src/cli/options.ts) turns flags, environment
 * variables and a config file into these same options, so code and command agree.
 */

export type LatencyPreset = 'instant' | 'fast' | 'realistic';
export type AcceptMode = 'strict' | 'laravel';
export type LogLevel = 'silent' | 'error' | 'warn' | 'info' | 'debug';

export interface TokenOption {
  name: string;
  token: string;
  secret: string;
  webhookUrl: string | null;
}

export interface DeliveryOptions {
  /** Per attempt; an answer slower than this is a failed attempt. */
  timeoutMs: number;
  /** Tries per webhook call, the first included. */
  attempts: number;
  /** The wait after the n-th failed attempt is `backoffBase^n` seconds (10 s, 100 s), times the time scale. */
  backoffBaseSeconds: number;
  /** Webhook calls in flight at once, across all jobs. */
  concurrency: number;
}

export interface MockOptions {
  /** [port=4010] 0 binds an ephemeral port; read the real one from `mock.url`. */
  port?: number;
  /** [host="127.0.0.1"] Loopback by default: the mock has well-known dev credentials. */
  host?: string;
  /** [token="ifm_dev_token"] The dev token every client may use. */
  token?: string;
  /** [secret="whsec_dev_signing_secret"] The dev token's webhook signing secret. */
  secret?: string;
  /** [webhookUrl="http://127.0.0.1:3000/webhooks/imagefactory"] The dev token's webhook URL; null: none. */
  webhookUrl?: string | null;
  /** More tokens besides the dev token. */
  tokens?: readonly TokenOption[];
  /** [seed=random] Drives every random choice of the pipeline; printed at start and kept on each job. */
  seed?: number | string;
  /** [themes=BUILT_IN_THEMES] The theme catalogue; replaces the built-in one. */
  themes?: readonly Theme[];
  /** [publicBaseUrl=the mock's own URL] Base of the image URLs in webhooks. */
  publicBaseUrl?: string;
  /** [latency="fast"] How long renders take before their webhook calls go out. */
  latency?: LatencyPreset;
  /** [timeScale=1] Stretches (>1) or shrinks (<1) every wait of the latency preset. */
  timeScale?: number;
  /** [acceptMode="strict"] "strict": 406 without a JSON Accept; "laravel": redirects as Laravel does. */
  acceptMode?: AcceptMode;
  /** [maxBodyBytes=10 MiB] Larger request bodies get 413. */
  maxBodyBytes?: number;
  /** [maxRequestsPerBatch=10000] Longer `requests` arrays get 422. */
  maxRequestsPerBatch?: number;
  delivery?: Partial<DeliveryOptions>;
  /** [chaos="off"] A chaos profile (off, gentle, realistic, hostile), or one with fields overridden. */
  chaos?: ChaosOption;
  /** [maxJobs=1000] Jobs the journal keeps; the oldest settled job goes first. */
  maxJobs?: number;
  /** [shutdownGraceMs=2000] How long `close()` waits for webhook attempts already in flight. */
  shutdownGraceMs?: number;
  /** [logLevel="info"] */
  logLevel?: LogLevel;
}

export const DEFAULT_OPTIONS = {
  port: 4010,
  host: '127.0.0.1',
  token: 'ifm_dev_token',
  secret: 'whsec_dev_signing_secret',
  webhookUrl: 'http://127.0.0.1:3000/webhooks/imagefactory' as string | null,
  tokens: [] as readonly TokenOption[],
  themes: BUILT_IN_THEMES,
  latency: 'fast' as LatencyPreset,
  timeScale: 1,
  acceptMode: 'strict' as AcceptMode,
  maxBodyBytes: 10 * 1024 * 1024,
  maxRequestsPerBatch: 10_000,
  delivery: { timeoutMs: 3_000, attempts: 3, backoffBaseSeconds: 10, concurrency: 16 } satisfies DeliveryOptions,
  maxJobs: 1_000,
  shutdownGraceMs: 2_000,
  logLevel: 'info' as LogLevel,
} as const;

export interface ResolvedOptions {
  port: number;
  host: string;
  token: string;
  secret: string;
  webhookUrl: string | null;
  tokens: readonly TokenOption[];
  seed: string;
  themes: readonly Theme[];
  publicBaseUrl?: string;
  latency: LatencyPreset;
  timeScale: number;
  acceptMode: AcceptMode;
  maxBodyBytes: number;
  maxRequestsPerBatch: number;
  delivery: DeliveryOptions;
  chaos: ChaosSettings;
  maxJobs: number;
  shutdownGraceMs: number;
  logLevel: LogLevel;
}

const webhookUrlSchema = z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' });

const optionsSchema = z.object({
  port: z.number().int().min(0).max(65_535),
  host: z.string().min(1),
  token: z.string().regex(/^[A-Za-z0-9\-._~+/|]+=*$/, 'must be a token68 string (letters, digits, -._~+/|)'),
  secret: z.string().min(8, 'must be at least 8 characters'),
  webhookUrl: webhookUrlSchema.nullable(),
  tokens: z.array(
    z.object({ name: z.string().min(1), token: z.string().min(1), secret: z.string().min(8), webhookUrl: webhookUrlSchema.nullable() }),
  ),
  seed: z.string().min(1),
  themes: z.array(themeSchema).min(1, 'must hold at least one theme'),
  publicBaseUrl: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }).optional(),
  latency: z.enum(['instant', 'fast', 'realistic'], { error: 'must be instant, fast or realistic' }),
  timeScale: z.number().min(0, 'must be 0 or more').max(1_000),
  acceptMode: z.enum(['strict', 'laravel'], { error: 'must be strict or laravel' }),
  maxBodyBytes: z.number().int().min(1_024, 'must be at least 1024'),
  maxRequestsPerBatch: z.number().int().min(1),
  delivery: z.object({
    timeoutMs: z.number().int().min(1),
    attempts: z.number().int().min(1).max(20),
    backoffBaseSeconds: z.number().min(0),
    concurrency: z.number().int().min(1).max(1_000),
  }),
  chaos: chaosSettingsSchema,
  maxJobs: z.number().int().min(1),
  shutdownGraceMs: z.number().int().min(0),
  logLevel: z.enum(['silent', 'error', 'warn', 'info', 'debug']),
});

/** A fresh seed, short enough to read off a CI log and type back in. */
function randomSeed(): string {
  return Math.floor(Math.random() * 2 ** 32).toString(36);
}

/** Merges the caller's options over the defaults (without touching either) and validates the result. */
export function resolveOptions(options: MockOptions = {}): ResolvedOptions {
  const merged = {
    ...DEFAULT_OPTIONS,
    ...definedOnly(options),
    seed: options.seed === undefined ? randomSeed() : String(options.seed),
    delivery: { ...DEFAULT_OPTIONS.delivery, ...definedOnly(options.delivery ?? {}) },
    themes: [...(options.themes ?? DEFAULT_OPTIONS.themes)],
    tokens: [...(options.tokens ?? DEFAULT_OPTIONS.tokens)],
    chaos: chaosOrSetupError(options.chaos),
  };
  const parsed = optionsSchema.safeParse(merged);
  if (!parsed.success) throw new SetupError(describeIssues('option', parsed.error.issues));
  const duplicateTheme = findDuplicate(parsed.data.themes.map((theme) => theme.id));
  if (duplicateTheme !== undefined) throw new SetupError(`themes: theme id ${duplicateTheme} is declared twice; ids must be unique.`);
  return parsed.data;
}

function chaosOrSetupError(option: ChaosOption | undefined): ChaosSettings {
  try {
    return chaosSettingsFrom(option);
  } catch {
    throw new SetupError(`option chaos: unknown profile ${JSON.stringify(typeof option === 'string' ? option : option?.profile)}; use off, gentle, realistic or hostile.`);
  }
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as Partial<T>;
}

function findDuplicate(values: readonly number[]): number | undefined {
  const seen = new Set<number>();
  for (const value of values) {
    if (seen.has(value)) return value;
    seen.add(value);
  }
  return undefined;
}

/** "option themes.0.width: Too small: expected number to be >=16" → one line per problem. */
export function describeIssues(prefix: string, issues: readonly z.core.$ZodIssue[]): string {
  return issues
    .map((issue) => {
      const path = issue.path.map(String).join('.');
      return `${prefix}${path ? ` ${path}` : ''}: ${issue.message}`;
    })
    .join('\n');
}

/**
 * Reads and validates a themes file: a JSON array of themes, or `{"themes": [...]}`.
 * Every problem is named by its place in the file.
 */
export function parseThemesFile(text: string, fileName: string): Theme[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new SetupError(`themes file ${fileName} is not valid JSON: ${(error as Error).message}`);
  }
  const list = Array.isArray(data) ? data : (data as { themes?: unknown } | null)?.themes;
  if (!Array.isArray(list)) {
    throw new SetupError(`themes file ${fileName} must hold a JSON array of themes, or {"themes": [...]}.`);
  }
  const parsed = z.array(themeSchema).min(1, 'must hold at least one theme').safeParse(list);
  if (!parsed.success) {
    throw new SetupError(
      `themes file ${fileName} is invalid:\n${describeIssues('  theme', parsed.error.issues)}\n` +
        'Each theme needs id, name, width, height, format (jpg|png|webp), inputs [{name, label, type, required}] and batchSize.',
    );
  }
  const duplicate = findDuplicate(parsed.data.map((theme) => theme.id));
  if (duplicate !== undefined) throw new SetupError(`themes file ${fileName}: theme id ${duplicate} is declared twice.`);
  return parsed.data;
}
