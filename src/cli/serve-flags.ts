import { readFileSync } from 'node:fs';
import { SetupError } from '../mock/api/errors.js';
import type { ChaosOption, ChaosSettings } from '../mock/chaos/profiles.js';
import { parseThemesFile, type MockOptions } from '../mock/config.js';

/**
 * The flags of `imagefactory-mock serve`, each with its environment-variable twin, in one table:
 * the parser, `--help` and the README's flag table all come from here. Precedence:
 * flag > environment variable > config file > default.
 */

type ChaosField = `chaos.${keyof ChaosSettings}`;
type Parsed = Partial<Record<keyof MockOptions | 'deliveryTimeoutMs' | 'deliveryAttempts' | 'deliveryConcurrency' | ChaosField, unknown>>;

export interface ServeFlag {
  flag: string;
  env: string;
  description: string;
  /** Shown in --help; the real default lives in DEFAULT_OPTIONS. */
  defaultText: string;
  /** Turns the text into the option's value, or says what is allowed. */
  parse: (text: string) => { value: unknown } | { error: string };
  option: keyof Parsed;
}

const integer = (min: number, max: number) => (text: string) => {
  const value = Number(text);
  return /^\d+$/.test(text.trim()) && value >= min && value <= max
    ? { value }
    : { error: `must be a whole number from ${min} to ${max}` };
};

const positiveNumber = (text: string) => {
  const value = Number(text);
  return text.trim() !== '' && Number.isFinite(value) && value >= 0 ? { value } : { error: 'must be a number of 0 or more' };
};

const oneOf = (...allowed: string[]) => (text: string) =>
  allowed.includes(text) ? { value: text } : { error: `must be one of ${allowed.join(', ')}` };

const rate = (text: string) => {
  const value = Number(text);
  return text.trim() !== '' && value >= 0 && value <= 1 ? { value } : { error: 'must be a rate from 0 to 1' };
};

const anyText = (text: string) => (text === '' ? { error: 'must not be empty' } : { value: text });

const httpUrl = (text: string) => {
  try {
    const url = new URL(text);
    if (url.protocol === 'http:' || url.protocol === 'https:') return { value: text.replace(/\/+$/, '') };
  } catch {
    // falls through to the error below
  }
  return { error: 'must be an http:// or https:// URL' };
};

const webhookUrl = (text: string) => (text === 'none' ? { value: null } : httpUrl(text));

