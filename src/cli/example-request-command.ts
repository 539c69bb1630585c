import { defineCommand } from 'citty';
import { SetupError } from '../mock/api/errors.js';
import { BUILT_IN_THEMES } from '../fixtures/themes.js';
import { fakeBatchRequest, fakeSingleRequest } from '../fixtures/generate.js';

/**
 * `imagefactory-mock example-request`: prints a realistic, valid request body for a built-in
 * theme, to pipe into curl:
 * `imagefactory-mock example-request --count 5 | curl -d @- -H … http://127.0.0.1:4010/api/request-batch-render`
 */
export function createExampleRequestCommand(stdout: (text: string) => void = (text) => process.stdout.write(text)) {
  return defineCommand({
    meta: { name: 'example-request', description: 'Print a realistic, valid render request body for a built-in theme (seeded, for curl).' },
    args: {
      theme: { type: 'string', description: `Theme id: ${BUILT_IN_THEMES.map((theme) => theme.id).join(', ')} [default: 1]`, valueHint: 'id' },
      count: { type: 'string', description: 'Renders in the batch [default: 3]', valueHint: 'n' },
      seed: { type: 'string', description: 'The same seed prints the same body [default: 1]', valueHint: 'seed' },
      single: { type: 'boolean', description: 'A body for /api/request-render instead of a batch', default: false },
    },
    run({ args }) {
      const theme = BUILT_IN_THEMES.find((candidate) => String(candidate.id) === (args.theme ?? '1'));
      if (!theme) throw new SetupError(`example-request: --theme must be one of ${BUILT_IN_THEMES.map((candidate) => candidate.id).join(', ')} (got ${JSON.stringify(args.theme)}).`);
      const count = Number(args.count ?? '3');
      if (!Number.isInteger(count) || count < 1 || count > 100_000) throw new SetupError(`example-request: --count must be a whole number from 1 to 100000 (got ${JSON.stringify(args.count)}).`);
      const options = { seed: args.seed ?? 1 };
      const body = args.single ? fakeSingleRequest(theme, options) : fakeBatchRequest(theme, { ...options, count });
      stdout(`${JSON.stringify(body, null, 2)}\n`);
    },
  });
}

export const exampleRequestCommand = createExampleRequestCommand();
