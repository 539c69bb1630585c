import { describe, expect, it } from 'vitest';
import { QuietChildError, runInQuietChild, trimPactReport } from '../../../src/contract/pact/quiet-child.js';

/** The child process the Pact verifiers run in, so that their console report stays out of a run. */

const TASKS = new URL('./quiet-child-tasks.ts', import.meta.url);

async function rejectionOf(promise: Promise<unknown>): Promise<QuietChildError> {
  const error: unknown = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(QuietChildError);
  return error as QuietChildError;
}

/** The lines of an output, sorted. */
function linesOf(output: string): string[] {
  return output.split('\n').filter((line) => line !== '').sort();
}

describe('runInQuietChild', () => {
  it("returns the task's value and keeps what it wrote to descriptors 1 and 2", async () => {
    const result = await runInQuietChild<number>({ module: TASKS, export: 'print', input: { stdout: 'report line\n', stderr: 'log line\n' } });
    expect(result.value).not.toBe(process.pid);
    // Two pipes: which of the two lines arrives first is up to the scheduler.
    expect(linesOf(result.output)).toEqual(['log line', 'report line']);
  });

  it("gives each task its own output, in one reused child", async () => {
    const first = await runInQuietChild<number>({ module: TASKS, export: 'print', input: { stdout: 'first\n', stderr: '' } });
    const second = await runInQuietChild<number>({ module: TASKS, export: 'print', input: { stdout: 'second\n', stderr: '' } });
    expect([first.output, second.output]).toEqual(['first\n', 'second\n']);
    expect(second.value).toBe(first.value);
  });

  it('runs tasks started together one after another, each with its own output', async () => {
    const results = await Promise.all(
      ['a', 'b', 'c'].map((name) => runInQuietChild<number>({ module: TASKS, export: 'print', input: { stdout: `${name}\n`, stderr: `${name}!\n` } })),
    );
    expect(results.map((result) => linesOf(result.output))).toEqual([
      ['a', 'a!'],
      ['b', 'b!'],
      ['c', 'c!'],
    ]);
  });

  it("rejects with the task's message followed by what it printed when it throws", async () => {
    const error = await rejectionOf(runInQuietChild({ module: TASKS, export: 'fail', input: { message: 'it broke', printed: 'a clue\n' } }));
    expect(error.message).toBe('it broke\n\na clue');
    expect(error.output).toBe('a clue\n');
  });

  it('says so when the child dies before answering, and starts a new one for the next task', async () => {
    const before = await runInQuietChild<number>({ module: TASKS, export: 'print', input: { stdout: '', stderr: '' } });
    const error = await rejectionOf(runInQuietChild({ module: TASKS, export: 'exit', input: { code: 3, printed: 'last words\n' } }));
    expect(error.message).toBe('the quiet child running exit exited with code 3 before answering\n\nlast words');
    const after = await runInQuietChild<number>({ module: TASKS, export: 'print', input: { stdout: 'alive\n', stderr: '' } });
    expect(after.output).toBe('alive\n');
    expect(after.value).not.toBe(before.value);
  });

  it('names a missing export', async () => {
    const error = await rejectionOf(runInQuietChild({ module: TASKS, export: 'nothing', input: null }));
    expect(error.message).toBe(`${TASKS.href} has no exported function nothing`);
  });

  it('runs an echoing task in a child of its own, capturing nothing', async () => {
    const shared = await runInQuietChild<number>({ module: TASKS, export: 'print', input: { stdout: '', stderr: '' } });
    const echoed = await runInQuietChild<number>({ module: TASKS, export: 'print', input: { stdout: '', stderr: '' } }, { echo: true });
    expect(echoed).toEqual({ value: expect.any(Number), output: '' });
    expect(echoed.value).not.toBe(shared.value);
  });
});

describe('trimPactReport', () => {
  it('keeps the failures section, down to the count, without colours', () => {
    const output = [
      '',
      'Verifying a pact between \u001b[1ma\u001b[0m and \u001b[1mb\u001b[0m',
      '  a call (0s loading, 5ms verification)',
      '      has status code \u001b[1m200\u001b[0m (\u001b[31mFAILED\u001b[0m)',
      '',
      'Failures:',
      '',
      '1) Verifying a pact between a and b - a call',
      '    1.1) has status code 200',
      '           expected 200 but was 500',
      '',
      'There was 1 pact failure',
      '',
      '[06:00:08.130] ERROR (19075): pact-core@19.2.0: Verification unsuccessful',
      '',
    ].join('\n');
    expect(trimPactReport(output)).toBe(
      [
        'Failures:',
        '',
        '1) Verifying a pact between a and b - a call',
        '    1.1) has status code 200',
        '           expected 200 but was 500',
        '',
        'There was 1 pact failure',
      ].join('\n'),
    );
  });

  it('keeps the last 60 lines of an output without a failures section', () => {
    const lines = Array.from({ length: 70 }, (_, index) => `line ${index + 1}`);
    expect(trimPactReport(`${lines.join('\n')}\n`)).toBe(['…', ...lines.slice(10)].join('\n'));
    expect(trimPactReport('only this\n')).toBe('only this');
  });
});
