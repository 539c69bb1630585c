import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runInQuietChild } from '../../../src/contract/pact/quiet-child.js';
import type { InteractionVerdict } from './mock-provider-tasks.js';

/**
 * The examples of the README's "Contract testing in five minutes", run as they are: importing them registers their tests
 * here. Their pacts go to a folder of their own, not to the shipped pacts/.
 */

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const pactDir = mkdtempSync(join(tmpdir(), 'example-pacts-'));
process.env.PACT_DIR = pactDir;

await import('../../../examples/contract/client.pact.test.js');
await import('../../../examples/contract/webhook-handler.pact.test.js');
// The examples read it when they are loaded; leave the worker's environment as it was.
delete process.env.PACT_DIR;
afterAll(() => rmSync(pactDir, { recursive: true, force: true }));

describe('README.md, Contract testing in five minutes', () => {
  const doc = readFileSync(join(ROOT, 'README.md'), 'utf8');

  for (const file of ['examples/contract/client.pact.test.ts', 'examples/contract/webhook-handler.pact.test.ts']) {
    it(`shows ${file} as it is, importing the kit by package name`, () => {
      const marker = `<!-- example: ${file} -->\n\`\`\`ts\n`;
      const start = doc.indexOf(marker);
      expect(start).toBeGreaterThan(-1);
      const shown = doc.slice(start + marker.length, doc.indexOf('```\n', start + marker.length));
      const source = readFileSync(join(ROOT, file), 'utf8')
        .replace("'../../src/contract/pact/index.js'", "'imagefactory-mock/pact'")
        .replace("'../../src/contract/index.js'", "'imagefactory-mock'");
      expect(shown).toBe(source);
    });
  }
});

describe('the example client pact', () => {
  it('is honoured by the mock, as the doc says', async () => {
    // Runs after the example tests above (vitest keeps a file's order), so the pact is written.
    expect(readdirSync(pactDir).sort()).toEqual(['my-shop-imagefactory.json', 'my-shop-webhook-handler-imagefactory.json']);
    // In a child process: Pact's verifier prints its report to standard output (see quiet-child.ts).
    const { value } = await runInQuietChild<InteractionVerdict[]>({
      module: new URL('./mock-provider-tasks.ts', import.meta.url),
      export: 'verifyMockHonoursPact',
      input: { provider: 'imagefactory', pactUrls: [join(pactDir, 'my-shop-imagefactory.json')] },
    });
    expect(value).toEqual([
      { description: 'a request for a batch render', result: 'OK' },
      { description: 'an invalid batch render request', result: 'OK' },
    ]);
  });
});