export const SERVE_FLAGS: readonly ServeFlag[] = [
  { flag: 'port', env: 'IMAGEFACTORY_MOCK_PORT', option: 'port', defaultText: '4010', description: 'Port to listen on; 0 picks a free one.', parse: integer(0, 65_535) },
  { flag: 'host', env: 'IMAGEFACTORY_MOCK_HOST', option: 'host', defaultText: '127.0.0.1', description: 'Interface to bind; 0.0.0.0 exposes the mock (and its dev credentials) to your network.', parse: anyText },
  { flag: 'token', env: 'IMAGEFACTORY_MOCK_TOKEN', option: 'token', defaultText: 'ifm_dev_token', description: 'The dev API token clients send as "Authorization: Bearer <token>".', parse: anyText },
  { flag: 'secret', env: 'IMAGEFACTORY_MOCK_SECRET', option: 'secret', defaultText: 'whsec_dev_signing_secret', description: "The dev token's webhook signing secret (HMAC-SHA256 key of the Signature header).", parse: anyText },
  { flag: 'webhook-url', env: 'IMAGEFACTORY_MOCK_WEBHOOK_URL', option: 'webhookUrl', defaultText: 'http://127.0.0.1:3000/webhooks/imagefactory', description: 'Where the dev token\'s webhooks go; "none" records them as undeliverable.', parse: webhookUrl },
  { flag: 'seed', env: 'IMAGEFACTORY_MOCK_SEED', option: 'seed', defaultText: 'random, printed at start', description: 'Seed of every random choice (splits, order, timing, chaos); the same seed replays the same run.', parse: anyText },
  { flag: 'themes', env: 'IMAGEFACTORY_MOCK_THEMES', option: 'themes', defaultText: 'the built-in catalogue', description: 'JSON file of themes that replaces the built-in catalogue.', parse: (path) => ({ value: path }) },
  { flag: 'public-base-url', env: 'IMAGEFACTORY_MOCK_PUBLIC_BASE_URL', option: 'publicBaseUrl', defaultText: "the mock's own URL", description: 'Base of image URLs in webhooks, e.g. http://host.docker.internal:4010.', parse: httpUrl },
  { flag: 'latency', env: 'IMAGEFACTORY_MOCK_LATENCY', option: 'latency', defaultText: 'fast', description: 'instant (tests), fast (seconds), or realistic (up to 30 s per render, as documented).', parse: oneOf('instant', 'fast', 'realistic') },
  { flag: 'time-scale', env: 'IMAGEFACTORY_MOCK_TIME_SCALE', option: 'timeScale', defaultText: '1', description: 'Multiplies every wait of the latency preset (0.1 is ten times faster).', parse: positiveNumber },
  { flag: 'accept-mode', env: 'IMAGEFACTORY_MOCK_ACCEPT_MODE', option: 'acceptMode', defaultText: 'strict', description: 'strict: 406 without "Accept: application/json"; laravel: redirect as the real service does.', parse: oneOf('strict', 'laravel') },
  { flag: 'max-body-bytes', env: 'IMAGEFACTORY_MOCK_MAX_BODY_BYTES', option: 'maxBodyBytes', defaultText: '10485760 (10 MiB)', description: 'Larger request bodies get 413.', parse: integer(1_024, 1_073_741_824) },
  { flag: 'max-requests', env: 'IMAGEFACTORY_MOCK_MAX_REQUESTS', option: 'maxRequestsPerBatch', defaultText: '10000', description: 'Longer "requests" arrays get 422.', parse: integer(1, 10_000_000) },
  { flag: 'delivery-timeout', env: 'IMAGEFACTORY_MOCK_DELIVERY_TIMEOUT', option: 'deliveryTimeoutMs', defaultText: '3000', description: 'Milliseconds a webhook handler has to answer each attempt.', parse: integer(1, 600_000) },
  { flag: 'delivery-attempts', env: 'IMAGEFACTORY_MOCK_DELIVERY_ATTEMPTS', option: 'deliveryAttempts', defaultText: '3', description: 'Tries per webhook call; waits of 10 s and 100 s between them, scaled.', parse: integer(1, 20) },
  { flag: 'delivery-concurrency', env: 'IMAGEFACTORY_MOCK_DELIVERY_CONCURRENCY', option: 'deliveryConcurrency', defaultText: '16', description: 'Webhook calls in flight at once.', parse: integer(1, 1_000) },
  { flag: 'log-level', env: 'IMAGEFACTORY_MOCK_LOG_LEVEL', option: 'logLevel', defaultText: 'info', description: 'silent, error, warn, info or debug.', parse: oneOf('silent', 'error', 'warn', 'info', 'debug') },
];

const chaosRate = (flag: string, field: keyof ChaosSettings, description: string): ServeFlag => ({
  flag: `chaos-${flag}`,
  env: `IMAGEFACTORY_MOCK_CHAOS_${flag.toUpperCase().replaceAll('-', '_')}`,
  option: `chaos.${field}`,
  defaultText: "the profile's",
  description: `Rate (0–1): ${description}`,
  parse: rate,
});

/** Chaos: a profile, and a flag per rate that overrides the profile's. */
export const CHAOS_FLAGS: readonly ServeFlag[] = [
  { flag: 'chaos', env: 'IMAGEFACTORY_MOCK_CHAOS', option: 'chaos', defaultText: 'off', description: 'Chaos profile: off, gentle, realistic or hostile (see the README table).', parse: oneOf('off', 'gentle', 'realistic', 'hostile') },
  chaosRate('split', 'split', 'a webhook call is split into single-output calls.'),
  chaosRate('reorder', 'reorder', 'a call swaps places with another.'),
  chaosRate('duplicate', 'duplicate', 'a call is sent again later, same bytes and signature.'),
  chaosRate('burst', 'burst', 'a call joins a burst of calls sent at once.'),
  chaosRate('delay', 'delay', 'a call is held back by a long delay.'),
  chaosRate('wrong-signature', 'wrongSignature', 'a forged call with a wrong Signature goes with a genuine one.'),
  chaosRate('missing-signature', 'missingSignature', 'a forged call without Signature goes with a genuine one.'),
  chaosRate('tampered-body', 'tamperedBody', 'a forged call whose body was changed after signing goes with a genuine one.'),
  chaosRate('cdn-lag', 'cdnLag', "an image answers 404 for a while after its webhook."),
  chaosRate('api-429', 'api429', 'a render request gets 429 with Retry-After.'),
  chaosRate('api-500', 'api500', 'a render request gets 500.'),
  chaosRate('api-503', 'api503', 'a render request gets 503.'),
  chaosRate('api-slow', 'apiSlow', 'a render request is answered late.'),
];

