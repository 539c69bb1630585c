import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CHAOS_FLAGS, SERVE_FLAGS } from '../../src/cli/serve-flags.js';

const BIN = fileURLToPath(new URL('../../bin/imagefactory-mock.js', import.meta.url));

interface Run {
  child: ChildProcessWithoutNullStreams;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
  waitForOutput: (pattern: RegExp) => Promise<RegExpMatchArray>;
}

function run(args: string[], env: Record<string, string> = {}): Run {
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env, NO_COLOR: '1' } });
  let stdout = '';
  let stderr = '';
  const waiters: Array<() => void> = [];
  const notify = () => waiters.forEach((waiter) => waiter());
  child.stdout.on('data', (chunk: Buffer) => ((stdout += chunk.toString()), notify()));
  child.stderr.on('data', (chunk: Buffer) => ((stderr += chunk.toString()), notify()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => (notify(), resolve(code))));
  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    exited,
    waitForOutput: (pattern) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const match = stdout.match(pattern);
          if (match) return resolve(match);
          if (child.exitCode !== null) reject(new Error(`exited ${child.exitCode} before ${pattern}: ${stdout}${stderr}`));
          else waiters.push(check);
        };
        check();
      }),
  };
}

/** The mock answers health once its event loop runs: a signal sent after that meets its handlers. */
async function waitForHealth(mock: Run): Promise<void> {
  const [, url] = mock.stdout().match(/listening on (http:\/\/127\.0\.0\.1:\d+)/)!;
  expect((await fetch(`${url}/__admin/health`)).status).toBe(200);
}

describe('imagefactory-mock serve', () => {
  it('prints its banner with the secret masked, serves, and stops cleanly on SIGTERM', async () => {
    const mock = run(['serve', '--port', '0', '--seed', 'banner-seed', '--log-level', 'warn'], { IMAGEFACTORY_MOCK_SECRET: 'whsec_from_env_1234' });
    const [, url] = await mock.waitForOutput(/Ctrl-C stops\./).then(() => mock.stdout().match(/listening on (http:\/\/127\.0\.0\.1:\d+)/)!);
    const banner = mock.stdout();
    expect(banner).toContain('  API token       ifm_dev_token   (send "Authorization: Bearer ifm_dev_token" and "Accept: application/json")');
    expect(banner).toContain('  signing secret  ***************1234   (--show-secret prints it)');
    expect(banner).not.toContain('whsec_from_env_1234');
    expect(banner).toContain('  webhook URL     http://127.0.0.1:3000/webhooks/imagefactory');
    expect(banner).toContain('  seed            banner-seed   (--seed banner-seed replays this run)');
    const health = await fetch(`${url}/__admin/health`);
    expect(health.status).toBe(200);
    mock.child.kill('SIGTERM');
    expect(await mock.exited).toBe(0);
    expect(mock.stdout()).toContain('SIGTERM: stopping…\nstopped; every accepted render was settled.');
  });

  it('prints the secret in full with --show-secret', async () => {
    const mock = run(['serve', '--port', '0', '--secret', 'whsec_visible_secret', '--show-secret', '--log-level', 'silent']);
    await mock.waitForOutput(/Ctrl-C stops\./);
    await waitForHealth(mock);
    expect(mock.stdout()).toContain('  signing secret  whsec_visible_secret\n');
    mock.child.kill('SIGINT');
    expect(await mock.exited).toBe(0);
  });

  it('fails at start with exit 2 and a message naming a bad flag', async () => {
    const mock = run(['serve', '--port', 'seventy', '--accept-mode', 'lenient']);
    expect(await mock.exited).toBe(2);
    expect(mock.stderr()).toBe(
      'imagefactory-mock: --port must be a whole number from 0 to 65535 (got "seventy").\n--accept-mode must be one of strict, laravel (got "lenient").\nRun imagefactory-mock serve --help for every flag.\n',
    );
  });

  it('lists its commands in --help', async () => {
    const help = run(['--help']);
    expect(await help.exited).toBe(0);
    for (const command of ['serve', 'check-handler', 'replay']) expect(help.stdout()).toContain(`\`${command}\``);
  });

  it('prints the chaos it brings in the banner', async () => {
    const mock = run(['serve', '--port', '0', '--chaos', 'gentle', '--chaos-duplicate', '0.5', '--log-level', 'silent']);
    await mock.waitForOutput(/Ctrl-C stops\./);
    await waitForHealth(mock);
    expect(mock.stdout()).toContain('  chaos           split 0.1, reorder 0.3, duplicate 0.5, delay 0.05\n');
    mock.child.kill('SIGTERM');
    expect(await mock.exited).toBe(0);
  });

  it('lists every flag and its environment twin in --help', async () => {
    const help = run(['serve', '--help']);
    expect(await help.exited).toBe(0);
    for (const spec of [...SERVE_FLAGS, ...CHAOS_FLAGS]) {
      expect(help.stdout()).toContain(`--${spec.flag}`);
      expect(help.stdout()).toContain(spec.env);
    }
    expect(help.stdout()).toContain('--show-secret');
    expect(help.stdout()).toContain('--config');
  });
});
