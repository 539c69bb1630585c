import { z } from 'zod';

/**
 * What chaos the mock brings, as rates (the chance, from 0 to 1, that a fault hits a call, a
 * render or an API request) and ranges. Named profiles fill every field; fine-grained options
 * override single fields of a profile.
 */
export interface ChaosSettings {
  /** A webhook call is split into calls of one output each. */
  split: number;
  /** A call swaps its place (and due time) with another call of the job. */
  reorder: number;
  /** A call is sent twice: the same bytes and signature again, later. */
  duplicate: number;
  /** A call joins a burst: every burst call of the job goes out at the same instant. */
  burst: number;
  /** A call is held back by a long delay drawn from `delayMs`. */
  delay: number;
  delayMs: [number, number];
  /** Besides a genuine call, one with the same body and a signature made with another key. */
  wrongSignature: number;
  /** Besides a genuine call, one with the same body and no Signature header. */
  missingSignature: number;
  /** Besides a genuine call, one whose body was changed after signing (the genuine signature). */
  tamperedBody: number;
  /** A render's image is not on the CDN for `cdnLagMs` after its webhook went out. */
  cdnLag: number;
  cdnLagMs: number;
  /** How a lagging CDN answers meanwhile: 404, or the image after a wait. */
  cdnLagMode: '404' | 'slow';
  /** API requests answered 429 with Retry-After, 500, 503, or slowly (after `apiSlowMs`). */
  api429: number;
  api500: number;
  api503: number;
  apiSlow: number;
  apiSlowMs: number;
  retryAfterSeconds: number;
}

export type ChaosProfileName = 'off' | 'gentle' | 'realistic' | 'hostile';

const OFF: ChaosSettings = {
  split: 0,
  reorder: 0,
  duplicate: 0,
  burst: 0,
  delay: 0,
  delayMs: [1_000, 5_000],
  wrongSignature: 0,
  missingSignature: 0,
  tamperedBody: 0,
  cdnLag: 0,
  cdnLagMs: 2_000,
  cdnLagMode: '404',
  api429: 0,
  api500: 0,
  api503: 0,
  apiSlow: 0,
  apiSlowMs: 2_000,
  retryAfterSeconds: 1,
};

/** The profiles, documented as a table in the README. */
export const CHAOS_PROFILES: Readonly<Record<ChaosProfileName, ChaosSettings>> = {
  off: OFF,
  /** What a healthy production day looks like: some reordering, the odd duplicate. */
  gentle: { ...OFF, split: 0.1, reorder: 0.3, duplicate: 0.05, delay: 0.05, delayMs: [1_000, 5_000] },
  /** A busy queue and a real network: everything happens now and then, forged calls included. */
  realistic: {
    ...OFF,
    split: 0.2,
    reorder: 0.5,
    duplicate: 0.1,
    burst: 0.1,
    delay: 0.1,
    delayMs: [2_000, 20_000],
    wrongSignature: 0.02,
    missingSignature: 0.02,
    tamperedBody: 0.02,
    cdnLag: 0.1,
    cdnLagMs: 2_000,
    api429: 0.02,
    api500: 0.01,
    api503: 0.01,
    apiSlow: 0.05,
    apiSlowMs: 2_000,
  },
  /** Everything, often: for proving a handler, not for demos. */
  hostile: {
    ...OFF,
    split: 0.5,
    reorder: 1,
    duplicate: 0.3,
    burst: 0.3,
    delay: 0.3,
    delayMs: [5_000, 60_000],
    wrongSignature: 0.2,
    missingSignature: 0.2,
    tamperedBody: 0.2,
    cdnLag: 0.3,
    cdnLagMs: 5_000,
    api429: 0.1,
    api500: 0.05,
    api503: 0.05,
    apiSlow: 0.1,
    apiSlowMs: 5_000,
    retryAfterSeconds: 2,
  },
};

const rate = z.number().min(0, 'must be a rate from 0 to 1').max(1, 'must be a rate from 0 to 1');
const ms = z.number().min(0, 'must be 0 ms or more');

export const chaosSettingsSchema = z.object({
  split: rate,
  reorder: rate,
  duplicate: rate,
  burst: rate,
  delay: rate,
  delayMs: z.tuple([ms, ms]).refine(([min, max]) => min <= max, 'must be [min, max] with min ≤ max'),
  wrongSignature: rate,
  missingSignature: rate,
  tamperedBody: rate,
  cdnLag: rate,
  cdnLagMs: ms,
  cdnLagMode: z.enum(['404', 'slow'], { error: 'must be 404 or slow' }),
  api429: rate,
  api500: rate,
  api503: rate,
  apiSlow: rate,
  apiSlowMs: ms,
  retryAfterSeconds: z.number().int().min(0),
});

/** `startMock`'s `chaos` option: a profile name, or a profile with some fields overridden. */
export type ChaosOption = ChaosProfileName | ({ profile?: ChaosProfileName } & Partial<ChaosSettings>);

export function chaosSettingsFrom(option: ChaosOption | undefined): ChaosSettings {
  if (option === undefined) return OFF;
  if (typeof option === 'string') {
    const profile = CHAOS_PROFILES[option];
    if (!profile) throw new Error(`unknown chaos profile ${JSON.stringify(option)}`);
    return profile;
  }
  const { profile = 'off', ...overrides } = option;
  const base = CHAOS_PROFILES[profile];
  if (!base) throw new Error(`unknown chaos profile ${JSON.stringify(profile)}`);
  return { ...base, ...Object.fromEntries(Object.entries(overrides).filter(([, value]) => value !== undefined)) };
}

/** The rates that are above 0, by field name: what the banner prints and what switches chaos on. */
export function activeChaos(settings: ChaosSettings): Array<[keyof ChaosSettings, number]> {
  return (Object.entries(settings) as Array<[keyof ChaosSettings, unknown]>).flatMap(([field, value]) =>
    typeof value === 'number' && value > 0 && !field.endsWith('Ms') && field !== 'retryAfterSeconds' ? [[field, value]] : [],
  );
}

export function isChaosOff(settings: ChaosSettings): boolean {
  return activeChaos(settings).length === 0;
}
