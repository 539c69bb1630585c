/**
 * The entry of the child process `runInQuietChild` starts. For each task it receives over IPC, it
 * imports the task's module, calls the named export with the task's input, and sends back what it
 * returned (or why it threw). Everything else the process prints (Pact's report) goes to pipes the
 * parent reads; a marker on both streams tells the parent where one task's output ends.
 */
import { endMarker, type QuietChildAnswer, type QuietChildMessage } from './quiet-child.js';

const nonce = process.argv[2] ?? '';

// The parent is done with this worker, or gone: nobody is left to send a task.
process.once('disconnect', () => process.exit(0));
process.on('message', (message) => void run(message as QuietChildMessage));

async function run(task: QuietChildMessage): Promise<void> {
  let answer: QuietChildAnswer;
  try {
    const module = (await import(task.module)) as Record<string, unknown>;
    const fn = module[task.export];
    if (typeof fn !== 'function') throw new Error(`${task.module} has no exported function ${task.export}`);
    answer = { id: task.id, ok: true, value: await (fn as (input: unknown) => unknown)(task.input) };
  } catch (error) {
    answer =
      error instanceof Error
        ? { id: task.id, ok: false, message: error.message, stack: error.stack }
        : { id: task.id, ok: false, message: String(error), stack: undefined };
  }
  if (task.mark) {
    const marker = endMarker(nonce, task.id);
    await Promise.all([process.stdout, process.stderr].map((stream) => new Promise((done) => stream.write(marker, done))));
  }
  process.send?.(answer);
}
