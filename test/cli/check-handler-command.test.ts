import { runCommand } from 'citty';
import { describe, expect, it } from 'vitest';
import { exampleHandlers } from '../support/example-handlers.js';
import { createCheckHandlerCommand } from '../../src/cli/check-handler-command.js';

const secret = 'whsec_cli';

const handler = exampleHandlers(secret);

/** Runs the command in-process with captured output, env, exit code and files. */
async function run(rawArgs: string[], env: Record<string, string | undefined> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const files = new Map<string, string>();
  let exitCode: number | undefined;
  const command = createCheckHandlerCommand({
    stdout: (text) => out.push(text),
    stderr: (text) => err.push(text),
    env,
    setExitCode: (code) => {
      exitCode = code;
    },
    writeFile: async (path, content) => {
      files.set(path, content);
    },
    randomSeed: () => '777',
  });
  await runCommand(command, { rawArgs });
  return { stdout: out.join(''), stderr: err.join(''), exitCode, files };
}

describe('check-handler command', () => {
  it('prints the report and leaves the exit code alone when every check passes', async () => {
    const correct = await handler();
    const result = await run(['--url', correct.url, '--secret', secret, '--seed', '42']);
    expect(result.exitCode).toBeUndefined();
    expect(result.stderr).toBe('');
    expect(result.stdout.startsWith('check-handler: seed 42 (--seed 42 replays this run)\n')).toBe(true);
    expect(result.stdout).toContain(`check-handler: ${correct.url}\n  seed 42, timeout 3000 ms, 9 checks\n`);
    expect(result.stdout.endsWith('\n9 passed, 0 failed\n')).toBe(true);
  });

  it('sets exit code 1 and prints the replay line when a check fails', async () => {
    const broken = await handler('accepts-missing-signature');
    const result = await run(['--url', broken.url, '--secret', secret, '--seed', '5']);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain('✗ a delivery without a Signature header is rejected with 4xx [missing-signature]\n');
    expect(result.stdout.endsWith(
      `\n8 passed, 1 failed\nreplay this run: imagefactory-mock check-handler --url ${broken.url} --seed 5\n`,
    )).toBe(true);
  });

  it('prints and uses a random seed when --seed is not given', async () => {
    const correct = await handler();
    const result = await run(['--url', correct.url, '--secret', secret]);
    expect(result.stdout.startsWith('check-handler: seed 777 (--seed 777 replays this run)\n')).toBe(true);
  });

  it('reads the secret from IMAGEFACTORY_MOCK_SECRET when --secret is not given', async () => {
    const correct = await handler();
    const result = await run(['--url', correct.url, '--seed', '1'], { IMAGEFACTORY_MOCK_SECRET: secret });
    expect(result.exitCode).toBeUndefined();
    expect(result.stdout).toContain('9 passed, 0 failed');
  });

  it('writes JUnit XML to the --junit file', async () => {
    const broken = await handler('rejects-duplicates');
    const result = await run(['--url', broken.url, '--secret', secret, '--seed', '3', '--junit', 'out/check.xml']);
    expect(result.exitCode).toBe(1);
    const xml = result.files.get('out/check.xml') ?? '';
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuite name="imagefactory-mock check-handler" tests="9" failures="1"')).toBe(true);
    expect(xml).toContain('<failure message="call 2 of 2 (the same bytes and signature again) was answered 409, expected 2xx: ');
    expect(result.stdout.endsWith('JUnit report written to out/check.xml\n')).toBe(true);
  });

  it('uses --timeout as the per-call timeout', async () => {
    const slow = await handler('slow-ack');
    const result = await run(['--url', slow.url, '--secret', secret, '--seed', '1', '--timeout', '150']);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain('  seed 1, timeout 150 ms, 9 checks\n');
    expect(result.stdout).toContain('    got:  no answer within 150 ms');
  });

  it.each([
    ['--url is missing', ['--secret', secret], '--url is required: the full URL of your webhook handler, e.g. --url http://localhost:3000/webhooks/imagefactory'],
    ['--url has no value', ['--url', '--secret', secret], '--url is required: the full URL of your webhook handler, e.g. --url http://localhost:3000/webhooks/imagefactory'],
    ['--secret is missing', ['--url', 'http://localhost:3000/hook'], '--secret is required (or set IMAGEFACTORY_MOCK_SECRET): the webhook signing secret your handler verifies with'],
    ['--url is not a URL', ['--url', 'localhost:3000', '--secret', secret], '--url must be the full http:// or https:// URL of your webhook handler, e.g. http://localhost:3000/webhooks/imagefactory (got "localhost:3000")'],
    ['--timeout is not a number', ['--url', 'http://localhost/hook', '--secret', secret, '--timeout', '3s'], '--timeout must be a whole number of milliseconds above 0, e.g. --timeout 3000 (got "3s")'],
    ['--timeout is zero', ['--url', 'http://localhost/hook', '--secret', secret, '--timeout', '0'], '--timeout must be a whole number of milliseconds above 0 (got 0)'],
    ['--junit has no file', ['--url', 'http://localhost/hook', '--secret', secret, '--junit'], '--junit needs a file name, e.g. --junit reports/check-handler.xml'],
  ])('exits with 2 and names the flag when %s', async (_name, rawArgs, message) => {
    const result = await run(rawArgs);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toBe(`check-handler: ${message}\n`);
    expect(result.stdout).toBe('');
  });
});
