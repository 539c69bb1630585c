#!/usr/bin/env node
// Publishes the pact files in pacts/ to a Pact Broker (or PactFlow) with the Pact CLI.
//
//   PACT_BROKER_BASE_URL=https://broker.example.com PACT_BROKER_TOKEN=… npm run pact:publish
//
// Configuration comes from the environment, as the Pact CLI itself reads it:
//   PACT_BROKER_BASE_URL                         required
//   PACT_BROKER_TOKEN                            or PACT_BROKER_USERNAME + PACT_BROKER_PASSWORD
//   PACT_CONSUMER_VERSION  [git rev-parse HEAD]  the version the pacts are published for
//   PACT_BRANCH            [git branch --show-current]
// Flags: --dir <path> publishes another folder of pact files [pacts/]; --dry-run prints the
// command instead of running it.
//
// The broker credentials are handed to the CLI through its environment, never its arguments, so
// they do not show in the process list.

import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const PREFIX = 'pact:publish:';

/** A configuration mistake: the message says what is missing and how to fix it. */
export class PublishSetupError extends Error {
  constructor(message) {
    super(message);
    this.name = 'PublishSetupError';
  }
}

/**
 * Works out what to publish and how, from the environment handed in.
 *
 * @param {{ env: Record<string, string | undefined>, root: string, pactDir?: string, git?: (args: string[]) => string | undefined }} input
 * @returns {{ cli: string, args: string[], env: Record<string, string | undefined>, pacts: string[] }}
 * @throws {PublishSetupError} naming every missing piece at once.
 */
export function planPublish({ env, root, pactDir = join(root, 'pacts'), git = runGit(root) }) {
  const problems = [];
  const baseUrl = env.PACT_BROKER_BASE_URL?.trim();
  if (!baseUrl) {
    problems.push('PACT_BROKER_BASE_URL is not set: set it to your broker, e.g. https://your-org.pactflow.io');
  }
  const hasToken = Boolean(env.PACT_BROKER_TOKEN?.trim());
  const hasBasicAuth = Boolean(env.PACT_BROKER_USERNAME?.trim() && env.PACT_BROKER_PASSWORD?.trim());
  if (!hasToken && !hasBasicAuth) {
    problems.push(
      'no broker credentials: set PACT_BROKER_TOKEN, or PACT_BROKER_USERNAME and PACT_BROKER_PASSWORD',
    );
  }
  const pacts = existsSync(pactDir) ? readdirSync(pactDir).filter((name) => name.endsWith('.json')) : [];
  if (pacts.length === 0) {
    problems.push(`no pact files in ${pactDir}: run the contract tests first (npm test)`);
  }
  const version = env.PACT_CONSUMER_VERSION?.trim() || git(['rev-parse', 'HEAD']);
  if (!version) {
    problems.push('no consumer version: set PACT_CONSUMER_VERSION, or run inside a git checkout');
  }
  const cli = findPactBrokerCli(root, env);
  if (!cli) {
    problems.push(
      'the Pact CLI (pact-broker) is not installed: add it with `npm install --save-dev @pact-foundation/pact-cli`, ' +
        'or put the pact-broker command of the standalone Pact CLI on PATH',
    );
  }
  if (problems.length > 0) {
    throw new PublishSetupError(
      `${PREFIX} cannot publish the pacts:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`,
    );
  }
  const branch = env.PACT_BRANCH?.trim() || git(['branch', '--show-current']);
  const args = ['publish', pactDir, '--consumer-app-version', version];
  if (branch) args.push('--branch', branch);
  return { cli, args, env: { ...env, PACT_BROKER_BASE_URL: baseUrl }, pacts };
}

/** `pact-broker` from node_modules/.bin (the @pact-foundation/pact-cli package) or from PATH. */
function findPactBrokerCli(root, env) {
  const candidates = [
    join(root, 'node_modules', '.bin', 'pact-broker'),
    ...(env.PATH ?? '').split(delimiter).filter(Boolean).map((dir) => join(dir, 'pact-broker')),
  ];
  return candidates.find((candidate) => existsSync(candidate));
}

function runGit(root) {
  return (args) => {
    const result = spawnSync('git', args, { cwd: root, encoding: 'utf8' });
    return result.status === 0 ? result.stdout.trim() || undefined : undefined;
  };
}

/** Runs the script: returns the exit code, writing only through `out` and `err`. */
export function main({ argv, env, root, out = console.log, err = console.error }) {
  let plan;
  try {
    const dirAt = argv.indexOf('--dir');
    const pactDir = dirAt >= 0 && argv[dirAt + 1] ? resolve(argv[dirAt + 1]) : undefined;
    plan = planPublish({ env, root, ...(pactDir ? { pactDir } : {}) });
  } catch (error) {
    if (error instanceof PublishSetupError) {
      err(error.message);
      return 1;
    }
    throw error;
  }
  const command = [plan.cli, ...plan.args].join(' ');
  if (argv.includes('--dry-run')) {
    out(`${PREFIX} would publish ${plan.pacts.join(', ')} to ${plan.env.PACT_BROKER_BASE_URL}:\n  ${command}`);
    return 0;
  }
  out(`${PREFIX} publishing ${plan.pacts.join(', ')} to ${plan.env.PACT_BROKER_BASE_URL}`);
  const result = spawnSync(plan.cli, plan.args, { env: plan.env, stdio: 'inherit' });
  if (result.error) {
    err(`${PREFIX} could not run ${plan.cli}: ${result.error.message}`);
    return 1;
  }
  return result.status ?? 1;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = main({
    argv: process.argv.slice(2),
    env: process.env,
    root: resolve(dirname(fileURLToPath(import.meta.url)), '..'),
  });
}
