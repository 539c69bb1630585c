import { writeSync } from 'node:fs';

/**
 * Tasks for the quiet-child tests, run in the worker. `writeSync` on descriptors 1 and 2 is how
 * Pact's native verifier prints too: past Node's streams, straight to the file descriptor.
 */

/** Prints `stdout` and `stderr` on the descriptors, returns the worker's pid. */
export function print(input: { stdout: string; stderr: string }): number {
  if (input.stdout !== '') writeSync(1, input.stdout);
  if (input.stderr !== '') writeSync(2, input.stderr);
  return process.pid;
}

/** Prints `printed`, then throws `message`. */
export async function fail(input: { message: string; printed: string }): Promise<never> {
  writeSync(1, input.printed);
  throw new Error(input.message);
}

/** Prints `printed`, then ends the worker with `code` without answering. */
export function exit(input: { code: number; printed: string }): void {
  writeSync(1, input.printed);
  process.exit(input.code);
}