export const CONFIG_FLAG = { flag: 'config', env: 'IMAGEFACTORY_MOCK_CONFIG' } as const;

export interface FlagSources {
  flags: Readonly<Record<string, string | boolean | undefined>>;
  env: Readonly<Record<string, string | undefined>>;
  readFile?: (path: string) => string;
}

function readText(readFile: (path: string) => string, path: string, what: string): string {
  try {
    return readFile(path);
  } catch (error) {
    throw new SetupError(`${what} ${path} cannot be read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}.`);
  }
}

/**
 * A config file is JSON with the options' own names (camelCase, as `startMock` takes them),
 * plus `tokens: [{name, token, secret, webhookUrl}]` for more tokens.
 */
function configFileOptions(path: string, readFile: (path: string) => string): MockOptions {
  const text = readText(readFile, path, 'config file');
  try {
    const data = JSON.parse(text) as unknown;
    if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new Error('it must hold a JSON object');
    return data as MockOptions;
  } catch (error) {
    throw new SetupError(`config file ${path} is invalid: ${(error as Error).message}.`);
  }
}

/** Turns flags, environment and config file into `startMock` options, naming the source of any bad value. */
export function serveOptionsFrom(sources: FlagSources): MockOptions {
  const readFile = sources.readFile ?? ((path: string) => readFileSync(path, 'utf8'));
  const configPath = (sources.flags[CONFIG_FLAG.flag] as string | undefined) ?? sources.env[CONFIG_FLAG.env];
  const fromFile: MockOptions = configPath ? configFileOptions(configPath, readFile) : {};
  const parsed: Parsed = {};
  const problems: string[] = [];
  for (const spec of [...SERVE_FLAGS, ...CHAOS_FLAGS]) {
    const flagValue = sources.flags[spec.flag];
    const envValue = sources.env[spec.env];
    const [text, source] =
      typeof flagValue === 'string' ? [flagValue, `--${spec.flag}`] : envValue !== undefined ? [envValue, `${spec.env} (environment)`] : [undefined, ''];
    if (text === undefined) continue;
    const result = spec.parse(text);
    if ('error' in result) problems.push(`${source} ${result.error} (got ${JSON.stringify(text)}).`);
    else parsed[spec.option] = result.value;
  }
  if (problems.length > 0) throw new SetupError(`${problems.join('\n')}\nRun imagefactory-mock serve --help for every flag.`);

  const themesPath = (parsed.themes as string | undefined) ?? (fromFile.themes as unknown as string | undefined);
  const themes = typeof themesPath === 'string' ? parseThemesFile(readText(readFile, themesPath, 'themes file'), themesPath) : fromFile.themes;
  const { deliveryTimeoutMs, deliveryAttempts, deliveryConcurrency, chaos: chaosProfile, ...rest } = parsed;
  const direct = Object.fromEntries(Object.entries(rest).filter(([option]) => !option.startsWith('chaos.')));
  const chaosOverrides = Object.fromEntries(
    Object.entries(rest).flatMap(([option, value]) => (option.startsWith('chaos.') ? [[option.slice('chaos.'.length), value]] : [])),
  ) as Partial<ChaosSettings>;
  return {
    ...fromFile,
    ...(direct as MockOptions),
    chaos: mergeChaos(fromFile.chaos, chaosProfile as ChaosOption | undefined, chaosOverrides),
    themes,
    delivery: {
      ...fromFile.delivery,
      ...(deliveryTimeoutMs !== undefined && { timeoutMs: deliveryTimeoutMs as number }),
      ...(deliveryAttempts !== undefined && { attempts: deliveryAttempts as number }),
      ...(deliveryConcurrency !== undefined && { concurrency: deliveryConcurrency as number }),
    },
  };
}

/** A profile named by flag replaces the file's profile; single rates override either. */
function mergeChaos(fromFile: ChaosOption | undefined, profile: ChaosOption | undefined, overrides: Partial<ChaosSettings>): ChaosOption | undefined {
  const fileObject = typeof fromFile === 'string' ? { profile: fromFile } : (fromFile ?? {});
  const base = profile === undefined ? fileObject : { ...fileObject, profile: profile as Exclude<ChaosOption, object> };
  const merged = { ...base, ...overrides };
  return Object.keys(merged).length === 0 ? undefined : merged;
}
