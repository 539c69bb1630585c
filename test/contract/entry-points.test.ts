import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * `@pact-foundation/pact` is an optional peer dependency: the package's main entry must load, and
 * its types resolve, without it. So no module the main entry reaches may import it, type-only
 * imports included (they end up in the `.d.ts` files). Pact is for `imagefactory-mock/pact`.
 */

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SPECIFIER = /(?:^|[\s;])(?:import|export)\s(?:[^'";]*?\sfrom\s)?'([^']+)'|import\('([^']+)'\)/g;

/** Every module reachable from `entry` by relative imports, and every package specifier they import. */
function importGraph(entry: string): { modules: string[]; packages: Set<string> } {
  const modules: string[] = [];
  const packages = new Set<string>();
  const pending = [resolve(ROOT, entry)];
  const seen = new Set(pending);
  for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
    modules.push(relative(ROOT, file));
    for (const match of readFileSync(file, 'utf8').matchAll(SPECIFIER)) {
      const specifier = (match[1] ?? match[2])!;
      if (!specifier.startsWith('.')) {
        packages.add(specifier);
        continue;
      }
      const target = sourceOf(resolve(dirname(file), specifier));
      if (!seen.has(target)) {
        seen.add(target);
        pending.push(target);
      }
    }
  }
  return { modules: modules.sort(), packages };
}

/** `./x.js` is `./x.ts` in the source tree. */
function sourceOf(path: string): string {
  const candidate = path.replace(/\.js$/, '.ts');
  if (existsSync(candidate)) return candidate;
  const index = join(path, 'index.ts');
  if (existsSync(index)) return index;
  throw new Error(`cannot find the source of ${path}`);
}

function pactPackages(packages: Set<string>): string[] {
  return [...packages].filter((name) => name.startsWith('@pact-foundation/'));
}

describe('the entry points', () => {
  for (const entry of ['src/index.ts', 'src/contract/index.ts']) {
    it(`${entry} reaches no module that imports Pact`, () => {
      const graph = importGraph(entry);
      expect(pactPackages(graph.packages)).toEqual([]);
      expect(graph.modules.filter((module) => module.startsWith('src/contract/pact/'))).toEqual([]);
    });
  }

  it('src/contract/pact/index.ts, the imagefactory-mock/pact entry, does import Pact', () => {
    expect(pactPackages(importGraph('src/contract/pact/index.ts').packages)).toEqual(['@pact-foundation/pact']);
  });
});
