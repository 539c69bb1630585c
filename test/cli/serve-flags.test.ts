import { describe, expect, it } from 'vitest';
import { serveOptionsFrom } from '../../src/cli/serve-flags.js';
import { SetupError } from '../../src/mock/api/errors.js';
import { resolveOptions } from '../../src/mock/config.js';

const files = (entries: Record<string, string>) => (path: string) => {
  const text = entries[path];
  if (text === undefined) throw Object.assign(new Error('missing'), { code: 'ENOENT' });
  return text;
};

const goodTheme = { id: 7, name: 'Wide', width: 1600, height: 900, format: 'webp', inputs: [{ name: 'input_1', label: 'Title', type: 'text', required: true }], batchSize: 5 };

describe('serve flags, environment and config file', () => {
  it('takes a flag over its environment twin over the config file', () => {
    const options = serveOptionsFrom({
      flags: { port: '5000' },
      env: { IMAGEFACTORY_MOCK_PORT: '6000', IMAGEFACTORY_MOCK_LATENCY: 'realistic', IMAGEFACTORY_MOCK_CONFIG: 'mock.json' },
      readFile: files({ 'mock.json': JSON.stringify({ port: 7000, latency: 'instant', host: '127.0.0.2' }) }),
    });
    expect(options).toMatchObject({ port: 5000, latency: 'realistic', host: '127.0.0.2' });
  });

  it('names the flag, what is allowed and what it got', () => {
    expect(() => serveOptionsFrom({ flags: { port: 'abc', latency: 'slow' }, env: {} })).toThrow(
      new SetupError(
        '--port must be a whole number from 0 to 65535 (got "abc").\n--latency must be one of instant, fast, realistic (got "slow").\nRun imagefactory-mock serve --help for every flag.',
      ),
    );
  });

  it('names the environment variable when the bad value came from there', () => {
    expect(() => serveOptionsFrom({ flags: {}, env: { IMAGEFACTORY_MOCK_WEBHOOK_URL: 'localhost:3000' } })).toThrow(
      'IMAGEFACTORY_MOCK_WEBHOOK_URL (environment) must be an http:// or https:// URL (got "localhost:3000").',
    );
  });

  it('takes "none" as no webhook URL', () => {
    expect(serveOptionsFrom({ flags: { 'webhook-url': 'none' }, env: {} }).webhookUrl).toBeNull();
  });

  it('maps the delivery flags into the delivery options', () => {
    const options = serveOptionsFrom({ flags: { 'delivery-timeout': '250', 'delivery-attempts': '5' }, env: {} });
    expect(resolveOptions(options).delivery).toEqual({ timeoutMs: 250, attempts: 5, backoffBaseSeconds: 10, concurrency: 16 });
  });
});

