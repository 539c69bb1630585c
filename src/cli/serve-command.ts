import { defineCommand } from 'citty';
import { activeChaos } from '../mock/chaos/profiles.js';
import { maskSecret } from '../mock/logger.js';
import { startMock, type MockServer } from '../mock/server.js';
import { CHAOS_FLAGS, CONFIG_FLAG, SERVE_FLAGS, serveOptionsFrom } from './serve-flags.js';

type ArgDef = { type: 'string' | 'boolean'; description: string; valueHint?: string };

const flagArgs = Object.fromEntries(
  [...SERVE_FLAGS, ...CHAOS_FLAGS].map((spec) => [
    spec.flag,
    { type: 'string', description: `${spec.description} [env ${spec.env}; default ${spec.defaultText}]` } satisfies ArgDef,
  ]),
);

function describeChaos(mock: MockServer): string {
  const active = activeChaos(mock.options.chaos);
  return active.length === 0 ? 'off' : active.map(([field, value]) => `${field} ${value}`).join(', ');
}

/** The lines printed at start: everything a developer needs to point an app at the mock. */
export function banner(mock: MockServer, showSecret: boolean): string {
  const themes = mock.options.themes
    .map((theme) => `${theme.id} ${theme.name} (${theme.width}×${theme.height} ${theme.format})`)
    .join(', ');
  return [
    `imagefactory-mock is listening on ${mock.url}`,
    `  API token       ${mock.token}   (send "Authorization: Bearer ${mock.token}" and "Accept: application/json")`,
    `  signing secret  ${showSecret ? mock.secret : `${maskSecret(mock.secret)}   (--show-secret prints it)`}`,
    `  webhook URL     ${mock.webhookUrl ?? 'none: deliveries are recorded as undeliverable'}`,
    `  seed            ${mock.seed}   (--seed ${mock.seed} replays this run)`,
    `  latency         ${mock.options.latency}, time scale ${mock.options.timeScale}`,
    `  chaos           ${describeChaos(mock)}`,
    `  themes          ${themes}`,
    `  endpoints       POST ${mock.url}/api/request-batch-render, POST ${mock.url}/api/request-render`,
    `  health          ${mock.url}/__admin/health   jobs: ${mock.url}/__admin/jobs`,
    'Ctrl-C stops.',
  ].join('\n');
}

export const serveCommand = defineCommand({
  meta: { name: 'serve', description: "Run the mock of ImageFactory's render API." },
  args: {
    ...flagArgs,
    [CONFIG_FLAG.flag]: { type: 'string', description: `JSON file of options (camelCase names as startMock takes them, plus "tokens") [env ${CONFIG_FLAG.env}]` },
    'show-secret': { type: 'boolean', description: 'Print the signing secret in full in the banner.', default: false },
  },
  async run({ args }) {
    const options = serveOptionsFrom({ flags: args as Record<string, string | boolean | undefined>, env: process.env });
    const mock = await startMock(options);
    // Handlers first, banner second: whoever reads "Ctrl-C stops." may signal at once.
    const stopped = new Promise<void>((resolve) => {
      const stop = (signal: NodeJS.Signals) => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        console.log(`\n${signal}: stopping…`);
        resolve();
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
    console.log(banner(mock, args['show-secret'] === true));
    await stopped;
    const report = await mock.close();
    const pending = report.undelivered.reduce((sum, job) => sum + job.pending, 0);
    console.log(pending === 0 ? 'stopped; every accepted render was settled.' : `stopped; ${pending} render(s) in ${report.undelivered.length} job(s) were not delivered (see the warnings above).`);
  },
});
