import { writeFile } from 'node:fs/promises';
import { defineCommand } from 'citty';
import { checkHandler, formatReport, randomSeed, toJunitXml, type CheckHandlerOptions } from '../check-handler/index.js';
import { resolveCheckOptions } from '../check-handler/run.js';
import { SetupError } from '../mock/api/errors.js';

/** The env twin of `--secret`, shared with `serve`. */
export const SECRET_ENV = 'IMAGEFACTORY_MOCK_SECRET';

/** Exit status when a check failed. A setup mistake (bad or missing flag) exits with 2. */
export const EXIT_CHECK_FAILED = 1;
export const EXIT_SETUP_ERROR = 2;

/** What the command touches outside itself; tests pass their own. */
export interface CheckHandlerCommandIo {
  stdout(text: string): void;
  stderr(text: string): void;
  env: Record<string, string | undefined>;
  setExitCode(code: number): void;
  writeFile(path: string, content: string): Promise<void>;
  randomSeed(): string;
  fetch?: typeof globalThis.fetch;
}

const PROCESS_IO: CheckHandlerCommandIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
  setExitCode: (code) => {
    process.exitCode = code;
  },
  writeFile: (path, content) => writeFile(path, content, 'utf8'),
  randomSeed,
};

const ARGS = {
  url: {
    type: 'string',
    description: 'The full URL of your webhook handler, e.g. http://localhost:3000/webhooks/imagefactory (required)',
    valueHint: 'url',
  },
  secret: {
    type: 'string',
    description: `The webhook signing secret your handler verifies with (required) [env ${SECRET_ENV}]`,
    valueHint: 'secret',
  },
  seed: {
    type: 'string',
    description: 'Replays a run: the same seed sends the same bodies [default: random, printed]',
    valueHint: 'seed',
  },
  timeout: {
    type: 'string',
    description: 'How long each call may take to be answered, in ms [default: 3000]',
    valueHint: 'ms',
  },
  junit: {
    type: 'string',
    description: 'Also write the report as JUnit XML to this file, for CI',
    valueHint: 'file',
  },
} as const;

/**
 * Builds the `check-handler` command with its outside world passed in. `checkHandlerCommand` is
 * this with the real process; tests call it with their own output, env and exit code.
 *
 * @example
 * const out: string[] = [];
 * const command = createCheckHandlerCommand({ stdout: (text) => out.push(text), setExitCode: (code) => (exit = code) });
 * await runCommand(command, { rawArgs: ['--url', handler.url, '--secret', 's', '--seed', '42'] });
 */
export function createCheckHandlerCommand(io: Partial<CheckHandlerCommandIo> = {}) {
  const resolved: CheckHandlerCommandIo = { ...PROCESS_IO, ...io };
  return defineCommand({
    meta: {
      name: 'check-handler',
      description:
        'Run a conformance suite against your running webhook handler: valid, duplicate, split, large and escaped deliveries must be acknowledged; tampered, wrongly signed and unsigned ones refused.',
    },
    args: ARGS,
    async run({ args }) {
      let options: CheckHandlerOptions;
      try {
        options = optionsFrom(args, resolved);
        // Validated before anything is printed, so a setup mistake prints only its message.
        resolveCheckOptions(options);
      } catch (error) {
        return reportSetupError(error, resolved);
      }
      resolved.stdout(`check-handler: seed ${String(options.seed)} (--seed ${String(options.seed)} replays this run)\n`);
      const report = await checkHandler(options);
      resolved.stdout(formatReport(report));
      const junit = stringFlag(args.junit);
      if (junit !== undefined) {
        try {
          await resolved.writeFile(junit, toJunitXml(report));
        } catch (error) {
          const reason = error instanceof Error ? error.message : String(error);
          return reportSetupError(new SetupError(`--junit: could not write ${junit}: ${reason}`), resolved);
        }
        resolved.stdout(`JUnit report written to ${junit}\n`);
      }
      if (!report.ok) resolved.setExitCode(EXIT_CHECK_FAILED);
    },
  });
}

/** `imagefactory-mock check-handler`: see {@link createCheckHandlerCommand}. */
export const checkHandlerCommand = createCheckHandlerCommand();

function reportSetupError(error: unknown, io: CheckHandlerCommandIo): void {
  if (!(error instanceof SetupError)) throw error;
  io.stderr(`check-handler: ${error.message}\n`);
  io.setExitCode(EXIT_SETUP_ERROR);
}

function optionsFrom(args: Record<string, unknown>, io: CheckHandlerCommandIo): CheckHandlerOptions {
  const url = stringFlag(args.url);
  if (url === undefined) {
    throw new SetupError('--url is required: the full URL of your webhook handler, e.g. --url http://localhost:3000/webhooks/imagefactory');
  }
  const secret = stringFlag(args.secret) ?? stringFlag(io.env[SECRET_ENV]);
  if (secret === undefined) {
    throw new SetupError(`--secret is required (or set ${SECRET_ENV}): the webhook signing secret your handler verifies with`);
  }
  if (args.junit !== undefined && stringFlag(args.junit) === undefined) {
    throw new SetupError('--junit needs a file name, e.g. --junit reports/check-handler.xml');
  }
  const timeout = stringFlag(args.timeout);
  if (timeout !== undefined && !/^\d+$/.test(timeout)) {
    throw new SetupError(`--timeout must be a whole number of milliseconds above 0, e.g. --timeout 3000 (got ${JSON.stringify(timeout)})`);
  }
  return {
    url,
    secret,
    seed: stringFlag(args.seed) ?? io.randomSeed(),
    ...(timeout === undefined ? {} : { timeoutMs: Number(timeout) }),
    ...(io.fetch === undefined ? {} : { fetch: io.fetch }),
  };
}

/** citty gives `true` for a flag written without a value; treat that, and '', as not given. */
function stringFlag(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}