describe('--themes FILE', () => {
  it('loads a valid themes file, as an array or under "themes"', () => {
    for (const text of [JSON.stringify([goodTheme]), JSON.stringify({ themes: [goodTheme] })]) {
      const options = serveOptionsFrom({ flags: { themes: 'themes.json' }, env: {}, readFile: files({ 'themes.json': text }) });
      expect(options.themes).toEqual([goodTheme]);
    }
  });

  it('defaults a missing format to jpg', () => {
    const { format: _format, ...withoutFormat } = goodTheme;
    const options = serveOptionsFrom({ flags: { themes: 't.json' }, env: {}, readFile: files({ 't.json': JSON.stringify([withoutFormat]) }) });
    expect(options.themes?.[0]?.format).toBe('jpg');
  });

  it('names every problem by its place in the file', () => {
    const bad = [{ ...goodTheme, width: 3, format: 'gif', inputs: [{ name: 'input_40', label: 'X', type: 'video', required: 'yes' }] }];
    expect(() => serveOptionsFrom({ flags: { themes: 'bad.json' }, env: {}, readFile: files({ 'bad.json': JSON.stringify(bad) }) })).toThrow(
      new SetupError(
        'themes file bad.json is invalid:\n' +
          '  theme 0.width: Too small: expected number to be >=16\n' +
          '  theme 0.format: must be "jpg", "png" or "webp"\n' +
          '  theme 0.inputs.0.name: must be one of input_1 … input_30\n' +
          '  theme 0.inputs.0.type: must be "text" or "image"\n' +
          '  theme 0.inputs.0.required: Invalid input: expected boolean, received string\n' +
          'Each theme needs id, name, width, height, format (jpg|png|webp), inputs [{name, label, type, required}] and batchSize.',
      ),
    );
  });

  it('rejects a file that is not JSON, or missing, or with duplicate ids', () => {
    const read = files({ 'broken.json': '[{', 'dupes.json': JSON.stringify([goodTheme, goodTheme]) });
    expect(() => serveOptionsFrom({ flags: { themes: 'broken.json' }, env: {}, readFile: read })).toThrow(/^themes file broken.json is not valid JSON: /);
    expect(() => serveOptionsFrom({ flags: { themes: 'nope.json' }, env: {}, readFile: read })).toThrow('themes file nope.json cannot be read: ENOENT.');
    expect(() => serveOptionsFrom({ flags: { themes: 'dupes.json' }, env: {}, readFile: read })).toThrow('themes file dupes.json: theme id 7 is declared twice.');
  });
});

describe('resolveOptions', () => {
  it('leaves the caller\'s options untouched and fills the defaults once', () => {
    const given = { port: 0, delivery: { attempts: 2 } };
    const resolved = resolveOptions(given);
    expect(given).toEqual({ port: 0, delivery: { attempts: 2 } });
    expect(resolved).toMatchObject({ port: 0, host: '127.0.0.1', latency: 'fast', delivery: { attempts: 2, timeoutMs: 3000 } });
    expect(resolved.seed).toMatch(/^[0-9a-z]+$/);
  });

  it('throws a setup error naming the option', () => {
    expect(() => resolveOptions({ timeScale: -1, webhookUrl: 'ftp://x' })).toThrow(
      new SetupError('option webhookUrl: must be an http:// or https:// URL\noption timeScale: must be 0 or more'),
    );
  });
});

describe('chaos flags', () => {
  it('takes a profile and overrides single rates by flag or environment', () => {
    const options = serveOptionsFrom({ flags: { chaos: 'realistic', 'chaos-duplicate': '0.5' }, env: { IMAGEFACTORY_MOCK_CHAOS_API_429: '0.25' } });
    expect(options.chaos).toEqual({ profile: 'realistic', duplicate: 0.5, api429: 0.25 });
    expect(resolveOptions(options).chaos).toMatchObject({ split: 0.2, duplicate: 0.5, api429: 0.25 });
  });

  it('rejects a rate outside 0–1 and an unknown profile, naming the flag', () => {
    expect(() => serveOptionsFrom({ flags: { chaos: 'brutal', 'chaos-split': '2' }, env: {} })).toThrow(
      '--chaos must be one of off, gentle, realistic, hostile (got "brutal").\n--chaos-split must be a rate from 0 to 1 (got "2").',
    );
  });

  it('lays flags over the config file\'s chaos, ranges included', () => {
    const readFile = files({ 'mock.json': JSON.stringify({ chaos: { profile: 'gentle', delayMs: [10, 20] } }) });
    const options = serveOptionsFrom({ flags: { config: 'mock.json', 'chaos-split': '0.9' }, env: {}, readFile });
    expect(options.chaos).toEqual({ profile: 'gentle', delayMs: [10, 20], split: 0.9 });
    expect(resolveOptions(options).chaos).toMatchObject({ reorder: 0.3, split: 0.9, delayMs: [10, 20] });
  });

  it('keeps chaos off when nothing asks for it', () => {
    expect(serveOptionsFrom({ flags: {}, env: {} }).chaos).toBeUndefined();
  });
});
