#!/usr/bin/env node
// Runs the compiled command when the package is built (npm run build), else the TypeScript
// source through tsx, so a fresh clone works without a build step.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const compiled = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
if (existsSync(compiled)) {
  await import(compiled);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli.ts');
}
