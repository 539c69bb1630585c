import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CHAOS_FLAGS, SERVE_FLAGS } from '../src/cli/serve-flags.js';
import { CHAOS_PROFILES, type ChaosSettings } from '../src/mock/chaos/profiles.js';

/** The README says what the code does: these checks fail when one drifts from the other. */
const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

describe('README', () => {
  it('opens with the two set-up commands', () => {
    const firstBlock = readme.slice(readme.indexOf('```sh\n') + 6, readme.indexOf('```', readme.indexOf('```sh\n') + 6));
    expect(firstBlock.split('\n').filter(Boolean).map((line) => line.split('#')[0]!.trim())).toEqual(['npm install && npm start', 'npm test']);
  });

  it('documents every flag of serve with its environment twin and default', () => {
    for (const spec of SERVE_FLAGS) {
      expect(readme).toContain(`| \`--${spec.flag}\` | \`${spec.env}\` | ${spec.defaultText} |`);
    }
  });

  it('gives each chaos flag the rates its profiles really have', () => {
    for (const spec of CHAOS_FLAGS.filter((flag) => flag.flag !== 'chaos')) {
      const field = spec.option.replace('chaos.', '') as keyof ChaosSettings;
      const row = readme.split('\n').find((line) => line.includes(`| \`--${spec.flag}\` |`));
      expect(row, spec.flag).toBeDefined();
      const cells = row!.split('|').slice(3, 7).map((cell) => Number(cell.trim().split(' ')[0]));
      expect(cells, spec.flag).toEqual((['off', 'gentle', 'realistic', 'hostile'] as const).map((profile) => CHAOS_PROFILES[profile][field]));
    }
  });

  it('shows the chaos example as it is, importing the package by name', () => {
    const file = 'examples/chaos/webhook-handler.chaos.test.ts';
    const marker = `<!-- example: ${file} -->\n\`\`\`ts\n`;
    const start = readme.indexOf(marker);
    expect(start).toBeGreaterThan(-1);
    const shown = readme.slice(start + marker.length, readme.indexOf('```\n', start + marker.length));
    const source = readFileSync(new URL(`../${file}`, import.meta.url), 'utf8').replace("'../../src/index.js'", "'imagefactory-mock'");
    expect(shown).toBe(source);
  });
});
