import type { AddressInfo } from 'node:net';
import type { Hono } from 'hono';
import type { AppEnv } from './api/app-env.js';
import { serve, type ServerType } from '@hono/node-server';
import type { Theme } from '../fixtures/themes.js';
import { themeSchema } from '../fixtures/themes.js';
import { ApiError, SetupError, notFound } from './api/errors.js';
import { TokenRegistry, type NewToken, type TokenRecord } from './api/tokens.js';
import { createApp } from './app.js';
import { apiFaults } from './chaos/api-faults.js';
import { CdnLag } from './chaos/cdn-lag.js';
import { isChaosOff } from './chaos/profiles.js';
import { createRng } from './chaos/rng.js';
import { scheduleWithChaos } from './chaos/webhook-faults.js';
import { describeIssues, resolveOptions, type MockOptions, type ResolvedOptions } from './config.js';
import { Journal, type CallRecord, type JobRecord } from './journal.js';
import { createLogger, type Logger } from './logger.js';
import { systemClock, type Clock } from './pipeline/clock.js';
import { Dispatcher, type StopReport } from './pipeline/dispatcher.js';
import { createIntake } from './pipeline/intake.js';
import { LATENCY_PRESETS } from './pipeline/latency.js';
import { RenderStore } from './render-store.js';

/** Process state the mock uses, handed in so tests can replace it. */
export interface MockRuntime {
  clock?: Clock;
  fetch?: typeof fetch;
  logger?: Logger;
}

export interface MockServer {
  /** `http://127.0.0.1:<port>`: the API, the images and `/__admin` all live here. */
  url: string;
  port: number;
  /** The dev token and its signing secret and webhook URL. */
  token: string;
  secret: string;
  webhookUrl: string | null;
  seed: string;
  options: ResolvedOptions;
  journal: Journal;
  /** Adds a token as the service's dashboard does; token and secret are random unless given. */
  addToken(spec: NewToken): TokenRecord;
  /** Adds or replaces a theme of the catalogue. */
  addTheme(theme: Theme): void;
  /** Resolves with the job's record once every render of it is delivered or failed. */
  waitForJob(uuid: string): Promise<JobRecord>;
  /** Sends a recorded webhook call again, the same bytes and signature, marked as a replay. */
  replay(uuid: string, callNumber: number): Promise<CallRecord>;
  /** Stops listening, waits briefly for webhooks in flight, and reports what was left undelivered. */
  close(): Promise<StopReport>;
}

function listen(app: { fetch: (request: Request) => Response | Promise<Response> }, port: number, host: string): Promise<ServerType> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, port, hostname: host }, () => resolve(server));
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'EADDRINUSE'
          ? new SetupError(`port ${port} on ${host} is already in use: stop what runs there, or pick another with --port (0 picks a free one).`)
          : error,
      );
    });
  });
}

/** The mock without a socket: its Hono app and its parts, for startMock to bind and for in-process use. */
export interface MockCore {
  app: Hono<AppEnv>;
  resolved: ResolvedOptions;
  devToken: TokenRecord;
  tokens: TokenRegistry;
  themes: Map<number, Theme>;
  journal: Journal;
  dispatcher: Dispatcher;
  logger: Logger;
  replay(uuid: string, callNumber: number): Promise<CallRecord>;
  /** The server's own URL, once bound: the default base of public image URLs. */
  setBaseUrl(url: string): void;
  setReady(ready: boolean): void;
}

