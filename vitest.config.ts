import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // The chaos example runs as it is, so the README's copy of it is known to work.
    include: ['test/**/*.test.ts', 'examples/chaos/**/*.test.ts'],
    // Real sockets and sharp encodes: a little headroom on a shared 2-core machine.
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // `.only` in CI is a defect: fail the run instead of silently narrowing it.
    allowOnly: !process.env.CI,
  },
});
