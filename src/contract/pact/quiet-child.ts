import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { extname } from 'node:path';
import type { Socket } from 'node:net';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * Runs functions in a child Node process whose standard output and error are pipes, so that what
 * Pact's Rust verifier prints there stays out of the caller's (a test run's) output.
 *
 * Why a process: the verifier writes its report (a few hundred lines for a passing run) to file
 * descriptor 1 from native code, whatever `logLevel` says. Pact JS 16's native binding offers no
 * switch for it: the FFI's `pactffi_verifier_output` and `pactffi_verifier_set_coloured_output` are
 * not bound, and neither an option nor an environment variable turns the console report off. Node
 * cannot hold back writes that do not go through `process.stdout`; a child's descriptors can be
 * pipes.
 *
 * Why one long-lived child: starting Node with Pact (and, from source, tsx) costs about a second;
 * a test file verifying several handlers would pay it each time. Tasks run one at a time, and the
 * worker ends each task's output with a marker on both streams, so each task gets its own output.
 */

/** What the child runs: an exported function of a module, given JSON input. */
export interface QuietChildTask {
  /** The module, e.g. `siblingModule(import.meta.url, 'my-task')`. */
  module: URL;
  /** The name of its exported function; it takes `input` and returns JSON-serialisable data. */
  export: string;
  /** Passed to the function as is (it crosses the process boundary as JSON). */
  input: unknown;
}

/** What the function returned, and everything the child printed meanwhile. */
export interface QuietChildResult<T> {
  value: T;
  /** The child's standard output and error while the task ran, interleaved as they arrived. */
  output: string;
}

/** Options of {@link runInQuietChild}. */
export interface QuietChildOptions {
  /**
   * [echo=false] Let the task print to this process's standard output and error instead (it then
   * runs in a child of its own, and `output` is '').
   */
  echo?: boolean;
}

/** A task as the worker receives it. `mark` is set when its output is captured. */
export interface QuietChildMessage {
  id: number;
  module: string;
  export: string;
  input: unknown;
  mark: boolean;
}

/** The worker's answer: what the function returned, or why it threw. */
export type QuietChildAnswer = { id: number } & (
  | { ok: true; value: unknown }
  | { ok: false; message: string; stack: string | undefined }
);

/** The task threw, or the child died before answering. `output` is everything it printed. */
export class QuietChildError extends Error {
  override readonly name = 'QuietChildError';

  constructor(
    message: string,
    readonly output: string,
  ) {
    super(message);
  }
}

/**
 * Runs `task` in the quiet child and resolves with its return value and captured output. Tasks
 * of one process run one after another. Rejects with a {@link QuietChildError} when the function
 * throws or the child dies: its message is the function's, followed by the failing part of Pact's
 * report (see {@link trimPactReport}).
 *
 * @example
 * const { value } = await runInQuietChild<boolean>({
 *   module: siblingModule(import.meta.url, 'verify-something'),
 *   export: 'verifySomething',
 *   input: { pactUrls: ['pacts/a-b.json'] },
 * });
 */
export function runInQuietChild<T>(task: QuietChildTask, options: QuietChildOptions = {}): Promise<QuietChildResult<T>> {
  const result = queue.then(() => {
    if (options.echo) return new Worker('inherit').runOnce<T>(task);
    if (shared === undefined || shared.exited) shared = new Worker('pipe');
    return shared.run<T>(task);
  });
  queue = result.catch(() => undefined);
  return result;
}

/**
 * The part of Pact's console report worth reading after a failure, without ANSI colours: its
 * `Failures:` section, down to "There were N pact failures". Without such a section (the verifier
 * did not run, or something else went wrong) the whole output is kept, cut to its last 60 lines.
 */
export function trimPactReport(output: string): string {
  const plain = output.replace(/\u001b\[[0-9;]*m/g, '');
  const failures = plain.search(/^Failures:$/m);
  if (failures >= 0) {
    const section = plain.slice(failures);
    const summary = /^There (?:was|were) \d+ pact failures?$/m.exec(section);
    return (summary === null ? section : section.slice(0, summary.index + summary[0].length)).trim();
  }
  const lines = plain.trim().split('\n');
  return lines.length > 60 ? ['…', ...lines.slice(-60)].join('\n') : lines.join('\n');
}

/**
 * The URL of a module next to `importMetaUrl`, with the same extension: `.ts` when running from
 * source (tests, tsx), `.js` in the published build.
 */
export function siblingModule(importMetaUrl: string, name: string): URL {
  return new URL(`./${name}${extname(fileURLToPath(importMetaUrl))}`, importMetaUrl);
}

const WORKER_MODULE = siblingModule(import.meta.url, 'quiet-child-worker');

let shared: Worker | undefined;
let queue: Promise<unknown> = Promise.resolve();

interface Running {
  id: number;
  chunks: string[];
  answer: QuietChildAnswer | undefined;
  /** Streams whose end-of-task marker has arrived. */
  marked: Set<'stdout' | 'stderr'>;
  settle: (outcome: { answer: QuietChildAnswer; output: string } | { died: string; output: string }) => void;
}

/** One child process running the worker, and the task it is running. */
class Worker {
  exited = false;
  private readonly child: ChildProcess;
  private readonly nonce = randomUUID();
  private readonly pending = { stdout: '', stderr: '' };
  private running: Running | undefined;
  private nextId = 1;

  constructor(private readonly stdio: 'pipe' | 'inherit') {
    this.child = fork(fileURLToPath(WORKER_MODULE), [this.nonce], {
      execArgv: loaderArgs(WORKER_MODULE),
      stdio: ['ignore', stdio, stdio, 'ipc'],
      serialization: 'json',
    });
    this.child.stdout?.setEncoding('utf8').on('data', (text: string) => this.read('stdout', text));
    this.child.stderr?.setEncoding('utf8').on('data', (text: string) => this.read('stderr', text));
    this.child.on('message', (message) => this.answered(message as QuietChildAnswer));
    this.child.once('error', (error) => this.died(`could not start: ${error.message}`));
    // 'close', not 'exit': only then has every byte it printed arrived.
    this.child.once('close', (code, signal) => this.died(signal === null ? `exited with code ${code}` : `was killed by ${signal}`));
    this.hold(false);
  }

  async run<T>(task: QuietChildTask): Promise<QuietChildResult<T>> {
    const id = this.nextId++;
    const outcome = await new Promise<Parameters<Running['settle']>[0]>((settle) => {
      this.running = { id, chunks: [], answer: undefined, marked: new Set(), settle };
      this.hold(true);
      const message: QuietChildMessage = { id, module: task.module.href, export: task.export, input: task.input, mark: this.stdio === 'pipe' };
      this.child.send(message, (error) => {
        if (error) this.died(`could not be sent the task (${error.message})`);
      });
    });
    this.running = undefined;
    this.hold(false);
    if ('died' in outcome) {
      throw new QuietChildError(withReport(`the quiet child running ${task.export} ${outcome.died} before answering`, outcome.output), outcome.output);
    }
    const { answer, output } = outcome;
    if (answer.ok) return { value: answer.value as T, output };
    const error = new QuietChildError(withReport(answer.message, output), output);
    if (answer.stack !== undefined) error.stack = `${error.name}: ${error.message}\n${stackFrames(answer.stack)}`;
    throw error;
  }

  /** Runs one task, then lets the child go. */
  async runOnce<T>(task: QuietChildTask): Promise<QuietChildResult<T>> {
    try {
      return await this.run<T>(task);
    } finally {
      if (!this.exited) this.child.disconnect();
    }
  }

  private read(stream: 'stdout' | 'stderr', text: string): void {
    const running = this.running;
    if (running === undefined) return;
    const marker = endMarker(this.nonce, running.id);
    const buffered = this.pending[stream] + text;
    const at = buffered.indexOf(marker);
    if (at >= 0) {
      running.chunks.push(buffered.slice(0, at));
      this.pending[stream] = '';
      running.marked.add(stream);
      this.settleIfDone();
      return;
    }
    // Hold back what could be the start of a marker split across chunks.
    const keep = Math.min(buffered.length, marker.length - 1);
    running.chunks.push(buffered.slice(0, buffered.length - keep));
    this.pending[stream] = buffered.slice(buffered.length - keep);
  }

  private answered(answer: QuietChildAnswer): void {
    if (this.running?.id !== answer.id) return;
    this.running.answer = answer;
    this.settleIfDone();
  }

  private settleIfDone(): void {
    const running = this.running;
    if (running?.answer === undefined) return;
    if (this.stdio === 'pipe' && running.marked.size < 2) return;
    running.settle({ answer: running.answer, output: running.chunks.join('') });
  }

  /** May come twice ('error', then 'close'): a settled promise ignores the second settling. */
  private died(how: string): void {
    this.exited = true;
    const running = this.running;
    if (running === undefined) return;
    running.settle({ died: how, output: running.chunks.join('') + this.pending.stdout + this.pending.stderr });
  }

  /** An idle worker must not keep this process alive; a busy one must. */
  private hold(busy: boolean): void {
    const method = busy ? 'ref' : 'unref';
    this.child[method]();
    this.child.channel?.[method]();
    // Piped stdio is a socket (`Readable` in the types); inherited stdio is null here.
    for (const stream of [this.child.stdout, this.child.stderr] as (Socket | null)[]) stream?.[method]();
  }
}

/** What the worker prints on both streams after a task; the nonce keeps it apart from real output. */
export function endMarker(nonce: string, id: number): string {
  return `\n[quiet-child ${nonce} task ${id} done]\n`;
}

/** Running from source, the child needs tsx's loader (a dependency of the package) to import `.ts`. */
function loaderArgs(worker: URL): string[] {
  if (!worker.pathname.endsWith('.ts')) return [];
  const tsx = createRequire(import.meta.url).resolve('tsx');
  return ['--import', pathToFileURL(tsx).href];
}

function withReport(message: string, output: string): string {
  const report = trimPactReport(output);
  return report === '' ? message : `${message}\n\n${report}`;
}

/** The "at …" lines of a stack, whose first line (name and message) the new error replaces. */
function stackFrames(stack: string): string {
  return stack
    .split('\n')
    .filter((line) => /^\s+at /.test(line))
    .join('\n');
}