/** Assembles the mock from resolved options: every part, wired, with no port bound yet. */
export function createMockCore(resolved: ResolvedOptions, runtime: MockRuntime = {}): MockCore {
  const clock = runtime.clock ?? systemClock;
  const logger = runtime.logger ?? createLogger(resolved.logLevel);
  const tokens = new TokenRegistry();
  const devToken = tokens.add({ name: 'dev', token: resolved.token, secret: resolved.secret, webhookUrl: resolved.webhookUrl });
  for (const token of resolved.tokens) tokens.add(token);
  const themes = new Map(resolved.themes.map((theme) => [theme.id, theme]));
  const journal = new Journal(resolved.maxJobs);
  let baseUrl = '';
  const timing = { profile: LATENCY_PRESETS[resolved.latency], timeScale: resolved.timeScale };
  // Chaos delays stretch and shrink as retry waits do: none in `instant`, a tenth in `fast`.
  const chaosDelayScale = timing.profile.retryScale * timing.timeScale;
  const chaos = resolved.chaos;
  const chaosOn = !isChaosOff(chaos);
  const rootRng = createRng(resolved.seed);
  const cdnLag = new CdnLag(clock, Math.round(chaos.cdnLagMs * chaosDelayScale), chaos.cdnLagMode);
  const store = new RenderStore({ publicBaseUrl: () => resolved.publicBaseUrl ?? baseUrl, availability: cdnLag.availability });
  const dispatcher = new Dispatcher({ journal, clock, fetch: runtime.fetch ?? fetch, delivery: resolved.delivery, timing, logger });
  if (chaos.cdnLag > 0) {
    journal.on('attempt', (job, call, attempt) => cdnLag.callSent(job, call.renderIndexes, attempt.startedAt));
  }
  const accept = createIntake({
    journal,
    store,
    dispatcher,
    clock,
    timing,
    seed: resolved.seed,
    rng: rootRng,
    ...(chaosOn && {
      schedule: (plan, job, rng) => {
        const scheduled = scheduleWithChaos(plan, job, chaos, rng.fork('chaos'), chaosDelayScale);
        job.faults.push(...scheduled.faults);
        cdnLag.track(job, scheduled.laggingRenders);
        return scheduled.calls;
      },
    }),
  });
  let ready = false;

  const replay = async (uuid: string, callNumber: number): Promise<CallRecord> => {
    const job = journal.job(uuid);
    if (!job) throw notFound('Job', 'List the jobs the journal holds at GET /__admin/jobs.');
    if (!job.webhookUrl) throw new ApiError(409, `Job ${uuid} belongs to a token without a webhook URL, so there is nowhere to replay it to.`);
    const original = job.calls.find((call) => call.number === callNumber);
    if (!original?.body) {
      throw new ApiError(404, `Call ${callNumber} of job ${uuid} has not been sent, so there is nothing to replay.`, {
        hint: `The job has ${job.calls.length} call(s); see GET /__admin/jobs/${uuid}.`,
      });
    }
    return dispatcher.replay(job, original, job.webhookUrl);
  };

  const app = createApp({
    render: {
      tokens,
      themes: () => themes,
      acceptMode: resolved.acceptMode,
      maxBodyBytes: resolved.maxBodyBytes,
      maxRequestsPerBatch: resolved.maxRequestsPerBatch,
      accept,
      ...(chaosOn && { before: apiFaults(chaos, rootRng.fork('api'), clock, chaosDelayScale) }),
    },
    admin: { tokens, journal, isReady: () => ready, replay },
    store,
    journal,
    logger,
    now: () => clock.now(),
  });

  return {
    app,
    resolved,
    devToken,
    tokens,
    themes,
    journal,
    dispatcher,
    logger,
    replay,
    setBaseUrl: (url) => {
      baseUrl = url;
    },
    setReady: (value) => {
      ready = value;
    },
  };
}

/**
 * Starts the mock: validates the options, binds the port and returns a handle.
 *
 * @example
 * const mock = await startMock({ port: 0, latency: 'instant', webhookUrl: receiver.url });
 * const answer = await fetch(`${mock.url}/api/request-batch-render`, { … });
 * await mock.waitForJob((await answer.json()).uuid);
 * await mock.close();
 */
export async function startMock(options: MockOptions = {}, runtime: MockRuntime = {}): Promise<MockServer> {
  const resolved = resolveOptions(options);
  const { app, devToken, tokens, themes, journal, dispatcher, logger, replay, setBaseUrl, setReady } = createMockCore(resolved, runtime);
  const server = await listen(app, resolved.port, resolved.host);
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const baseUrl = `http://${host}:${address.port}`;
  setBaseUrl(baseUrl);
  setReady(true);

  return {
    url: baseUrl,
    port: address.port,
    token: devToken.token,
    secret: devToken.secret,
    webhookUrl: devToken.webhookUrl,
    seed: resolved.seed,
    options: resolved,
    journal,
    addToken: (spec) => tokens.add(spec),
    addTheme: (theme) => {
      const parsed = themeSchema.safeParse(theme);
      if (!parsed.success) throw new SetupError(describeIssues('theme', parsed.error.issues));
      themes.set(parsed.data.id, parsed.data);
    },
    waitForJob: (uuid) => {
      const job = journal.job(uuid);
      if (!job) return Promise.reject(new Error(`waitForJob: no job ${uuid} in the journal.`));
      if (journal.isSettled(job)) return Promise.resolve(job);
      return new Promise((resolve) => {
        const onSettled = (settled: JobRecord) => {
          if (settled.uuid !== uuid) return;
          journal.off('settled', onSettled);
          resolve(settled);
        };
        journal.on('settled', onSettled);
      });
    },
    replay,
    close: async () => {
      setReady(false);
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      const report = await dispatcher.stop(resolved.shutdownGraceMs);
      (server as { closeAllConnections?: () => void }).closeAllConnections?.();
      await closed;
      for (const job of report.undelivered) {
        logger.warn(`job ${job.uuid}: ${job.pending} render(s) not delivered before the mock stopped (recorded as failed).`);
      }
      return report;
    },
  };
}
