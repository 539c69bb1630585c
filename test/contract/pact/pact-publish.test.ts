import { spawn } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const SCRIPT = fileURLToPath(new URL('../../../scripts/pact-publish.mjs', import.meta.url));

/** Runs the script as `npm run pact:publish` would, with only the environment given (and PATH). */
function run(env: Record<string, string>, args: string[] = []): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [SCRIPT, ...args], { env: { PATH: '/usr/bin:/bin', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('scripts/pact-publish.mjs', () => {
  let fakeCliDir: string;
  let pactDir: string;

  beforeAll(async () => {
    // A stand-in pact-broker that reports what it was called with, so no broker is needed.
    fakeCliDir = await mkdtemp(join(tmpdir(), 'pact-cli-'));
    const cli = join(fakeCliDir, 'pact-broker');
    await writeFile(cli, '#!/bin/sh\necho "args: $*"\necho "token: $PACT_BROKER_TOKEN"\n');
    await chmod(cli, 0o755);
    // Its own pact folder: the contract tests rewrite pacts/ while this runs.
    pactDir = await mkdtemp(join(tmpdir(), 'pacts-'));
    await writeFile(join(pactDir, 'a-b.json'), '{}');
  });
  afterAll(async () => {
    await rm(fakeCliDir, { recursive: true, force: true });
    await rm(pactDir, { recursive: true, force: true });
  });

  it('exits 1 saying there is nothing to publish when the pact folder is empty', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'pacts-empty-'));
    const result = await run(
      { PATH: fakeCliDir, PACT_BROKER_BASE_URL: 'https://broker.example.com', PACT_BROKER_TOKEN: 't', PACT_CONSUMER_VERSION: '1' },
      ['--dir', empty],
    );
    await rm(empty, { recursive: true, force: true });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `pact:publish: cannot publish the pacts:\n  - no pact files in ${empty}: run the contract tests first (npm test)\n`,
    );
  });

  it('exits 1 naming the broker URL and the credentials when neither is set', async () => {
    const result = await run({ PATH: fakeCliDir, PACT_CONSUMER_VERSION: '1.0.0' }, ['--dir', pactDir]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      'pact:publish: cannot publish the pacts:\n' +
        '  - PACT_BROKER_BASE_URL is not set: set it to your broker, e.g. https://your-org.pactflow.io\n' +
        '  - no broker credentials: set PACT_BROKER_TOKEN, or PACT_BROKER_USERNAME and PACT_BROKER_PASSWORD\n',
    );
  });

  it('exits 1 naming the Pact CLI when the broker is configured but the CLI is not installed', async () => {
    const result = await run({
      PATH: '/nonexistent',
      PACT_BROKER_BASE_URL: 'https://broker.example.com',
      PACT_BROKER_USERNAME: 'ci',
      PACT_BROKER_PASSWORD: 'secret',
      PACT_CONSUMER_VERSION: '1.0.0',
    }, ['--dir', pactDir]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      'pact:publish: cannot publish the pacts:\n' +
        '  - the Pact CLI (pact-broker) is not installed: add it with `npm install --save-dev @pact-foundation/pact-cli`, ' +
        'or put the pact-broker command of the standalone Pact CLI on PATH\n',
    );
  });

  it('runs pact-broker publish with the version and branch, and the token only in its environment', async () => {
    const result = await run({
      PATH: fakeCliDir,
      PACT_BROKER_BASE_URL: 'https://broker.example.com',
      PACT_BROKER_TOKEN: 'tok-123',
      PACT_CONSUMER_VERSION: '1.2.3',
      PACT_BRANCH: 'main',
    }, ['--dir', pactDir]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      `pact:publish: publishing a-b.json to https://broker.example.com\n` +
        `args: publish ${pactDir} --consumer-app-version 1.2.3 --branch main\ntoken: tok-123\n`,
    );
  });
});
