import { defineCommand } from 'citty';
import type { CallRecord } from '../mock/journal.js';
import { SetupError } from '../mock/api/errors.js';

/** What the command touches outside itself; tests pass their own. */
export interface ReplayCommandIo {
  stdout(text: string): void;
  fetch: typeof globalThis.fetch;
}

const PROCESS_IO: ReplayCommandIo = { stdout: (text) => process.stdout.write(text), fetch: globalThis.fetch };

/**
 * `imagefactory-mock replay`: sends a recorded webhook call again through a running mock, as
 * Stripe's `events resend` does: the same bytes and the same signature, so what gets tested is
 * the handler's idempotency. The journal marks the new call as a replay.
 */
export function createReplayCommand(io: Partial<ReplayCommandIo> = {}) {
  const { stdout, fetch } = { ...PROCESS_IO, ...io };
  return defineCommand({
    meta: { name: 'replay', description: 'Send a recorded webhook call again (same bytes, same signature) through a running mock.' },
    args: {
      job: { type: 'string', description: 'The job uuid, as the render answer gave it (required)', valueHint: 'uuid' },
      call: { type: 'string', description: 'The call number, as GET /__admin/jobs/<uuid> lists them [default: 1]', valueHint: 'n' },
      mock: { type: 'string', description: 'The running mock [default: http://127.0.0.1:4010; env IMAGEFACTORY_MOCK_URL]', valueHint: 'url' },
    },
    async run({ args }) {
      if (!args.job) throw new SetupError('replay: --job is required: the uuid of a job the mock has recorded (GET /__admin/jobs lists them).');
      const call = args.call ?? '1';
      if (!/^[1-9]\d*$/.test(call)) throw new SetupError(`replay: --call must be a whole number from 1 (got ${JSON.stringify(call)}).`);
      const base = (args.mock ?? process.env.IMAGEFACTORY_MOCK_URL ?? 'http://127.0.0.1:4010').replace(/\/+$/, '');
      let response: Response;
      try {
        response = await fetch(`${base}/__admin/jobs/${encodeURIComponent(args.job)}/calls/${call}/replay`, { method: 'POST' });
      } catch (error) {
        throw new SetupError(`replay: no mock answers at ${base} (${(error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message}); start one, or pass --mock.`);
      }
      const body = (await response.json()) as CallRecord & { message?: string; hint?: string };
      if (!response.ok) throw new SetupError(`replay: ${body.message}${body.hint ? ` ${body.hint}` : ''}`);
      const attempt = body.attempts[0];
      const answer = attempt?.status ? `HTTP ${attempt.status}` : (attempt?.error ?? 'no answer');
      stdout(`replayed call ${call} of job ${args.job} as call ${body.number} (${body.renderIndexes.length} output(s), same bytes and Signature): the handler answered ${answer} in ${attempt?.latencyMs ?? 0} ms.\n`);
    },
  });
}

export const replayCommand = createReplayCommand();
